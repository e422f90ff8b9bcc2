-- +goose Up
-- Projection of the ministry's registers (certification events): the
-- centres' agréments (R8, R11), the juror register (R16, R18, R20) and the
-- jurors' acceptance of the charte de déontologie (R23). Dates are
-- "YYYY-MM-DD" text; source_version is the register entry's version, an
-- event is applied only when it carries a greater one.
CREATE TABLE register_agrements (
    id             TEXT    NOT NULL PRIMARY KEY,
    centre_id      TEXT    NOT NULL,
    title_id       TEXT    NOT NULL,
    title_version  TEXT    NOT NULL,
    site           TEXT    NOT NULL,
    valid_from     TEXT    NOT NULL,
    valid_to       TEXT    NOT NULL,
    granted        BOOLEAN NOT NULL,
    source_version BIGINT  NOT NULL
);
CREATE INDEX register_agrements_centre ON register_agrements (centre_id, title_id, title_version);

CREATE TABLE register_habilitations (
    number         TEXT    NOT NULL PRIMARY KEY,
    juror_subject  TEXT    NOT NULL,
    juror_name     TEXT    NOT NULL,
    juror_email    TEXT    NOT NULL,
    title_id       TEXT    NOT NULL,
    valid_from     TEXT    NOT NULL,
    valid_to       TEXT    NOT NULL,
    trainer        BOOLEAN NOT NULL,
    granted        BOOLEAN NOT NULL,
    source_version BIGINT  NOT NULL
);

CREATE TABLE register_charters (
    juror_subject   TEXT      NOT NULL,
    charter_version TEXT      NOT NULL,
    accepted_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (juror_subject, charter_version)
);

-- +goose Down
DROP TABLE register_charters;
DROP TABLE register_habilitations;
DROP TABLE register_agrements;
