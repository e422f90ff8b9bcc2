-- +goose Up
-- The ministry's registers (R8–R11, R16–R18, R20, R23). Dates are
-- "YYYY-MM-DD" text, which sorts as the calendar does. A row changes only
-- once: from GRANTED to WITHDRAWN, with its reason (version 1 then 2).
CREATE TABLE agrements (
    id                TEXT      NOT NULL PRIMARY KEY,
    centre_id         TEXT      NOT NULL,
    title_id          TEXT      NOT NULL,
    title_version     TEXT      NOT NULL,
    site              TEXT      NOT NULL,
    valid_from        TEXT      NOT NULL,
    valid_to          TEXT      NOT NULL,
    state             TEXT      NOT NULL,
    withdrawal_reason TEXT      NOT NULL,
    granted_by        TEXT      NOT NULL,
    granted_at        TIMESTAMP NOT NULL,
    withdrawn_by      TEXT      NOT NULL,
    withdrawn_at      TIMESTAMP,
    version           BIGINT    NOT NULL
);
CREATE INDEX agrements_centre ON agrements (centre_id, id);

CREATE TABLE habilitations (
    number            TEXT      NOT NULL PRIMARY KEY,
    juror_subject     TEXT      NOT NULL,
    juror_name        TEXT      NOT NULL,
    juror_email       TEXT      NOT NULL,
    title_id          TEXT      NOT NULL,
    valid_from        TEXT      NOT NULL,
    valid_to          TEXT      NOT NULL,
    category          TEXT      NOT NULL,
    experience_years  INTEGER   NOT NULL,
    last_practised    TEXT      NOT NULL,
    derogation        BOOLEAN   NOT NULL,
    derogation_reason TEXT      NOT NULL,
    trainer           BOOLEAN   NOT NULL,
    state             TEXT      NOT NULL,
    withdrawal_reason TEXT      NOT NULL,
    granted_by        TEXT      NOT NULL,
    granted_at        TIMESTAMP NOT NULL,
    withdrawn_by      TEXT      NOT NULL,
    withdrawn_at      TIMESTAMP,
    version           BIGINT    NOT NULL
);
CREATE INDEX habilitations_title ON habilitations (title_id, number);
CREATE INDEX habilitations_juror ON habilitations (juror_subject, number);

-- One row per juror and version of the charte de déontologie accepted.
CREATE TABLE charter_acceptances (
    juror_subject   TEXT      NOT NULL,
    charter_version TEXT      NOT NULL,
    accepted_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_subject, charter_version)
);

-- +goose Down
DROP TABLE charter_acceptances;
DROP TABLE habilitations;
DROP TABLE agrements;
