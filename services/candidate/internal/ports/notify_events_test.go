package ports_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/ports"
)

var at = time.Date(2026, 6, 20, 10, 0, 0, 0, time.UTC)

func notifications(t *testing.T) (*ports.Notifications, *sqldb.DB) {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	if err := sqlstore.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	n := ports.NewNotifications(notify.New(func() time.Time { return at }), func(tx *sqldb.Tx) notice.Store {
		return sqlstore.NewNoticeStore(tx, nil, func() time.Time { return at })
	}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return n, db
}

func message(t *testing.T, id string, m proto.Message) eventbus.Message {
	t.Helper()
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return eventbus.Message{ID: id, Type: eventbus.TypeOf(m), Data: data, Time: at}
}

func apply(db *sqldb.DB, h eventbus.Handler, msg eventbus.Message) error {
	return db.InTx(context.Background(), func(tx *sqldb.Tx) error { return h(context.Background(), tx, msg) })
}

func TestNotificationsReadTheEvents(t *testing.T) {
	t.Parallel()
	n, db := notifications(t)
	ctx := context.Background()
	planned := &assessmentv1.SessionPlanned{SessionId: "s1", CentreId: "C1", Type: assessmentv1.SessionType_SESSION_TYPE_CCP,
		TitleId: "TP-1", TitleVersion: "1", CcpCodes: []string{"CCP2"}, StartDate: "2026-06-15", EndDate: "2026-06-15",
		DossierDeadline: "2026-06-01", Site: "Lyon"}
	if err := apply(db, n.HandleAssessment, message(t, "e1", planned)); err != nil {
		t.Fatal(err)
	}
	if err := apply(db, n.HandleCertification, message(t, "e2", &certificationv1.TitleVersionPublished{Title: &certificationv1.Title{
		Id: "TP-1", Version: "1", Label: "Titre", Ccps: []*certificationv1.Ccp{{Code: "CCP2", Label: "Deux"}}}})); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		st := sqlstore.NewNoticeStore(tx, nil, nil)
		s, err := st.Session(ctx, "s1")
		if err != nil {
			return err
		}
		if s.Type != notice.SessionCCP || s.Site != "Lyon" || s.DossierDeadline != "2026-06-01" || s.CCPCodes[0] != "CCP2" {
			t.Errorf("session = %+v", s)
		}
		tt, err := st.Title(ctx, "TP-1", "1")
		if err != nil {
			return err
		}
		if tt.CCPLabel("CCP2") != "Deux" {
			t.Errorf("title = %+v", tt)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	m := ports.MinutesFromSigned(&assessmentv1.MinutesSigned{SessionId: "s1", ContentHash: "h", JuryDate: "2026-06-15",
		Lines: []*assessmentv1.MinutesLine{{CandidacyId: "cy", CandidateId: "c", TitleOutcome: assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL,
			CcpDecisions: []*assessmentv1.CcpDecision{
				{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
				{CcpCode: "CCP2", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, Motivation: "m"}}}}})
	if l := m.Lines[0]; l.TitleOutcome != notice.TitlePartial || l.Decisions[0].Outcome != notice.Obtained ||
		l.Decisions[1].Outcome != notice.NotObtained || l.Decisions[1].Motivation != "m" {
		t.Fatalf("minutes = %+v", m)
	}
}

func TestNotificationsRefuseWhatTheyCannotApply(t *testing.T) {
	t.Parallel()
	n, db := notifications(t)
	final := func(what string, err error) {
		t.Helper()
		if err == nil || apperr.IsRetryable(err) {
			t.Errorf("%s: %v; want an error that terminates the event", what, err)
		}
	}
	final("candidacy without candidate", apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.CandidacyRegistered{SessionId: "s1", CandidacyId: "cy"})))
	final("juror without subject", apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.JurorAssigned{SessionId: "s1"})))
	final("withdrawal without candidacy", apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.CandidacyWithdrawn{SessionId: "s1"})))
	final("transfer without candidacy", apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.CandidacyTransferred{ToSessionId: "s2"})))
	final("minutes without hash", apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.MinutesSigned{SessionId: "s1"})))
	final("validation without hash", apply(db, n.HandleCertification, message(t, "e", &certificationv1.ResultsValidated{SessionId: "s1"})))
	final("title without id", apply(db, n.HandleCertification, message(t, "e", &certificationv1.TitleVersionPublished{})))
	err := apply(db, n.HandleAssessment, message(t, "e", &certificationv1.ResultsValidated{}))
	if !errors.Is(err, eventbus.ErrUnexpectedEvent) {
		t.Errorf("another stream's event: %v", err)
	}
	bad := message(t, "e", &assessmentv1.SessionPlanned{})
	bad.Data = []byte{0xff, 0xff}
	if err := apply(db, n.HandleAssessment, bad); !errors.Is(err, eventbus.ErrUnexpectedEvent) {
		t.Errorf("undecodable: %v", err)
	}
	// A candidacy whose session has not arrived: retried later.
	err = apply(db, n.HandleAssessment, message(t, "e", &assessmentv1.CandidacyRegistered{SessionId: "s9", CandidacyId: "cy", CandidateId: "c"}))
	if !apperr.IsRetryable(err) {
		t.Errorf("candidacy before its session: %v; want a retryable error", err)
	}
}

func TestNotificationsHooksForTheComingEvents(t *testing.T) {
	t.Parallel()
	n, db := notifications(t)
	ctx := context.Background()
	if err := apply(db, n.HandleAssessment, message(t, "e1", &assessmentv1.SessionPlanned{SessionId: "s1", CentreId: "C1",
		TitleId: "TP-1", TitleVersion: "1", StartDate: "2026-06-15", EndDate: "2026-06-16"})); err != nil {
		t.Fatal(err)
	}
	if err := apply(db, n.HandleAssessment, message(t, "e2", &assessmentv1.JurorAssigned{SessionId: "s1", JurorSubject: "j1", JurorName: "Jeanne"})); err != nil {
		t.Fatal(err)
	}
	// HabilitationGranted (juror register): the address releases the held convocation.
	granted := &certificationv1.HabilitationGranted{Habilitation: &certificationv1.Habilitation{Number: "H-1", JurorSubject: "j1",
		JurorName: "Jeanne Dupont", JurorEmail: "jeanne@example.org", TitleId: "TP-1"}, JurorEmail: "jeanne@example.org"}
	if err := apply(db, n.HandleCertification, message(t, "e2b", granted)); err != nil {
		t.Fatal(err)
	}
	// SessionPostponed, as the assessment publishes it: one message per
	// person of the session, however often the event is delivered.
	postponed := message(t, "e3", &assessmentv1.SessionPostponed{SessionId: "s1", StartDate: "2026-09-14", EndDate: "2026-09-15",
		PreviousStartDate: "2026-06-15", PreviousEndDate: "2026-06-16", Reason: "salle indisponible"})
	for range 2 {
		if err := apply(db, n.HandleAssessment, postponed); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT kind, status, to_address, body_text FROM mail_outbox ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var kind, status, to, text string
		if err := rows.Scan(&kind, &status, &to, &text); err != nil {
			t.Fatal(err)
		}
		got = append(got, kind+" "+status+" "+to)
		if kind == string(notice.KindSessionPostponed) && !(strings.Contains(text, "du lundi 14 septembre 2026") && strings.Contains(text, "Motif : salle indisponible")) {
			t.Errorf("postponement: %s", text)
		}
	}
	want := []string{"juror_convocation pending jeanne@example.org", "session_postponed pending jeanne@example.org"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("mail_outbox = %q; want %q", got, want)
	}
	if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return n.SessionChanged(ctx, tx, "", notice.Change{}) }); err == nil {
		t.Fatal("a change without event or session was applied")
	}
	// SessionCancelled carries only the session and the reason: the juror
	// is told once, with the dates the projection knows.
	if err := apply(db, n.HandleAssessment, message(t, "e4", &assessmentv1.SessionCancelled{SessionId: "s1", Reason: "centre fermé"})); err != nil {
		t.Fatal(err)
	}
	var text string
	if err := db.QueryRowContext(ctx, `SELECT body_text FROM mail_outbox WHERE kind = ?`, string(notice.KindSessionCancelled)).Scan(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "centre fermé") || !strings.Contains(text, "14 septembre 2026") {
		t.Errorf("cancellation: %s", text)
	}
}

func TestNotificationsJurorReplacedAfterOpening(t *testing.T) {
	t.Parallel()
	n, db := notifications(t)
	ctx := context.Background()
	if err := apply(db, n.HandleAssessment, message(t, "e1", &assessmentv1.SessionPlanned{SessionId: "s1", CentreId: "C1",
		TitleId: "TP-1", TitleVersion: "1", StartDate: "2026-06-15", EndDate: "2026-06-16"})); err != nil {
		t.Fatal(err)
	}
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		for _, j := range [][3]string{{"j1", "Paul Martin", "paul@example.org"}, {"j2", "Lucie Bernard", "lucie@example.org"}} {
			if err := n.JurorAddressKnown(ctx, tx, j[0], j[1], j[2]); err != nil {
				return err
			}
		}
		return n.JurorJoined(ctx, tx, "e2", "s1", "j1", "Paul Martin")
	})
	if err != nil {
		t.Fatal(err)
	}
	// Paul is absent on the day: one event replaces him with Lucie.
	err = db.InTx(ctx, func(tx *sqldb.Tx) error {
		if err := n.JurorLeft(ctx, tx, "e3", "s1", "j1"); err != nil {
			return err
		}
		return n.JurorJoined(ctx, tx, "e3", "s1", "j2", "Lucie Bernard")
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.QueryContext(ctx, `SELECT kind, to_address, event_id FROM mail_outbox ORDER BY event_id, kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var kind, to, ev string
		if err := rows.Scan(&kind, &to, &ev); err != nil {
			t.Fatal(err)
		}
		got = append(got, ev+" "+kind+" "+to)
	}
	want := []string{"e2 juror_convocation paul@example.org", "e3 juror_convocation lucie@example.org", "e3 juror_released paul@example.org"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("mail_outbox = %q; want %q", got, want)
	}
	if err := db.InTx(ctx, func(tx *sqldb.Tx) error { return n.JurorLeft(ctx, tx, "", "s1", "j2") }); err == nil {
		t.Fatal("a juror change without event was applied")
	}
}
