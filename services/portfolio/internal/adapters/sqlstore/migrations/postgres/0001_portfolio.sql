-- +goose Up
-- A dossier's written content (examples, prior qualifications, sworn
-- statement) is one JSON document: it is read and replaced as a whole.
-- Documents and snapshots have their own rows. Dates are ISO 8601 text.
CREATE TABLE dossiers (
    id            TEXT      NOT NULL PRIMARY KEY,
    candidate_id  TEXT      NOT NULL,
    title_id      TEXT      NOT NULL,
    title_version TEXT      NOT NULL,
    content       TEXT      NOT NULL,           -- JSON object
    version       BIGINT    NOT NULL,
    created_by    TEXT      NOT NULL,           -- subject of the creating caller
    request_id    TEXT      NOT NULL DEFAULT '',
    request_hash  TEXT      NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
-- One dossier per candidate and title version.
CREATE UNIQUE INDEX dossiers_candidate_title ON dossiers (candidate_id, title_id, title_version);
-- Idempotent creates (AIP-155): a request id is unique per caller.
CREATE UNIQUE INDEX dossiers_request ON dossiers (created_by, request_id) WHERE request_id <> '';
-- Keyset paging, oldest first: everything, or one candidate's dossiers.
CREATE INDEX dossiers_created ON dossiers (created_at, id);
CREATE INDEX dossiers_candidate_created ON dossiers (candidate_id, created_at, id);

-- The documents of the drafts. The content is stored once per SHA-256 in
-- the blob store; these rows only name it.
CREATE TABLE documents (
    dossier_id   TEXT      NOT NULL REFERENCES dossiers (id),
    id           TEXT      NOT NULL,
    file_name    TEXT      NOT NULL,
    content_type TEXT      NOT NULL,
    size_bytes   BIGINT    NOT NULL,
    sha256       TEXT      NOT NULL,
    kind         TEXT      NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (dossier_id, id)
);
CREATE INDEX documents_sha256 ON documents (sha256);

-- Snapshots are written once and never updated (R41).
CREATE TABLE snapshots (
    id            TEXT      NOT NULL PRIMARY KEY,
    dossier_id    TEXT      NOT NULL REFERENCES dossiers (id),
    candidate_id  TEXT      NOT NULL,
    session_id    TEXT      NOT NULL,
    candidacy_id  TEXT      NOT NULL DEFAULT '',
    title_id      TEXT      NOT NULL,
    title_version TEXT      NOT NULL,
    cover         TEXT      NOT NULL,           -- JSON object
    content       TEXT      NOT NULL,           -- JSON object
    manifest_hash TEXT      NOT NULL,
    created_by    TEXT      NOT NULL,
    request_id    TEXT      NOT NULL DEFAULT '',
    request_hash  TEXT      NOT NULL DEFAULT '',
    submitted_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX snapshots_request ON snapshots (dossier_id, created_by, request_id) WHERE request_id <> '';
CREATE INDEX snapshots_dossier ON snapshots (dossier_id, submitted_at, id);
CREATE INDEX snapshots_session ON snapshots (session_id, submitted_at, id);
CREATE INDEX snapshots_submitted ON snapshots (submitted_at, id);

CREATE TABLE snapshot_documents (
    snapshot_id  TEXT      NOT NULL REFERENCES snapshots (id),
    id           TEXT      NOT NULL,
    position     INTEGER   NOT NULL,
    file_name    TEXT      NOT NULL,
    content_type TEXT      NOT NULL,
    size_bytes   BIGINT    NOT NULL,
    sha256       TEXT      NOT NULL,
    kind         TEXT      NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (snapshot_id, id)
);
CREATE INDEX snapshot_documents_id ON snapshot_documents (id);
CREATE INDEX snapshot_documents_sha256 ON snapshot_documents (sha256);

-- Projections of other contexts' events.
CREATE TABLE ref_candidates (
    id           TEXT   NOT NULL PRIMARY KEY,
    subject      TEXT   NOT NULL DEFAULT '',
    birth_name   TEXT   NOT NULL,
    usage_name   TEXT   NOT NULL DEFAULT '',
    given_names  TEXT   NOT NULL,               -- JSON array
    address      TEXT   NULL,                   -- JSON object
    access_route TEXT   NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX ref_candidates_subject ON ref_candidates (subject);

CREATE TABLE ref_titles (
    id             TEXT      NOT NULL,
    version        TEXT      NOT NULL,
    label          TEXT      NOT NULL,
    activity_types TEXT      NOT NULL,          -- JSON array
    published_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE ref_sessions (
    id            TEXT NOT NULL PRIMARY KEY,
    centre_id     TEXT NOT NULL,
    type          TEXT NOT NULL,
    title_id      TEXT NOT NULL,
    title_version TEXT NOT NULL,
    ccp_codes     TEXT NOT NULL,                -- JSON array
    start_date    TEXT NOT NULL DEFAULT '',
    end_date      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE ref_session_jurors (
    session_id TEXT      NOT NULL,
    subject    TEXT      NOT NULL,
    assigned   INTEGER   NOT NULL,              -- 1 assigned, 0 removed
    changed_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, subject)
);

-- +goose Down
DROP TABLE ref_session_jurors;
DROP TABLE ref_sessions;
DROP TABLE ref_titles;
DROP TABLE ref_candidates;
DROP TABLE snapshot_documents;
DROP TABLE snapshots;
DROP TABLE documents;
DROP TABLE dossiers;
