-- +goose Up
-- Projection of the assessment service's candidacies (CandidacyRegistered):
-- a dossier is submitted only onto a candidacy of its owner's candidate
-- record. A candidate has at most one candidacy per session.
CREATE TABLE ref_candidacies (
    id           TEXT NOT NULL PRIMARY KEY,
    session_id   TEXT NOT NULL,
    candidate_id TEXT NOT NULL,
    ccp_codes    TEXT NOT NULL                  -- JSON array
);
CREATE INDEX ref_candidacies_session_candidate ON ref_candidacies (session_id, candidate_id);

-- The jurors recused from a candidacy (CandidacyRecusalsChanged, R21): the
-- latest change per candidacy. A recused juror reads nothing of the
-- candidate's snapshots for that session.
CREATE TABLE ref_candidacy_recusals (
    candidacy_id TEXT      NOT NULL PRIMARY KEY,
    session_id   TEXT      NOT NULL,
    candidate_id TEXT      NOT NULL,
    jurors       TEXT      NOT NULL,            -- JSON array of subjects
    changed_at   TIMESTAMP NOT NULL
);
CREATE INDEX ref_candidacy_recusals_session ON ref_candidacy_recusals (session_id, candidate_id);

-- +goose Down
DROP TABLE ref_candidacy_recusals;
DROP TABLE ref_candidacies;
