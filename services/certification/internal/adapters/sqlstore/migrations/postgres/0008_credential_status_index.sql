-- +goose Up
-- The position of each certificate in the status list of its verifiable
-- credentials (docs/credentials.md, ADR 0026): a bit of the Bitstring
-- Status List "revocation", set when the certificate is no longer ISSUED.
-- Allocated at issue, in the transaction that writes the certificate, from
-- the counter below; the certificates issued before are numbered here in
-- issue order. -1 marks a row written without one (none is, after this
-- migration), which has no credential.
ALTER TABLE certificates ADD COLUMN status_index BIGINT NOT NULL DEFAULT -1;
UPDATE certificates SET status_index = (
    SELECT r.n FROM (
        SELECT number, ROW_NUMBER() OVER (ORDER BY issued_at, number) - 1 AS n FROM certificates
    ) r WHERE r.number = certificates.number
);
CREATE UNIQUE INDEX certificates_status_index ON certificates (status_index) WHERE status_index >= 0;
-- The status list reads the indexes of the certificates not in force:
-- few, found without reading the others.
CREATE INDEX certificates_not_issued ON certificates (status_index) WHERE status <> 'ISSUED';

-- The next index of each status list; the UPDATE that takes one holds the
-- row until the issuing transaction ends, so two validations never share
-- an index.
CREATE TABLE status_list_counters (
    purpose    TEXT NOT NULL PRIMARY KEY,
    next_index BIGINT NOT NULL
);
INSERT INTO status_list_counters (purpose, next_index) SELECT 'revocation', COUNT(*) FROM certificates;

-- +goose Down
DROP TABLE status_list_counters;
DROP INDEX certificates_not_issued;
DROP INDEX certificates_status_index;
ALTER TABLE certificates DROP COLUMN status_index;
