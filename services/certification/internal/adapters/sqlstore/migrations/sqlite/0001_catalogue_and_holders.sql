-- +goose Up
-- One row per published title version. A row is never updated: a published
-- version is immutable (a correction is a new version). document is the
-- catalogue's canonical JSON, kept as TEXT so that the exact hashed bytes
-- are stored and content_hash can be checked against them.
CREATE TABLE title_versions (
    code         TEXT      NOT NULL,
    version      TEXT      NOT NULL,
    content_hash TEXT      NOT NULL,
    document     TEXT      NOT NULL,
    label        TEXT      NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (code, version)
);

-- The holder identity projected from the candidate service's events.
-- source_version is the candidate record version it comes from: an event
-- is applied only when it carries a greater one. given_names is a JSON array.
CREATE TABLE holders (
    candidate_id       TEXT      NOT NULL PRIMARY KEY,
    subject            TEXT      NOT NULL,
    birth_name         TEXT      NOT NULL,
    usage_name         TEXT      NOT NULL,
    given_names        TEXT      NOT NULL,
    birth_date         TEXT      NOT NULL,
    birth_commune      TEXT      NOT NULL,
    birth_country_code TEXT      NOT NULL,
    source_version     BIGINT    NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE holders;
DROP TABLE title_versions;
