-- +goose Up
-- seq is AUTOINCREMENT so ids only ever grow and are never reused: SQLite runs
-- one write transaction at a time, so seq order is commit order and the relay
-- can publish ORDER BY seq without skipping anything.
CREATE TABLE outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT      NOT NULL UNIQUE,
    subject      TEXT      NOT NULL,
    type         TEXT      NOT NULL,
    source       TEXT      NOT NULL,
    resource     TEXT      NOT NULL,
    occurred_at  TIMESTAMP NOT NULL,
    payload      BLOB      NOT NULL,
    trace_parent TEXT      NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP NULL
);

-- The relay only ever reads unpublished rows, in seq order; published rows
-- stay out of this index however large the table grows.
CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

-- +goose Down
DROP TABLE outbox;
