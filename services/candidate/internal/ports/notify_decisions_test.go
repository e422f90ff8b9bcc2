package ports_test

import (
	"context"
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// holder records a candidate in the service's database and returns its id.
func holder(t *testing.T, db *sqldb.DB) string {
	t.Helper()
	ctx := context.Background()
	if err := outbox.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	c, err := candidate.New("cand-anne", "C1", candidate.Details{
		BirthName: "Martin", GivenNames: []string{"Anne"}, BirthDate: "1990-06-01",
		BirthPlace: candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: "anne.martin@example.org",
		AccessRoute: candidate.RouteTraining, Training: &candidate.TrainingEnrolment{Organisation: "AFPA Lyon",
			OrganisationSIRET: "73282932000074", StartDate: "2025-09-01", EndDate: "2026-06-30"},
	}, at)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlstore.NewCandidateRepository(db, outbox.New(db)).Create(ctx, c, candidate.CreateKey{CreatedBy: "centre"}); err != nil {
		t.Fatal(err)
	}
	return c.ID()
}

// TestNotificationsTellTheMinistrysDecisions: CertificateWithdrawn and
// AppealDecided, as the certification service publishes them, each give
// the holder one message, however often they are delivered; an event
// without its holder, or about a holder this service does not know, is
// terminated (as a candidacy's).
func TestNotificationsTellTheMinistrysDecisions(t *testing.T) {
	t.Parallel()
	n, db := notifications(t)
	ctx := context.Background()
	id := holder(t, db)
	withdrawn := &certificationv1.CertificateWithdrawn{CertificateNumber: "TP26-0000042-K", Kind: certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET,
		CandidateId: id, TitleId: "TP-1", TitleVersion: "1", TitleLabel: "Agent de sûreté", WithdrawnCcpCodes: []string{"CCP2"},
		WithdrawalId: "w1", Reason: "FRAUD", DecisionReference: "Arrêté 2026-042", DecidedOn: "2026-07-03"}
	decided := &certificationv1.AppealDecided{AppealId: "a1", Kind: certificationv1.AppealKind_APPEAL_KIND_HIERARCHIQUE,
		Decision: "withdrawals/w1", CandidateId: id, Outcome: certificationv1.AppealOutcome_APPEAL_OUTCOME_UPHELD, DecidedOn: "2026-09-01"}
	for range 2 {
		if err := apply(db, n.HandleCertification, message(t, "ev-w", withdrawn)); err != nil {
			t.Fatal(err)
		}
		if err := apply(db, n.HandleCertification, message(t, "ev-a", decided)); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.QueryContext(ctx, `SELECT message_id, kind, to_address, subject FROM mail_outbox ORDER BY kind`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got [][4]string
	for rows.Next() {
		var r [4]string
		if err := rows.Scan(&r[0], &r[1], &r[2], &r[3]); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	want := [][4]string{
		{notice.MessageID("ev-a", notice.KindAppealDecided, notice.CandidateKey(id)), "appeal_decided", "anne.martin@example.org",
			"Décision sur votre recours – décision maintenue"},
		{notice.MessageID("ev-w", notice.KindCertificateWithdrawn, notice.CandidateKey(id)), "certificate_withdrawn", "anne.martin@example.org",
			"Retrait de votre livret de certification – titre professionnel Agent de sûreté"},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("mail_outbox = %q\nwant %q", got, want)
	}

	final := func(what string, err error) {
		t.Helper()
		if err == nil || apperr.IsRetryable(err) {
			t.Errorf("%s: %v; want an error that terminates the event", what, err)
		}
	}
	final("withdrawal without holder", apply(db, n.HandleCertification, message(t, "e1", &certificationv1.CertificateWithdrawn{CertificateNumber: "X"})))
	final("appeal without person", apply(db, n.HandleCertification, message(t, "e2", &certificationv1.AppealDecided{Decision: "withdrawals/w1",
		Outcome: certificationv1.AppealOutcome_APPEAL_OUTCOME_UPHELD})))
	final("appeal without outcome", apply(db, n.HandleCertification, message(t, "e3", &certificationv1.AppealDecided{Decision: "withdrawals/w1", CandidateId: id})))
	final("holder unknown here", apply(db, n.HandleCertification, message(t, "e4", &certificationv1.CertificateWithdrawn{CertificateNumber: "X", CandidateId: "nobody"})))
	var count int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mail_outbox`).Scan(&count); err != nil || count != 2 {
		t.Errorf("%d messages after the refused events (%v), want 2", count, err)
	}
}
