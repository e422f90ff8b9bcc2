-- +goose Up
-- Searchable fields are columns; the optional nested parts (address and
-- route evidence) are JSON text. Dates are ISO 8601 text, which sorts
-- chronologically and reads back identically on both engines.
CREATE TABLE candidates (
    id                 TEXT      NOT NULL PRIMARY KEY,
    subject            TEXT      NOT NULL DEFAULT '',
    centre_id          TEXT      NOT NULL DEFAULT '',
    birth_name         TEXT      NOT NULL,
    usage_name         TEXT      NOT NULL DEFAULT '',
    given_names        TEXT      NOT NULL,           -- JSON array of strings
    birth_date         TEXT      NOT NULL,           -- YYYY-MM-DD
    birth_commune      TEXT      NOT NULL,
    birth_country_code TEXT      NOT NULL,
    email              TEXT      NOT NULL,
    phone              TEXT      NOT NULL DEFAULT '',
    postal_address     TEXT      NULL,               -- JSON object
    access_route       TEXT      NOT NULL,
    training           TEXT      NULL,               -- JSON object
    vae_admissibility  TEXT      NULL,               -- JSON object
    version            BIGINT    NOT NULL,
    created_by         TEXT      NOT NULL,           -- subject of the creating caller
    request_id         TEXT      NOT NULL DEFAULT '',
    request_hash       TEXT      NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- One record per person; records without an account yet are not constrained.
CREATE UNIQUE INDEX candidates_subject ON candidates (subject) WHERE subject <> '';
-- Idempotent creates (AIP-155): a request id is unique per caller.
CREATE UNIQUE INDEX candidates_request ON candidates (created_by, request_id) WHERE request_id <> '';
-- Keyset paging, oldest first: everything, or one centre's candidates.
CREATE INDEX candidates_created ON candidates (created_at, id);
CREATE INDEX candidates_centre_created ON candidates (centre_id, created_at, id);
-- Look-ups by identity and contact.
CREATE INDEX candidates_identity ON candidates (birth_name, birth_date);
CREATE INDEX candidates_email ON candidates (email);

-- +goose Down
DROP TABLE candidates;
