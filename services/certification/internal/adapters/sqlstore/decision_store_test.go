package sqlstore_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

const (
	withdrawnSubject = "titrepro.certification.v1.certificate_withdrawn"
	filedSubject     = "titrepro.certification.v1.appeal_filed"
	decidedSubject   = "titrepro.certification.v1.appeal_decided"
)

var withdrawnAt = time.Date(2026, 5, 2, 10, 0, 0, 0, time.UTC)

func inDecision(t *testing.T, db *sqldb.DB, fn func(ctx context.Context, u command.DecisionUnit) error) error {
	t.Helper()
	return sqlstore.NewDecisionStore(db, outbox.New(db)).InDecision(context.Background(), fn)
}

// awardedPerson holds CCP1 from S1 (livret L) and CCP2 from S2, completing
// the titre T.
func awardedPerson(t *testing.T, db *sqldb.DB) (livret, titre certificate.Certificate) {
	t.Helper()
	storeHolder(t, db, "cand-1", "sub-1")
	signer := newSigner(t)
	livret = signedCertificate(t, signer, mustNumber(t, 1), certificate.Livret, "cand-1", "S1")
	titre = signedCertificate(t, signer, mustNumber(t, 2), certificate.Titre, "cand-1", "S2")
	titre.Ccps = append(titre.Ccps[:0:0], certificate.Ccp{Code: "CCP1", Label: "Activité 1", SessionID: "S1", JuryDate: "2026-03-01"},
		certificate.Ccp{Code: "CCP2", Label: "Activité 2", SessionID: "S2", JuryDate: "2026-03-01"})
	if err := signer.Sign(&livret); err != nil {
		t.Fatal(err)
	}
	if err := signer.Sign(&titre); err != nil {
		t.Fatal(err)
	}
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		for _, h := range []award.HeldCcp{
			{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP1", SessionID: "S1", JuryDate: "2026-03-01"},
			{CandidateID: "cand-1", TitleCode: "TP-00001", TitleVersion: "2024", CcpCode: "CCP2", SessionID: "S2", JuryDate: "2026-03-01"},
		} {
			if _, err := u.Hold(ctx, h, received); err != nil {
				return err
			}
		}
		if err := u.Issue(ctx, livret); err != nil {
			return err
		}
		return u.Issue(ctx, titre)
	})
	if err != nil {
		t.Fatalf("award: %v", err)
	}
	return livret, titre
}

// mustNumber returns a valid certificate number for serial i.
func mustNumber(t *testing.T, i int) certificate.Number {
	t.Helper()
	n, err := certificate.NewNumber(2026, bytes.NewReader(bytes.Repeat([]byte{byte(i)}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func decision(t *testing.T, id string, c certificate.Certificate, ccp string, held []certificate.Certificate) withdrawal.Decision {
	t.Helper()
	d, err := withdrawal.Decide(withdrawal.Request{Number: string(c.Number), CcpCode: ccp,
		Motivation: "Fraude établie lors de la mise en situation professionnelle.", Reference: "Arrêté 2026-042",
		DecidedOn: "2026-05-02"}, c, civildate.Of(withdrawnAt), "officer-1")
	if err != nil {
		t.Fatalf("Decide: %v", err)
	}
	d.ID, d.Withdrawn, d.WithdrawnAt = id, withdrawal.Scope(d, held), withdrawnAt
	return d
}

func statusOf(t *testing.T, db *sqldb.DB, n certificate.Number) certificate.Status {
	t.Helper()
	c, err := sqlstore.NewCertificateRepository(db).Get(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	return c.Status
}

func hasTitre(t *testing.T, db *sqldb.DB) bool {
	t.Helper()
	var has bool
	if err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		var err error
		has, err = u.HasTitre(ctx, "cand-1", "TP-00001", "2024")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return has
}

func TestDecisionStore(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB)
			}{
				{"a titre withdrawn alone keeps the record and is not awarded again", testWithdrawTitre},
				{"a CCP withdrawn leaves the record with every certificate printing it, and a reform puts them back", testWithdrawCcpAndRestore},
				{"a withdrawal is all or nothing, events included", testWithdrawAtomic},
				{"a reform that would put back a titre another one replaced is refused", testRestoreConflict},
				{"appeals are filed, listed, decided once, with their events", testAppeals},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, openDB(t, e))
				})
			}
		})
	}
}

func testWithdrawTitre(t *testing.T, db *sqldb.DB) {
	livret, titre := awardedPerson(t, db)
	d := decision(t, "w-1", titre, "", []certificate.Certificate{livret, titre})
	if err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.Withdraw(ctx, d) }); err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	if got := statusOf(t, db, titre.Number); got != certificate.Withdrawn {
		t.Errorf("titre status = %s; want WITHDRAWN", got)
	}
	if got := statusOf(t, db, livret.Number); got != certificate.Issued {
		t.Errorf("livret status = %s; want ISSUED", got)
	}
	if n := count(t, db, "record_ccps"); n != 2 {
		t.Errorf("record holds %d CCPs; want 2 (a titre withdrawn alone keeps its CCPs)", n)
	}
	if !hasTitre(t, db) {
		t.Error("HasTitre = false after the titre's withdrawal: a later validation would award it again")
	}
	if n := countEvents(t, db, withdrawnSubject); n != 1 {
		t.Errorf("%d CertificateWithdrawn; want 1", n)
	}
	got, err := sqlstore.NewDecisionStore(db, outbox.New(db)).Withdrawal(context.Background(), "w-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Motivation != d.Motivation || got.Reference != d.Reference || got.DecidedOn != d.DecidedOn ||
		len(got.Withdrawn) != 1 || got.Withdrawn[0] != titre.Number || !got.WithdrawnAt.Equal(withdrawnAt) || !got.Stands() {
		t.Errorf("decision read back = %+v; want %+v", got, d)
	}
	c, err := sqlstore.NewCertificateRepository(db).Get(context.Background(), titre.Number)
	if err != nil || c.WithdrawalID != "w-1" {
		t.Errorf("certificate's withdrawal = %q, %v; want w-1", c.WithdrawalID, err)
	}
	// Withdrawing it again is refused by the store too (two officers at
	// once: the second sees it withdrawn).
	again := d
	again.ID = "w-2"
	err = inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.Withdraw(ctx, again) })
	if !errors.Is(err, withdrawal.ErrAlreadyWithdrawn) {
		t.Errorf("second Withdraw: %v; want ErrAlreadyWithdrawn", err)
	}
	if n := count(t, db, "certificate_withdrawals"); n != 1 {
		t.Errorf("%d decisions; want 1 (the refused one rolled back)", n)
	}
}

func testWithdrawCcpAndRestore(t *testing.T, db *sqldb.DB) {
	livret, titre := awardedPerson(t, db)
	d := decision(t, "w-1", livret, "CCP1", []certificate.Certificate{livret, titre})
	if err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.Withdraw(ctx, d) }); err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	for _, n := range []certificate.Number{livret.Number, titre.Number} {
		if got := statusOf(t, db, n); got != certificate.Withdrawn {
			t.Errorf("%s status = %s; want WITHDRAWN", n, got)
		}
	}
	if n := count(t, db, "record_ccps"); n != 1 {
		t.Errorf("record holds %d CCPs; want 1 (CCP1 withdrawn)", n)
	}
	if n := count(t, db, "withdrawn_ccps"); n != 1 {
		t.Errorf("%d withdrawn CCPs kept; want 1", n)
	}
	if hasTitre(t, db) {
		t.Error("HasTitre = true: a titre withdrawn with its CCP must be awarded again once the CCP is obtained again")
	}
	if n := countEvents(t, db, withdrawnSubject); n != 2 {
		t.Errorf("%d CertificateWithdrawn; want 2, one per certificate", n)
	}

	var (
		numbers []certificate.Number
		ccps    []string
	)
	err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error {
		got, err := u.Withdrawal(ctx, "w-1")
		if err != nil {
			return err
		}
		if err := got.Restore("appeal-1", withdrawnAt.Add(time.Hour)); err != nil {
			return err
		}
		numbers, ccps, err = u.Restore(ctx, got)
		return err
	})
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if len(numbers) != 2 || len(ccps) != 1 || ccps[0] != "CCP1" {
		t.Errorf("restored %v, %v; want both certificates and CCP1", numbers, ccps)
	}
	for _, n := range []certificate.Number{livret.Number, titre.Number} {
		if got := statusOf(t, db, n); got != certificate.Issued {
			t.Errorf("%s status after the reform = %s; want ISSUED", n, got)
		}
	}
	if n := count(t, db, "record_ccps"); n != 2 {
		t.Errorf("record holds %d CCPs after the reform; want 2", n)
	}
	got, err := sqlstore.NewDecisionStore(db, outbox.New(db)).Withdrawal(context.Background(), "w-1")
	if err != nil || got.Stands() || got.RestoredBy != "appeal-1" {
		t.Errorf("decision after the reform = %+v, %v; want restored by appeal-1", got, err)
	}
}

func testWithdrawAtomic(t *testing.T, db *sqldb.DB) {
	livret, titre := awardedPerson(t, db)
	d := decision(t, "w-1", titre, "", nil)
	// The second number is no certificate in force: nothing of the
	// decision may remain.
	d.Withdrawn = []certificate.Number{titre.Number, mustNumber(t, 9)}
	err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.Withdraw(ctx, d) })
	if !errors.Is(err, withdrawal.ErrAlreadyWithdrawn) {
		t.Fatalf("Withdraw: %v; want the refusal of the second certificate", err)
	}
	if got := statusOf(t, db, titre.Number); got != certificate.Issued {
		t.Errorf("titre status = %s; want ISSUED (rolled back)", got)
	}
	if n := count(t, db, "certificate_withdrawals") + countEvents(t, db, withdrawnSubject); n != 0 {
		t.Errorf("%d decision rows and events left; want none", n)
	}
	_ = livret
}

func testAppeals(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	store := sqlstore.NewDecisionStore(db, outbox.New(db))
	filedAt := withdrawnAt
	mk := func(id, decision, candidate string) appeal.Appeal {
		ref, err := appeal.ParseRef(decision)
		if err != nil {
			t.Fatal(err)
		}
		a, err := appeal.File(appeal.Filing{Kind: appeal.Gracieux, Appellant: "Anne Martin", Grounds: "Je conteste."},
			appeal.Decision{Ref: ref, CandidateID: candidate, Date: civildate.Of(filedAt)}, 2, civildate.Of(filedAt), "officer-1", filedAt)
		if err != nil {
			t.Fatal(err)
		}
		a.ID = id
		return a
	}
	appeals := []appeal.Appeal{
		mk("0190a000-0000-7000-8000-000000000001", "withdrawals/w-1", "cand-1"),
		mk("0190a000-0000-7000-8000-000000000002", "results/S1/candidates/cand-2", "cand-2"),
		mk("0190a000-0000-7000-8000-000000000003", "withdrawals/w-1", "cand-1"),
	}
	for _, a := range appeals {
		if err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.FileAppeal(ctx, a) }); err != nil {
			t.Fatalf("FileAppeal: %v", err)
		}
	}
	got, err := store.Appeal(ctx, appeals[0].ID)
	if err != nil || got.Decision != appeals[0].Decision || got.Deadline != appeals[0].Deadline || got.State != appeal.Filed ||
		got.Grounds != "Je conteste." || !got.FiledAt.Equal(filedAt) {
		t.Fatalf("Appeal = %+v, %v; want %+v", got, err, appeals[0])
	}
	if _, err := store.Appeal(ctx, "nope"); !errors.Is(err, appeal.ErrNotFound) {
		t.Errorf("unknown appeal: %v; want ErrNotFound", err)
	}
	list := func(f appeal.Filter, after string, limit int) []string {
		as, err := store.ListAppeals(ctx, f, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, a := range as {
			ids = append(ids, a.ID[len(a.ID)-1:])
		}
		return ids
	}
	for _, c := range []struct {
		name  string
		f     appeal.Filter
		after string
		limit int
		want  string
	}{
		{"all", appeal.Filter{}, "", 10, "123"},
		{"one decision", appeal.Filter{Decision: "withdrawals/w-1"}, "", 10, "13"},
		{"one person", appeal.Filter{CandidateIDs: []string{"cand-2"}}, "", 10, "2"},
		{"nobody", appeal.Filter{CandidateIDs: []string{}}, "", 10, ""},
		{"a page", appeal.Filter{}, appeals[0].ID, 1, "2"},
		{"filed", appeal.Filter{State: appeal.Filed}, "", 10, "123"},
	} {
		if got := list(c.f, c.after, c.limit); joined(got) != c.want {
			t.Errorf("%s: %v; want %s", c.name, got, c.want)
		}
	}

	decide := func() error {
		return inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error {
			a, err := u.Appeal(ctx, appeals[1].ID)
			if err != nil {
				return err
			}
			if err := a.Decide(appeal.Upheld, "La décision du jury est confirmée après examen.", "", civildate.Of(filedAt),
				"officer-2", filedAt.Add(time.Hour)); err != nil {
				return err
			}
			return u.DecideAppeal(ctx, a)
		})
	}
	if err := decide(); err != nil {
		t.Fatalf("DecideAppeal: %v", err)
	}
	if err := decide(); !errors.Is(err, appeal.ErrDecided) {
		t.Errorf("deciding again: %v; want ErrDecided", err)
	}
	got, err = store.Appeal(ctx, appeals[1].ID)
	if err != nil || got.State != appeal.Decided || got.Outcome != appeal.Upheld || got.DecidedBy != "officer-2" ||
		got.DecidedAt.IsZero() || got.DecidedOn.IsZero() {
		t.Errorf("decided appeal = %+v, %v", got, err)
	}
	if got := list(appeal.Filter{State: appeal.Filed}, "", 10); joined(got) != "13" {
		t.Errorf("filed after a decision: %v; want 1 and 3", got)
	}
	if f, d := countEvents(t, db, filedSubject), countEvents(t, db, decidedSubject); f != 3 || d != 1 {
		t.Errorf("events: %d AppealFiled, %d AppealDecided; want 3 and 1", f, d)
	}
}

func joined(s []string) string {
	out := ""
	for _, x := range s {
		out += x
	}
	return out
}

func testRestoreConflict(t *testing.T, db *sqldb.DB) {
	livret, titre := awardedPerson(t, db)
	d := decision(t, "w-1", livret, "CCP1", []certificate.Certificate{livret, titre})
	if err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error { return u.Withdraw(ctx, d) }); err != nil {
		t.Fatalf("Withdraw: %v", err)
	}
	// CCP1 obtained again at S3: a new titre is issued in the meantime.
	again := signedCertificate(t, newSigner(t), mustNumber(t, 3), certificate.Titre, "cand-1", "S3")
	issueAll(t, db, again)
	err := inDecision(t, db, func(ctx context.Context, u command.DecisionUnit) error {
		got, err := u.Withdrawal(ctx, "w-1")
		if err != nil {
			return err
		}
		if err := got.Restore("appeal-1", withdrawnAt.Add(time.Hour)); err != nil {
			return err
		}
		_, _, err = u.Restore(ctx, got)
		return err
	})
	if !errors.Is(err, command.ErrRestoreConflict) {
		t.Fatalf("Restore = %v; want ErrRestoreConflict", err)
	}
	if got := statusOf(t, db, titre.Number); got != certificate.Withdrawn {
		t.Errorf("titre status = %s; want still WITHDRAWN (rolled back)", got)
	}
	if got := statusOf(t, db, livret.Number); got != certificate.Withdrawn {
		t.Errorf("livret status = %s; want still WITHDRAWN (rolled back)", got)
	}
}
