-- +goose Up
-- Sessions that change (issue 8 §3): a cancelled session releases its
-- candidacies; released_at is when (NULL while the candidacy holds). A
-- released candidacy binds its candidate to nothing.
ALTER TABLE candidacies ADD COLUMN released_at TIMESTAMP NULL;
-- Sessions listed by title, and by the dates they run (sessions
-- overlapping [from, to]: start_date <= to AND end_date >= from).
CREATE INDEX sessions_title_created ON sessions (title_id, created_at, id);
CREATE INDEX sessions_dates ON sessions (start_date, end_date);

-- +goose Down
DROP INDEX sessions_dates;
DROP INDEX sessions_title_created;
ALTER TABLE candidacies DROP COLUMN released_at;
