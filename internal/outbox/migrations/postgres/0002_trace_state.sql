-- +goose Up
-- The W3C tracestate that goes with trace_parent: both are written with the
-- event from the writing transaction's trace context and become the
-- traceparent and tracestate headers of the published message (ADR 0017).
ALTER TABLE outbox ADD COLUMN trace_state TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE outbox DROP COLUMN trace_state;
