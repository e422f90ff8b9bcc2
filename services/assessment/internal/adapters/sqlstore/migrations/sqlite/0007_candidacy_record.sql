-- +goose Up
-- What happens to a candidacy besides its registration and deliberation
-- (withdrawal or transfer, attendance per épreuve, disability adjustments
-- R46, ECF results R30) is one JSON object; the candidate's access route
-- is copied from the projection, which fills the rows registered before.
ALTER TABLE candidacies ADD COLUMN access_route TEXT NOT NULL DEFAULT '';
ALTER TABLE candidacies ADD COLUMN record TEXT NOT NULL DEFAULT '{}';
UPDATE candidacies SET access_route = COALESCE(
    (SELECT candidates.access_route FROM candidates WHERE candidates.id = candidacies.candidate_id), '');
-- The title and CCPs the training of a candidate prepares (R24, R28) and
-- its start date (R31). Rows projected before are '' until the record's
-- next update event: such a training-route candidate cannot be registered
-- (fail closed).
ALTER TABLE candidates ADD COLUMN training_title_id TEXT NOT NULL DEFAULT '';
ALTER TABLE candidates ADD COLUMN training_ccp_codes TEXT NOT NULL DEFAULT '[]';
ALTER TABLE candidates ADD COLUMN training_start TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE candidates DROP COLUMN training_start;
ALTER TABLE candidates DROP COLUMN training_ccp_codes;
ALTER TABLE candidates DROP COLUMN training_title_id;
ALTER TABLE candidacies DROP COLUMN record;
ALTER TABLE candidacies DROP COLUMN access_route;
