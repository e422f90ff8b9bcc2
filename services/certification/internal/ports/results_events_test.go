package ports_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func minutesSigned() *assessmentv1.MinutesSigned {
	signed := time.Date(2026, 3, 1, 17, 0, 0, 0, time.UTC)
	return &assessmentv1.MinutesSigned{
		EventId: "ev-1", OccurTime: timestamppb.New(signed), SessionId: "s1", CentreId: "centre-1",
		Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: "TP-00495", TitleVersion: "2008", JuryDate: "2026-03-01",
		ContentHash: "h1",
		Lines: []*assessmentv1.MinutesLine{{
			CandidacyId: "cy-1", CandidateId: "cand-1", TitleOutcome: assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL,
			DossierManifestHash: "d1",
			CcpDecisions: []*assessmentv1.CcpDecision{
				{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
				{CcpCode: "CCP2", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, Motivation: "m"},
				{CcpCode: "CCP3"}, // undecided: never obtained
			},
		}},
		Signatures: []*assessmentv1.MinutesSignature{{JurorSubject: "j1", JurorName: "Juror", SignTime: timestamppb.New(signed), ContentHash: "h1"}},
	}
}

func TestResultsConsumerRecordsTheMinutes(t *testing.T) {
	t.Parallel()
	c, db := newConsumers(t)
	msg := message(t, minutesSigned(), now)
	for i := range 2 { // the second delivery is a re-publication: no error, no second row
		if err := db.InTx(context.Background(), func(tx *sqldb.Tx) error { return c.HandleResults(context.Background(), tx, msg) }); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
	}
	got, err := sqlstore.NewResultRepository(db).Get(context.Background(), "s1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	l := got.Lines[0]
	if got.Type != result.SessionCcp || got.State != result.AwaitingValidation || got.MinutesHash != "h1" || !got.ReceivedAt.Equal(now) ||
		got.SignedAt.IsZero() || l.TitleOutcome != result.TitlePartial || len(l.Decisions) != 3 ||
		l.Decisions[0].Outcome != result.Obtained || l.Decisions[1].Outcome != result.NotObtained || l.Decisions[2].Outcome != "" ||
		len(got.Signatures) != 1 || got.Signatures[0].JurorName != "Juror" {
		t.Fatalf("stored %+v", got)
	}
	if obtained := l.Obtained(); len(obtained) != 1 || obtained[0] != "CCP1" {
		t.Fatalf("obtained %v; want [CCP1]", obtained)
	}
}

func TestResultsConsumerRejectsUnreadableEvents(t *testing.T) {
	t.Parallel()
	noSession := minutesSigned()
	noSession.SessionId = ""
	noType := minutesSigned()
	noType.Type = assessmentv1.SessionType_SESSION_TYPE_UNSPECIFIED
	tests := []struct {
		name string
		msg  func(t *testing.T) eventbus.Message
		want apperr.Kind
	}{
		{"another event type", func(*testing.T) eventbus.Message {
			return eventbus.Message{ID: "e", Type: "titrepro.assessment.v1.SessionPlanned"}
		}, apperr.KindInvalidArgument},
		{"payload that does not decode", func(*testing.T) eventbus.Message {
			return eventbus.Message{ID: "e", Type: "titrepro.assessment.v1.MinutesSigned", Data: []byte{0xff, 0xff}}
		}, apperr.KindInvalidArgument},
		{"minutes without a session", func(t *testing.T) eventbus.Message { return message(t, noSession, now) }, apperr.KindInvalidArgument},
		{"minutes without a session type", func(t *testing.T) eventbus.Message { return message(t, noType, now) }, apperr.KindInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, db := newConsumers(t)
			err := db.InTx(context.Background(), func(tx *sqldb.Tx) error { return c.HandleResults(context.Background(), tx, tt.msg(t)) })
			if apperr.KindOf(err) != tt.want || apperr.IsRetryable(err) {
				t.Fatalf("Handle() = %v; want non-retryable %v", err, tt.want)
			}
		})
	}
	t.Run("other minutes for a recorded session", func(t *testing.T) {
		t.Parallel()
		c, db := newConsumers(t)
		handle := func(ev *assessmentv1.MinutesSigned) error {
			return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return c.HandleResults(context.Background(), tx, message(t, ev, now)) })
		}
		if err := handle(minutesSigned()); err != nil {
			t.Fatalf("first minutes: %v", err)
		}
		other := minutesSigned()
		other.ContentHash = "h2"
		if err := handle(other); !errors.Is(err, result.ErrMinutesConflict) || apperr.IsRetryable(err) {
			t.Fatalf("other minutes = %v; want non-retryable ErrMinutesConflict", err)
		}
	})
}
