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

-- +goose Down
DROP TABLE cpf_deposits;
