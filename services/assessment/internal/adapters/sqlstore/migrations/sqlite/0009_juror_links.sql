-- +goose Up
-- A juror declares their own links on a session (R21, issue 8 §2): the
-- declaration replaces the links the centre passed when assigning them.
-- links_declared_at is when the juror declared; NULL while declared_links
-- are the centre's.
ALTER TABLE session_jurors ADD COLUMN links_declared_at TIMESTAMP NULL;

-- +goose Down
ALTER TABLE session_jurors DROP COLUMN links_declared_at;
