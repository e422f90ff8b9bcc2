package ports_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/ports"
)

var now = time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)

// newConsumers returns the consumers over a fresh SQLite database, wired
// as the service does.
func newConsumers(t *testing.T) (*ports.Consumers, *sqldb.DB) {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	if err := sqlstore.Migrate(context.Background(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	commands := app.Commands{RecordHolder: command.NewRecordHolderHandler(), RecordResult: command.NewRecordResultHandler()}
	c := ports.NewConsumers(commands, func(tx *sqldb.Tx) ports.Repos {
		return ports.Repos{Holders: sqlstore.NewHolderRepositoryTx(tx), Results: sqlstore.NewResultRepositoryTx(tx)}
	}, slog.New(slog.NewTextHandler(io.Discard, nil)), func() time.Time { return now })
	return c, db
}

func handle(t *testing.T, c *ports.Consumers, db *sqldb.DB, msg eventbus.Message) error {
	t.Helper()
	return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return c.HandleHolder(context.Background(), tx, msg) })
}

func message(t *testing.T, ev proto.Message, ceTime time.Time) eventbus.Message {
	t.Helper()
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return eventbus.Message{ID: "ev", Type: string(ev.ProtoReflect().Descriptor().FullName()), Data: data, Time: ceTime}
}

func TestHolderConsumerDecodes(t *testing.T) {
	t.Parallel()
	occur := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ceTime := time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC)
	cand := &candidatev1.Candidate{Id: "c1", Subject: "s1", BirthName: "Martin", UsageName: "Usage",
		GivenNames: []string{"Anne"}, BirthDate: "1990-05-17",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR", InseeCode: "69123"}, Sex: "F"}
	tests := []struct {
		name        string
		ev          proto.Message
		ceTime      time.Time
		wantVersion int64
		wantTime    time.Time
	}{
		{"registered, time from occur_time", &candidatev1.CandidateRegistered{Candidate: cand, Version: 1, OccurTime: timestamppb.New(occur)}, ceTime, 1, occur},
		{"updated, time from ce-time", &candidatev1.CandidateUpdated{Candidate: cand, Version: 2}, ceTime, 2, ceTime},
		{"updated without any time: reception time", &candidatev1.CandidateUpdated{Candidate: cand, Version: 3}, time.Time{}, 3, now},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, db := newConsumers(t)
			if err := handle(t, c, db, message(t, tt.ev, tt.ceTime)); err != nil {
				t.Fatalf("Handle: %v", err)
			}
			got, err := sqlstore.NewHolderRepository(db).Get(context.Background(), "c1")
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			want := holder.Holder{CandidateID: "c1", Subject: "s1", BirthName: "Martin", UsageName: "Usage",
				GivenNames: []string{"Anne"}, BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR",
				Sex: "F", BirthInseeCode: "69123", SourceVersion: tt.wantVersion, UpdatedAt: tt.wantTime}
			if got.SourceVersion != want.SourceVersion || !got.UpdatedAt.Equal(want.UpdatedAt) ||
				got.BirthCommune != want.BirthCommune || got.BirthCountryCode != want.BirthCountryCode || got.Subject != want.Subject ||
				got.Sex != want.Sex || got.BirthInseeCode != want.BirthInseeCode {
				t.Fatalf("stored %+v; want %+v", got, want)
			}
		})
	}
}

// TestHolderConsumerRejectsUnreadableEvents checks that events that can
// never be applied fail with a non-retryable error, so that eventbus
// terminates them instead of redelivering them forever.
func TestHolderConsumerRejectsUnreadableEvents(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		msg  eventbus.Message
		want error
	}{
		{"another event type", eventbus.Message{ID: "e", Type: "titrepro.candidate.v1.CandidateErased"}, eventbus.ErrUnexpectedEvent},
		{"payload that does not decode", eventbus.Message{ID: "e", Type: "titrepro.candidate.v1.CandidateRegistered", Data: []byte{0xff, 0xff}}, eventbus.ErrUnexpectedEvent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, db := newConsumers(t)
			err := handle(t, c, db, tt.msg)
			if !errors.Is(err, tt.want) || apperr.IsRetryable(err) {
				t.Fatalf("Handle() = %v; want non-retryable %v", err, tt.want)
			}
		})
	}
	t.Run("event without a version", func(t *testing.T) {
		t.Parallel()
		c, db := newConsumers(t)
		err := handle(t, c, db, message(t, &candidatev1.CandidateRegistered{Candidate: &candidatev1.Candidate{Id: "c1"}}, now))
		if apperr.KindOf(err) != apperr.KindInvalidArgument || apperr.IsRetryable(err) {
			t.Fatalf("Handle() = %v; want non-retryable invalid argument", err)
		}
	})
}

// TestConsumersReadTheEventsTheyFollow: each consumer's handler reads every
// event the consumer follows (its filter subjects) and refuses any other.
func TestConsumersReadTheEventsTheyFollow(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	apply := func(h eventbus.Handler, msg eventbus.Message) error {
		return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return h(context.Background(), tx, msg) })
	}
	for _, cons := range c.All() {
		for _, ev := range cons.Events {
			if err := apply(cons.Handle, message(t, ev, now)); errors.Is(err, eventbus.ErrUnexpectedEvent) {
				t.Errorf("%s cannot read %s, which it follows: %v", cons.Durable, eventbus.TypeOf(ev), err)
			}
		}
		other := eventbus.Message{ID: "ev-2", Type: "titrepro.test.v1.ThingHappened"}
		if err := apply(cons.Handle, other); !errors.Is(err, eventbus.ErrUnexpectedEvent) {
			t.Errorf("%s on another event = %v; want ErrUnexpectedEvent", cons.Durable, err)
		}
	}
}
