-- +goose Up
-- The id of the person's candidature on France VAE, the key its jury
-- results are pushed under. Optional: empty for a candidate who did not
-- come through France VAE.
ALTER TABLE candidates ADD COLUMN france_vae_candidature_id TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE candidates DROP COLUMN france_vae_candidature_id;
