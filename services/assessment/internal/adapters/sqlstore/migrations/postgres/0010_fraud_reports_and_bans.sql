-- +goose Up
-- The fraud reports of a session (R57): written once, when a juror or the
-- responsable de session files one while the session is in progress or in
-- deliberation, and never changed. The minutes mention every one.
CREATE TABLE IF NOT EXISTS fraud_reports (
    id               TEXT      PRIMARY KEY,
    session_id       TEXT      NOT NULL REFERENCES sessions (id),
    seq              INTEGER   NOT NULL, -- filing order within the session
    candidacy_id     TEXT      NOT NULL DEFAULT '',
    candidate_id     TEXT      NOT NULL DEFAULT '',
    facts            TEXT      NOT NULL,
    observed_at      TIMESTAMPTZ NOT NULL,
    measure          TEXT      NOT NULL,
    epreuve          TEXT      NOT NULL DEFAULT '',
    measure_note     TEXT      NOT NULL DEFAULT '',
    reporter_role    TEXT      NOT NULL,
    reporter_subject TEXT      NOT NULL,
    reporter_name    TEXT      NOT NULL,
    filed_at         TIMESTAMPTZ NOT NULL,
    minutes_version  INTEGER   NOT NULL,
    UNIQUE (session_id, seq)
);

-- The bans the ministry pronounced against candidates (R58), from the
-- candidate service's SanctionPronounced: a registration to a session from
-- banned_from (inclusive) to banned_until (exclusive) is refused. No
-- foreign key: a ban may arrive before the candidate's record.
CREATE TABLE IF NOT EXISTS candidate_bans (
    sanction_id  TEXT PRIMARY KEY,
    candidate_id TEXT NOT NULL,
    banned_from  TEXT NOT NULL, -- YYYY-MM-DD
    banned_until TEXT NOT NULL  -- YYYY-MM-DD, exclusive
);
CREATE INDEX IF NOT EXISTS candidate_bans_candidate ON candidate_bans (candidate_id);

-- +goose Down
DROP TABLE candidate_bans;
DROP TABLE fraud_reports;
