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

func TestNewEvent(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CET", 3600))
	ev, err := NewEvent(wrapperspb.String("v"), "titrepro/test", "things/1", now)
	require.NoError(t, err)

	id, err := uuid.Parse(ev.ID)
	require.NoError(t, err)
	require.Equal(t, uuid.Version(7), id.Version())
	require.Equal(t, "google.protobuf.StringValue", ev.Type)
	require.Equal(t, "google.protobuf.string_value", ev.Subject, "the subject follows from the message name")
	require.Equal(t, time.Date(2026, 1, 2, 2, 4, 5, 6000, time.UTC), ev.Time)
	var got wrapperspb.StringValue
	require.NoError(t, proto.Unmarshal(ev.Payload, &got))
	require.Equal(t, "v", got.GetValue())
}

func TestWriteRejectsIncompleteEvents(t *testing.T) {
	t.Parallel()
	valid := Event{ID: "id", Subject: "s", Type: "t", Source: "src", Time: time.Now()}
	tests := []struct {
		name   string
		mutate func(*Event)
	}{
		{"no id", func(e *Event) { e.ID = "" }},
		{"no subject", func(e *Event) { e.Subject = "" }},
		{"no type", func(e *Event) { e.Type = "" }},
		{"no source", func(e *Event) { e.Source = "" }},
		{"no time", func(e *Event) { e.Time = time.Time{} }},
	}
	db := dbtest.Engines(t)[0].Open(t) // SQLite: validation does not depend on the engine
	require.NoError(t, Migrate(t.Context(), db))
	ob := New(db)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev := valid
			tt.mutate(&ev)
			err := db.InTx(t.Context(), func(tx *sqldb.Tx) error { return ob.Write(t.Context(), tx, ev) })
			require.Error(t, err)
		})
	}
}

func TestBackoff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		failures int
		want     time.Duration
	}{
		{1, 100 * time.Millisecond},
		{2, 200 * time.Millisecond},
		{4, 800 * time.Millisecond},
		{8, time.Second},
		{1000, time.Second},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, backoff(tt.failures, time.Second), "failures=%d", tt.failures)
	}
}

func TestRelayRequiresStream(t *testing.T) {
	t.Parallel()
	r := NewRelay(New(&sqldb.DB{}), nil, nil, RelayOptions{})
	require.Error(t, r.Run(t.Context()))
}
