-- +goose Up
-- The sanctions the ministry pronounces against a candidate (R58): written
-- once with their SanctionPronounced event, never changed.
CREATE TABLE IF NOT EXISTS sanctions (
    id              TEXT      PRIMARY KEY,
    candidate_id    TEXT      NOT NULL REFERENCES candidates (id),
    kind            TEXT      NOT NULL, -- EXCLUSION or BAN
    duration_months INTEGER   NOT NULL,
    notified_on     TEXT      NOT NULL, -- YYYY-MM-DD
    ends_on         TEXT      NOT NULL DEFAULT '', -- first day free of a ban
    reference       TEXT      NOT NULL,
    motivation      TEXT      NOT NULL,
    session_id      TEXT      NOT NULL DEFAULT '',
    pronounced_by   TEXT      NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX IF NOT EXISTS sanctions_candidate ON sanctions (candidate_id, created_at);

-- +goose Down
DROP TABLE sanctions;
