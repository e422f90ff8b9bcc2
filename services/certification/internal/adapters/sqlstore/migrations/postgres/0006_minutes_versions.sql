-- +goose Up
-- Minutes versions (R51). results keeps the current version of each
-- session's minutes: its number, the hash of the version it replaces, the
-- last validated version (whose awards stand) and, while the ministry has
-- returned it to the jury, the return (returned_at not null: the result is
-- RETURNED, whatever state says of its validation). result_versions keeps
-- every version as received, with its validation and its return: a row is
-- written once per version and only completed afterwards.
ALTER TABLE results ADD COLUMN minutes_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE results ADD COLUMN previous_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN validated_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE results ADD COLUMN returned_at TIMESTAMPTZ;
ALTER TABLE results ADD COLUMN returned_by TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN return_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE results ADD COLUMN returned_candidacies TEXT NOT NULL DEFAULT '[]';
ALTER TABLE results ADD COLUMN return_after_validation BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE results SET validated_version = 1 WHERE state = 'VALIDATED';

CREATE TABLE result_versions (
    session_id              TEXT      NOT NULL,
    version                 INTEGER   NOT NULL,
    minutes_hash            TEXT      NOT NULL,
    previous_hash           TEXT      NOT NULL,
    lines                   TEXT      NOT NULL,
    signatures              TEXT      NOT NULL,
    signed_at               TIMESTAMPTZ,
    received_at             TIMESTAMPTZ NOT NULL,
    validated_by            TEXT      NOT NULL DEFAULT '',
    validated_at            TIMESTAMPTZ,
    returned_at             TIMESTAMPTZ,
    returned_by             TEXT      NOT NULL DEFAULT '',
    return_reason           TEXT      NOT NULL DEFAULT '',
    returned_candidacies    TEXT      NOT NULL DEFAULT '[]',
    return_after_validation BOOLEAN   NOT NULL DEFAULT FALSE,
    PRIMARY KEY (session_id, version)
);
INSERT INTO result_versions (session_id, version, minutes_hash, previous_hash, lines, signatures, signed_at,
    received_at, validated_by, validated_at)
SELECT session_id, 1, minutes_hash, '', lines, signatures, signed_at, received_at, validated_by, validated_at
FROM results;

-- A correction after the validation (AwardsCorrected) revokes awards: a
-- CCP held leaves record_ccps for revoked_ccps, with when and why; a
-- certificate stays, status REVOKED. Only certificates in force count for
-- the one-titre and one-per-session rules.
CREATE TABLE revoked_ccps (
    candidate_id      TEXT      NOT NULL,
    title_id          TEXT      NOT NULL,
    title_version     TEXT      NOT NULL,
    ccp_code          TEXT      NOT NULL,
    session_id        TEXT      NOT NULL,
    jury_date         TEXT      NOT NULL,
    awarded_at        TIMESTAMPTZ NOT NULL,
    revoked_at        TIMESTAMPTZ NOT NULL,
    corrected_version INTEGER   NOT NULL, -- the minutes version whose award it was
    minutes_version   INTEGER   NOT NULL, -- the version that corrected it
    PRIMARY KEY (candidate_id, title_id, title_version, ccp_code, session_id, corrected_version)
);
ALTER TABLE certificates ADD COLUMN revoked_at TIMESTAMPTZ;
DROP INDEX certificates_one_titre;
DROP INDEX certificates_one_per_session;
CREATE UNIQUE INDEX certificates_one_titre ON certificates (candidate_id, title_id, title_version)
    WHERE kind = 'TITRE' AND status = 'ISSUED';
CREATE UNIQUE INDEX certificates_one_per_session ON certificates (candidate_id, session_id) WHERE status = 'ISSUED';

-- +goose Down
DROP INDEX certificates_one_per_session;
DROP INDEX certificates_one_titre;
CREATE UNIQUE INDEX certificates_one_titre ON certificates (candidate_id, title_id, title_version) WHERE kind = 'TITRE';
CREATE UNIQUE INDEX certificates_one_per_session ON certificates (candidate_id, session_id);
ALTER TABLE certificates DROP COLUMN revoked_at;
DROP TABLE revoked_ccps;
DROP TABLE result_versions;
ALTER TABLE results DROP COLUMN return_after_validation;
ALTER TABLE results DROP COLUMN returned_candidacies;
ALTER TABLE results DROP COLUMN return_reason;
ALTER TABLE results DROP COLUMN returned_by;
ALTER TABLE results DROP COLUMN returned_at;
ALTER TABLE results DROP COLUMN validated_version;
ALTER TABLE results DROP COLUMN previous_hash;
ALTER TABLE results DROP COLUMN minutes_version;
