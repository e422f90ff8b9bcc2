package outbox

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"
)

func TestNewIDIsUUIDv7(t *testing.T) {
	t.Parallel()
	a, err := NewID()
	require.NoError(t, err)
	b, err := NewID()
	require.NoError(t, err)
	require.NotEqual(t, a, b)
	for _, s := range []string{a, b} {
		id, err := uuid.Parse(s)
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), id.Version())
	}
}

func TestNewEventWithIDKeepsTheID(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CET", 3600))
	id, err := NewID()
	require.NoError(t, err)
	// The message carries the id, as the services' events do in event_id.
	msg := wrapperspb.String(id)
	ev, err := NewEventWithID(id, msg, "titrepro/test", "things/1", at)
	require.NoError(t, err)

	require.Equal(t, Event{
		ID:       id,
		Subject:  "google.protobuf.string_value",
		Type:     "google.protobuf.StringValue",
		Source:   "titrepro/test",
		Resource: "things/1",
		Time:     time.Date(2026, 1, 2, 2, 4, 5, 6000, time.UTC),
		Payload:  ev.Payload,
	}, ev)
	var got wrapperspb.StringValue
	require.NoError(t, proto.Unmarshal(ev.Payload, &got))
	require.Equal(t, ev.ID, got.GetValue())

	// The event is complete: the outbox accepts it as it is.
	db := dbtest.Engines(t)[0].Open(t) // SQLite: validation does not depend on the engine
	require.NoError(t, Migrate(t.Context(), db))
	require.NoError(t, db.InTx(t.Context(), func(tx *sqldb.Tx) error { return New(db).Write(t.Context(), tx, ev) }))
}
