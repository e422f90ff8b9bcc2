-- +goose Up
-- Projection of the assessment service's session schedules (SessionPlanned,
-- SessionUpdated, SessionPostponed, SessionCancelled): a dossier is
-- submitted at the latest on the session's dossier deadline, and never to
-- a cancelled session (R40). The latest change per session wins, by the
-- session's version.
CREATE TABLE ref_session_schedules (
    session_id       TEXT    NOT NULL PRIMARY KEY,
    start_date       TEXT    NOT NULL,          -- YYYY-MM-DD
    end_date         TEXT    NOT NULL,
    dossier_deadline TEXT    NOT NULL,
    cancelled        INTEGER NOT NULL,          -- 1: cancelled
    version          BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE ref_session_schedules;
