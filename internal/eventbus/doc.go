// Package eventbus is the JetStream side of titrepro's events: one stream per
// bounded context, durable pull consumers with explicit acks, and an inbox
// table that makes every consumer idempotent.
//
// Delivery is at least once end to end: the outbox relay may re-publish after
// a crash (JetStream drops those inside the duplicate window), and a consumer
// may see a message again when its ack was lost. The inbox records each
// processed event id in the same transaction as the handler's changes, so a
// redelivered event is acknowledged without being applied twice.
package eventbus
