-- +goose Up
-- The CPF deposit state of each award (R56, docs/cpf-deposit.md): the last
-- file (idFlux) the award was put in, '' when never deposited, and the
-- outcome of that file's processing report: '' (waiting), OK,
-- ALREADY_KNOWN or KO, with the Caisse's message. award_date is
-- "YYYY-MM-DD" text, which sorts as the calendar does.
CREATE TABLE cpf_deposits (
    award_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    award_date  TEXT      NOT NULL,
    flux_id     TEXT      NOT NULL DEFAULT '',
    outcome     TEXT      NOT NULL DEFAULT '',
    message     TEXT      NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX cpf_deposits_award_date ON cpf_deposits (award_date, award_id);

-- Every deposit file exported, as sent: what the Caisse received.
CREATE TABLE cpf_deposit_files (
    flux_id     TEXT NOT NULL PRIMARY KEY,
    content     BYTEA NOT NULL,
    awards      INTEGER NOT NULL,
    exported_by TEXT NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL
);

-- The holder's fields the deposit needs besides, projected from the
-- candidate events: sex ("M" or "F") and the birth commune's INSEE code;
-- empty when the candidate record has none.
ALTER TABLE holders ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE holders ADD COLUMN birth_insee_code TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE holders DROP COLUMN birth_insee_code;
ALTER TABLE holders DROP COLUMN sex;
DROP TABLE cpf_deposit_files;
DROP TABLE cpf_deposits;
