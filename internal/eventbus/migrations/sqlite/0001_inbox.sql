-- +goose Up
-- One row per (consumer, event) processed, written in the same transaction
-- as the consumer's projection update: a redelivered event hits the primary
-- key and is acknowledged without being applied again.
CREATE TABLE inbox (
    consumer     TEXT      NOT NULL,
    event_id     TEXT      NOT NULL,
    processed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (consumer, event_id)
);

-- +goose Down
DROP TABLE inbox;
