-- +goose Up
-- The content format a certificate's signature covers
-- (certificate.FormatV1 / FormatV2, docs/signatures.md). Every certificate
-- issued before this column existed was signed in the first format, which
-- the default records; new certificates name theirs.
ALTER TABLE certificates ADD COLUMN format TEXT NOT NULL DEFAULT 'titrepro-certificate/1';

-- +goose Down
ALTER TABLE certificates DROP COLUMN format;
