package command_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

func decisionsHandler(db *sqldb.DB, now time.Time) command.DecisionsHandler {
	n := 0
	return command.NewDecisionsHandler(sqlstore.NewDecisionStore(db, outbox.New(db)), func() time.Time { return now },
		func() (string, error) { n++; return fmt.Sprintf("0190a000-0000-7000-8000-%012d", n), nil }, 0)
}

func statusOf(t *testing.T, db *sqldb.DB, n string) certificate.Status {
	t.Helper()
	c, err := sqlstore.NewCertificateRepository(db).Get(context.Background(), certificate.Number(n))
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

// TestR59_WithdrawalThroughTheApplication: only the ministry withdraws; a
// withdrawn titre is neither deposited with the Caisse nor listed late
// (R56); an appeal against a result validated long ago is late (R61)
// unless notified later; an appeal against the withdrawal, decided
// REFORMED, puts the titre back in force and in the next deposit (R60).
func TestR59_WithdrawalThroughTheApplication(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-b", []string{"CCP1", "CCP2", "CCP3"})))
	out, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s1"}) // on 2026-06-10
	if err != nil || len(out.Certificates) != 1 {
		t.Fatalf("validate: %v", err)
	}
	number := string(out.Certificates[0].Number)
	if _, err := sqlstore.NewHolderRepository(db).Upsert(context.Background(), holder.Holder{CandidateID: "cand-b",
		Subject: "sub-cand-b", BirthName: "Martin", GivenNames: []string{"Anne"}, BirthDate: "1990-05-17", BirthCommune: "Lyon",
		BirthCountryCode: "FR", Sex: "F", BirthInseeCode: "69123", SourceVersion: 2, UpdatedAt: fixedNow()}); err != nil {
		t.Fatal(err)
	}
	later := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	h, cpf := decisionsHandler(db, later), cpfHandler(db, later)
	req := command.WithdrawCertificate{Number: number, Motivation: "Fraude établie lors de la mise en situation.",
		Reference: "Arrêté 2026-042", DecidedOn: "2026-08-20"}

	admin := auth.WithPrincipal(context.Background(), auth.Principal{Subject: "op", Roles: []auth.Role{auth.RoleAdmin}})
	if _, err := h.Withdraw(admin, req); !errorsIs(err, withdrawal.ErrDenied) {
		t.Fatalf("admin withdrawal = %v; want ErrDenied", err)
	}
	w, err := h.Withdraw(ministry(), req)
	if err != nil || w.Certificate.Status != certificate.Withdrawn || w.Decision.DecidedBy != "officer-1" {
		t.Fatalf("withdraw = %+v, %v", w, err)
	}
	if _, err := cpf.Export(ministry()); !errorsIs(err, command.ErrNothingToDeposit) {
		t.Errorf("export of a withdrawn titre = %v; want NOTHING_TO_DEPOSIT", err)
	}
	if late, err := cpf.Late(ministry()); err != nil || len(late) != 0 {
		t.Errorf("late = %+v, %v; want a withdrawn titre not listed", late, err)
	}

	// R61 on a result validated on 2026-06-10: the deadline was 2026-08-10.
	result := appeal.Filing{Kind: appeal.Hierarchique, Decision: "results/s1/candidates/cand-b", Appellant: "Anne Martin", Grounds: "Erreur."}
	if _, err := h.FileAppeal(ministry(), result); !errorsIs(err, appeal.ErrLate) {
		t.Errorf("appeal against the result = %v; want ErrLate", err)
	}
	result.NotifiedOn = "2026-08-01"
	if a, err := h.FileAppeal(ministry(), result); err != nil || a.Deadline.String() != "2026-10-01" || a.CandidateID != "cand-b" {
		t.Errorf("appeal notified later = %+v, %v", a, err)
	}
	for _, d := range []string{"results/s1/candidates/nobody", "results/s9/candidates/cand-b", "certificates/TP-2026-AAAA-AAAA-A",
		"withdrawals/none"} {
		if _, err := h.FileAppeal(ministry(), appeal.Filing{Kind: appeal.Gracieux, Decision: d, Appellant: "x", Grounds: "y"}); !errorsIs(err, appeal.ErrDecisionNotFound) {
			t.Errorf("appeal against %s = %v; want DECISION_NOT_FOUND", d, err)
		}
	}
	if _, err := h.FileAppeal(admin, result); !errorsIs(err, appeal.ErrDenied) {
		t.Errorf("admin filing = %v; want ErrDenied", err)
	}

	typed, err := h.FileAppeal(ministry(), appeal.Filing{Kind: appeal.Contentieux, Decision: "certificates/" + strings.ToLower(number),
		Appellant: "Me Durand", Grounds: "Requête au tribunal administratif.", NotifiedOn: "2026-08-01"})
	if err != nil || typed.Decision.String() != "certificates/"+number {
		t.Errorf("appeal against a certificate typed in lower case = %v, %v; want its number as printed", typed.Decision, err)
	}
	a, err := h.FileAppeal(ministry(), appeal.Filing{Kind: appeal.Gracieux, Decision: "withdrawals/" + w.Decision.ID,
		Appellant: "Anne Martin", Grounds: "Je conteste la fraude."})
	if err != nil {
		t.Fatal(err)
	}
	if got := statusOf(t, db, number); got != certificate.Withdrawn {
		t.Errorf("status under appeal = %s; want WITHDRAWN (the decision stays in force)", got)
	}
	a, err = h.DecideAppeal(ministry(), a.ID, appeal.Reformed, "La fraude n'est pas établie : retrait annulé.", "")
	if err != nil || len(a.RestoredCertificates) != 1 || a.RestoredCertificates[0] != number {
		t.Fatalf("decide = %+v, %v", a, err)
	}
	if got := statusOf(t, db, number); got != certificate.Issued {
		t.Errorf("status after the reform = %s; want ISSUED", got)
	}
	if f, err := cpf.Export(ministry()); err != nil || f.Awards != 1 {
		t.Errorf("export after the reform = %+v, %v; want the titre", f.Awards, err)
	}
	// Withdrawn again after the reform: a new decision, reformable on its own.
	req.DecidedOn = "2026-09-01"
	if _, err := h.Withdraw(ministry(), req); err != nil {
		t.Errorf("a second withdrawal after the reform = %v", err)
	}
}
