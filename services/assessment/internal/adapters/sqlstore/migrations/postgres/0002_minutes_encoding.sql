-- +goose Up
-- The canonical encoding each signature's content hash was computed over
-- (minutes.Encoding, docs/signatures.md). Every signature made before this
-- column existed was made over the first encoding, which the default
-- records; minutes partly signed then keep that encoding to the last
-- signature, new minutes use the current one.
ALTER TABLE minutes_signatures ADD COLUMN content_encoding TEXT NOT NULL DEFAULT 'titrepro-minutes/1';

-- +goose Down
ALTER TABLE minutes_signatures DROP COLUMN content_encoding;
