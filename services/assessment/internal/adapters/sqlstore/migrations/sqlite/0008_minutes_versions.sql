-- +goose Up
-- Every signed version of a session's minutes, as it was signed (R50), and
-- the ministry's return that ended it (R51). A row is written once when the
-- last juror signs and never changes afterwards, except that a return fills
-- the returned_* columns once. The current version's signatures stay in
-- minutes_signatures until a return, which empties them: every juror signs
-- the next version again. The current version number is one more than the
-- last returned row's.
CREATE TABLE IF NOT EXISTS minutes_versions (
    session_id              TEXT      NOT NULL REFERENCES sessions (id),
    version                 INTEGER   NOT NULL,
    content_encoding        TEXT      NOT NULL,
    content_hash            TEXT      NOT NULL,
    content                 TEXT      NOT NULL, -- JSON of the content signed
    signatures              TEXT      NOT NULL, -- JSON, in signing order
    signed_at               TIMESTAMP NOT NULL,
    returned_at             TIMESTAMP,
    returned_by             TEXT      NOT NULL DEFAULT '',
    return_reason           TEXT      NOT NULL DEFAULT '',
    returned_candidacies    TEXT      NOT NULL DEFAULT '[]', -- JSON array of candidacy ids
    return_after_validation BOOLEAN   NOT NULL DEFAULT FALSE,
    PRIMARY KEY (session_id, version)
);

-- +goose Down
DROP TABLE minutes_versions;
