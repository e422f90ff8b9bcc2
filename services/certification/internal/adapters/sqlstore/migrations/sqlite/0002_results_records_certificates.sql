-- +goose Up
-- One row per session whose signed minutes (MinutesSigned) arrived. lines
-- and signatures are JSON arrays, kept as received: the minutes are
-- immutable, and the row only changes once, when the ministry validates it
-- (state AWAITING_VALIDATION -> VALIDATED, R51).
CREATE TABLE results (
    session_id    TEXT NOT NULL PRIMARY KEY,
    centre_id     TEXT        NOT NULL,
    session_type  TEXT        NOT NULL,
    title_id      TEXT        NOT NULL,
    title_version TEXT        NOT NULL,
    jury_date     TEXT        NOT NULL,
    minutes_hash  TEXT        NOT NULL,
    lines         TEXT        NOT NULL,
    signatures    TEXT        NOT NULL,
    signed_at     TIMESTAMP,
    received_at   TIMESTAMP   NOT NULL,
    state         TEXT        NOT NULL CHECK (state IN ('AWAITING_VALIDATION', 'VALIDATED')),
    validated_by  TEXT        NOT NULL DEFAULT '',
    validated_at  TIMESTAMP
);
CREATE INDEX results_by_state ON results (state, session_id);

-- The CCPs each person holds (R53). The primary key is the rule that a CCP
-- is held once: obtained again later, it keeps its first session.
CREATE TABLE record_ccps (
    candidate_id  TEXT NOT NULL,
    title_id      TEXT NOT NULL,
    title_version TEXT NOT NULL,
    ccp_code      TEXT NOT NULL,
    session_id    TEXT        NOT NULL,
    jury_date     TEXT        NOT NULL,
    awarded_at    TIMESTAMP   NOT NULL,
    PRIMARY KEY (candidate_id, title_id, title_version, ccp_code)
);

-- Issued certificates. The holder identity is a snapshot taken at issue.
-- holder_given_names and ccps are JSON arrays; signature is base64
-- (standard alphabet) of the Ed25519 signature. The unique indexes are the
-- last line of defence against a second award: one titre per person and
-- title version, one certificate per person and session.
CREATE TABLE certificates (
    number                    TEXT NOT NULL PRIMARY KEY,
    kind                      TEXT        NOT NULL CHECK (kind IN ('TITRE', 'LIVRET')),
    candidate_id              TEXT NOT NULL,
    holder_birth_name         TEXT        NOT NULL,
    holder_usage_name         TEXT        NOT NULL,
    holder_given_names        TEXT        NOT NULL,
    holder_birth_date         TEXT        NOT NULL,
    holder_birth_commune      TEXT        NOT NULL,
    holder_birth_country_code TEXT        NOT NULL,
    title_id                  TEXT        NOT NULL,
    title_version             TEXT        NOT NULL,
    title_label               TEXT        NOT NULL,
    title_level               INTEGER     NOT NULL,
    ccps                      TEXT        NOT NULL,
    by_capitalisation         BOOLEAN     NOT NULL,
    session_id                TEXT        NOT NULL,
    jury_date                 TEXT        NOT NULL,
    issue_date                TEXT        NOT NULL,
    issued_at                 TIMESTAMP   NOT NULL,
    key_id                    TEXT        NOT NULL,
    signature                 TEXT        NOT NULL,
    status                    TEXT        NOT NULL
);
CREATE UNIQUE INDEX certificates_one_titre ON certificates (candidate_id, title_id, title_version) WHERE kind = 'TITRE';
CREATE UNIQUE INDEX certificates_one_per_session ON certificates (candidate_id, session_id);
CREATE INDEX certificates_by_candidate ON certificates (candidate_id, number);

-- A candidate's token carries their subject: listing their certificates
-- starts from it.
CREATE INDEX holders_by_subject ON holders (subject);

-- +goose Down
DROP INDEX holders_by_subject;
DROP TABLE certificates;
DROP TABLE record_ccps;
DROP TABLE results;
