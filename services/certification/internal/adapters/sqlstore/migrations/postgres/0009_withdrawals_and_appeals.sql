-- +goose Up
-- Withdrawal decisions (R59, docs/withdrawal-and-appeals.md): the
-- territorial authority's motivated decision naming a certificate and,
-- optionally, one CCP it prints. withdrawn_numbers is the JSON array of the
-- certificates the decision withdrew. restored_at is set when an appeal
-- reformed the decision (R60), by appeal restored_by.
CREATE TABLE certificate_withdrawals (
    id                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    number             TEXT COLLATE "C" NOT NULL,
    ccp_code           TEXT      NOT NULL DEFAULT '',
    ccp_session_id     TEXT      NOT NULL DEFAULT '',
    reason             TEXT      NOT NULL CHECK (reason IN ('FRAUD')),
    motivation         TEXT      NOT NULL,
    decision_reference TEXT      NOT NULL,
    decided_on         TEXT      NOT NULL,
    decided_by         TEXT      NOT NULL,
    candidate_id       TEXT COLLATE "C" NOT NULL,
    kind               TEXT      NOT NULL,
    title_id           TEXT      NOT NULL,
    title_version      TEXT      NOT NULL,
    title_label        TEXT      NOT NULL,
    withdrawn_numbers  TEXT      NOT NULL,
    withdrawn_at       TIMESTAMPTZ NOT NULL,
    restored_at        TIMESTAMPTZ,
    restored_by        TEXT      NOT NULL DEFAULT ''
);
CREATE INDEX certificate_withdrawals_by_number ON certificate_withdrawals (number, id);

-- A withdrawn CCP leaves record_ccps for this table, with the decision that
-- withdrew it, so that a reform on appeal puts it back as it was.
CREATE TABLE withdrawn_ccps (
    withdrawal_id TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    candidate_id  TEXT      NOT NULL,
    title_id      TEXT      NOT NULL,
    title_version TEXT      NOT NULL,
    ccp_code      TEXT      NOT NULL,
    session_id    TEXT      NOT NULL,
    jury_date     TEXT      NOT NULL,
    awarded_at    TIMESTAMPTZ NOT NULL,
    withdrawn_at  TIMESTAMPTZ NOT NULL
);

-- The status of a certificate is ISSUED, REVOKED (R51 correction) or
-- WITHDRAWN (R59); certificates.status has no CHECK constraint, the
-- domain's Status is the list. withdrawal_id is the last withdrawal
-- decision that named or reached the certificate ('' when none); it stays
-- after a reform, so that the certificate shows it was restored.
ALTER TABLE certificates ADD COLUMN withdrawal_id TEXT NOT NULL DEFAULT '';

-- Appeals (R60) with their deadline (R61). decision is the resource name
-- of the decision appealed; restored_numbers and restored_ccps (JSON
-- arrays) what a withdrawal reformed put back in force.
CREATE TABLE appeals (
    id                 TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind               TEXT      NOT NULL CHECK (kind IN ('GRACIEUX', 'HIERARCHIQUE', 'CONTENTIEUX')),
    decision           TEXT COLLATE "C" NOT NULL,
    candidate_id       TEXT COLLATE "C" NOT NULL,
    appellant          TEXT      NOT NULL,
    grounds            TEXT      NOT NULL,
    notified_on        TEXT      NOT NULL,
    filed_on           TEXT      NOT NULL,
    deadline           TEXT      NOT NULL,
    filed_by           TEXT      NOT NULL,
    filed_at           TIMESTAMPTZ NOT NULL,
    state              TEXT      NOT NULL CHECK (state IN ('FILED', 'DECIDED')),
    outcome            TEXT      NOT NULL DEFAULT '' CHECK (outcome IN ('', 'UPHELD', 'REFORMED', 'DISMISSED')),
    outcome_motivation TEXT      NOT NULL DEFAULT '',
    decided_on         TEXT      NOT NULL DEFAULT '',
    decided_by         TEXT      NOT NULL DEFAULT '',
    decided_at         TIMESTAMPTZ,
    restored_numbers   TEXT      NOT NULL DEFAULT '[]',
    restored_ccps      TEXT      NOT NULL DEFAULT '[]'
);
CREATE INDEX appeals_by_decision ON appeals (decision, id);
CREATE INDEX appeals_by_candidate ON appeals (candidate_id, id);

-- +goose Down
DROP TABLE appeals;
ALTER TABLE certificates DROP COLUMN withdrawal_id;
DROP TABLE withdrawn_ccps;
DROP TABLE certificate_withdrawals;
