-- +goose Up
-- A BIGSERIAL is allocated at insert, not at commit: a transaction can commit
-- after another one that took a higher seq. tx_id records the writing
-- transaction so that the relay reads only rows of transactions older than
-- every transaction still running (pg_snapshot_xmin) and orders by
-- (tx_id, seq): no committed row is ever skipped (reliability doc, R6).
CREATE TABLE outbox (
    seq          BIGSERIAL   PRIMARY KEY,
    id           TEXT        NOT NULL UNIQUE,
    subject      TEXT        NOT NULL,
    type         TEXT        NOT NULL,
    source       TEXT        NOT NULL,
    resource     TEXT        NOT NULL,
    occurred_at  TIMESTAMPTZ NOT NULL,
    payload      BYTEA       NOT NULL,
    trace_parent TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL,
    published_at TIMESTAMPTZ NULL,
    tx_id        xid8        NOT NULL DEFAULT pg_current_xact_id()
);

-- The relay only ever reads unpublished rows, in (tx_id, seq) order.
CREATE INDEX outbox_unpublished ON outbox (tx_id, seq) WHERE published_at IS NULL;

-- +goose Down
DROP TABLE outbox;
