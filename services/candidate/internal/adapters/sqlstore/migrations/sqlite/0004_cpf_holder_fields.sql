-- +goose Up
-- The holder's fields the CPF deposit of a titre needs (R56): the sex as
-- the deposit codes it ("M" or "F") and the INSEE code of the birth
-- commune. Optional: records registered before have neither (empty).
ALTER TABLE candidates ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE candidates ADD COLUMN birth_insee_code TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE candidates DROP COLUMN birth_insee_code;
ALTER TABLE candidates DROP COLUMN sex;
