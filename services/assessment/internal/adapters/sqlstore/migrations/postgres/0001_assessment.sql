-- +goose Up
-- A session and its parts (jury, candidacies, evaluations, signatures) form
-- one aggregate: every change bumps sessions.version, the optimistic lock
-- of the whole. Lists and nested values are JSON text; calendar dates are
-- ISO 8601 text, which sorts chronologically on both engines.
CREATE TABLE sessions (
    id               TEXT      NOT NULL PRIMARY KEY,
    centre_id        TEXT      NOT NULL,
    type             TEXT      NOT NULL,
    title_id         TEXT      NOT NULL,
    title_version    TEXT      NOT NULL,
    ccp_codes        TEXT      NOT NULL,           -- JSON array, title order
    site             TEXT      NOT NULL,
    start_date       TEXT      NOT NULL,           -- YYYY-MM-DD
    end_date         TEXT      NOT NULL,
    dossier_deadline TEXT      NOT NULL,
    state            TEXT      NOT NULL,
    version          BIGINT    NOT NULL,
    created_by       TEXT      NOT NULL,           -- subject of the creating caller
    request_id       TEXT      NOT NULL DEFAULT '',
    request_hash     TEXT      NOT NULL DEFAULT '',
    created_at       TIMESTAMPTZ NOT NULL,
    updated_at       TIMESTAMPTZ NOT NULL
);
-- Idempotent creates (AIP-155): a request id is unique per caller.
CREATE UNIQUE INDEX sessions_request ON sessions (created_by, request_id) WHERE request_id <> '';
-- Keyset paging, oldest first: everything, or one centre's sessions.
CREATE INDEX sessions_created ON sessions (created_at, id);
CREATE INDEX sessions_centre_created ON sessions (centre_id, created_at, id);

CREATE TABLE session_jurors (
    session_id              TEXT      NOT NULL REFERENCES sessions (id),
    subject                 TEXT      NOT NULL,
    display_name            TEXT      NOT NULL,
    habilitation_number     TEXT      NOT NULL,
    habilitation_title_id   TEXT      NOT NULL,
    habilitation_valid_from TEXT      NOT NULL,
    habilitation_valid_to   TEXT      NOT NULL,
    declared_links          TEXT      NOT NULL,    -- JSON array of {kind, value}
    assigned_at             TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (session_id, subject)
);
-- The sessions a juror sits on.
CREATE INDEX session_jurors_subject ON session_jurors (subject, session_id);

CREATE TABLE candidacies (
    id                    TEXT      NOT NULL PRIMARY KEY,
    session_id            TEXT      NOT NULL REFERENCES sessions (id),
    candidate_id          TEXT      NOT NULL,
    candidate_subject     TEXT      NOT NULL DEFAULT '',
    candidate_name        TEXT      NOT NULL,
    training_organisation TEXT      NOT NULL DEFAULT '',
    ccp_codes             TEXT      NOT NULL,      -- JSON array, title order
    employer              TEXT      NOT NULL DEFAULT '',
    dossier_snapshot_id   TEXT      NOT NULL DEFAULT '',
    dossier_manifest_hash TEXT      NOT NULL DEFAULT '',
    dossier_submitted_at  TIMESTAMPTZ NULL,
    deliberation          TEXT      NULL,          -- JSON object
    version               BIGINT    NOT NULL,
    created_by            TEXT      NOT NULL DEFAULT '',
    request_id            TEXT      NOT NULL DEFAULT '',
    request_hash          TEXT      NOT NULL DEFAULT '',
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL
);
-- A candidate sits a session once.
CREATE UNIQUE INDEX candidacies_session_candidate ON candidacies (session_id, candidate_id);
CREATE INDEX candidacies_candidate ON candidacies (candidate_id);
-- The sessions a candidate sits.
CREATE INDEX candidacies_subject ON candidacies (candidate_subject) WHERE candidate_subject <> '';

CREATE TABLE evaluations (
    candidacy_id  TEXT      NOT NULL REFERENCES candidacies (id),
    juror_subject TEXT      NOT NULL,
    session_id    TEXT      NOT NULL REFERENCES sessions (id),
    items         TEXT      NOT NULL,              -- JSON array of items
    version       BIGINT    NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (candidacy_id, juror_subject)
);
CREATE INDEX evaluations_session ON evaluations (session_id);

CREATE TABLE minutes_signatures (
    session_id    TEXT      NOT NULL REFERENCES sessions (id),
    juror_subject TEXT      NOT NULL,
    juror_name    TEXT      NOT NULL,
    content_hash  TEXT      NOT NULL,
    signed_at     TIMESTAMPTZ NOT NULL,
    seq           BIGINT    NOT NULL,              -- signing order within the session
    PRIMARY KEY (session_id, juror_subject)
);

-- Projection of the catalogue (TitleVersionPublished); a version is immutable.
CREATE TABLE titles (
    title_id    TEXT      NOT NULL,
    version     TEXT      NOT NULL,
    document    TEXT      NOT NULL,                -- JSON: CCPs, competences, épreuves
    received_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (title_id, version)
);

-- Projection of the candidates (CandidateRegistered, CandidateUpdated).
CREATE TABLE candidates (
    id                    TEXT   NOT NULL PRIMARY KEY,
    subject               TEXT   NOT NULL DEFAULT '',
    birth_name            TEXT   NOT NULL DEFAULT '',
    usage_name            TEXT   NOT NULL DEFAULT '',
    given_names           TEXT   NOT NULL,         -- JSON array
    access_route          TEXT   NOT NULL DEFAULT '',
    training_organisation TEXT   NOT NULL DEFAULT '',
    vae_decision_date     TEXT   NOT NULL DEFAULT '',
    source_version        BIGINT NOT NULL          -- candidate record version of the last event applied
);

-- +goose Down
DROP TABLE candidates;
DROP TABLE titles;
DROP TABLE minutes_signatures;
DROP TABLE evaluations;
DROP TABLE candidacies;
DROP TABLE session_jurors;
DROP TABLE sessions;
