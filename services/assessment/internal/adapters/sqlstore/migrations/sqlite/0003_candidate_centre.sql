-- +goose Up
-- The centre that registered a candidate record ('' when the person
-- registered themselves): a centre registers into its sessions only the
-- records it registered or self-registered ones. Rows projected before this
-- column existed get '?', "unknown": no centre may register them until the
-- record's next update event brings the centre (fail closed).
ALTER TABLE candidates ADD COLUMN centre_id TEXT NOT NULL DEFAULT '?';

-- +goose Down
ALTER TABLE candidates DROP COLUMN centre_id;
