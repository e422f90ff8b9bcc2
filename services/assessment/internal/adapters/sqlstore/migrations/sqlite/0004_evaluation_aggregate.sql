-- +goose Up
-- An evaluation is an aggregate of its own (ADR 0006): its row carries its
-- own version, and a juror's write reads a part of the session by key
-- instead of the whole session. The candidacy of a given person in a
-- session (who may read a candidacy, who sits the session) is found by
-- this index rather than by reading every candidacy of the session.
CREATE INDEX candidacies_session_subject ON candidacies (session_id, candidate_subject);

-- +goose Down
DROP INDEX candidacies_session_subject;
