package command_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

var cpfConfig = cpfdeposit.Config{EmitterClientID: "03VML243", CertifierClientID: "03VML243", ContractID: "MCFCER000001"}

func cpfHandler(db *sqldb.DB, now time.Time) command.CpfDepositHandler {
	n := 0
	return command.NewCpfDepositHandler(sqlstore.NewCpfDepositRepository(db), sqlstore.NewCertificateRepository(db),
		sqlstore.NewHolderRepository(db), titleRepo(db), cpfConfig, func() time.Time { return now },
		func() (string, error) { n++; return "flux-" + string(rune('0'+n)), nil })
}

func report(fluxID string, ok []string, ko map[string]string) []byte {
	var b strings.Builder
	b.WriteString("<rapport><idFlux>" + fluxID + "</idFlux><PassagesKO>")
	for id, msg := range ko {
		b.WriteString("<passage><idTechnique>TP-" + id + "</idTechnique><messageErreur>" + msg + "</messageErreur></passage>")
	}
	b.WriteString("</PassagesKO><PassagesOK>")
	for _, id := range ok {
		b.WriteString("<idTechnique>TP-" + id + "</idTechnique>")
	}
	b.WriteString("</PassagesOK></rapport>")
	return []byte(b.String())
}

// TestR56_CpfDepositExportAcknowledgeLate: a titre awarded is exported once
// its holder has the deposit's fields, waits for its report, is exported
// again after a KO, and leaves the alert list once the Caisse holds it.
func TestR56_CpfDepositExportAcknowledgeLate(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-b", []string{"CCP1", "CCP2", "CCP3"})))
	out, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s1"})
	if err != nil || len(out.Certificates) != 1 {
		t.Fatalf("validate: %v", err)
	}
	number := string(out.Certificates[0].Number)
	later := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC) // 83 days after the award of 2026-06-10
	h := cpfHandler(db, later)

	// The holder registered without sex nor INSEE code: refused, by field.
	_, err = h.Export(ministry())
	var ae *apperr.Error
	if !errorsAs(err, &ae) || ae.Kind != apperr.KindInvalidArgument || !strings.Contains(fieldsOf(ae), "awards[0].holder.sex") ||
		!strings.Contains(fieldsOf(ae), "awards[0].holder.birth_insee_code") {
		t.Fatalf("export without the holder's fields = %v; want INVALID_ARGUMENT naming sex and birth_insee_code", err)
	}
	hd := holder.Holder{CandidateID: "cand-b", Subject: "sub-cand-b", BirthName: "Martin", GivenNames: []string{"Anne"},
		BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR", Sex: "F", BirthInseeCode: "69123",
		SourceVersion: 2, UpdatedAt: fixedNow()}
	if _, err := sqlstore.NewHolderRepository(db).Upsert(context.Background(), hd); err != nil {
		t.Fatal(err)
	}

	// Only the ministry exports and records reports; admins read.
	admin := auth.WithPrincipal(context.Background(), auth.Principal{Subject: "op", Roles: []auth.Role{auth.RoleAdmin}})
	if _, err := h.Export(admin); !errorsIs(err, command.ErrCpfDepositDenied) {
		t.Fatalf("admin export = %v", err)
	}
	if _, err := h.Acknowledge(admin, report("x", nil, nil)); !errorsIs(err, command.ErrCpfDepositDenied) {
		t.Fatalf("admin acknowledge = %v", err)
	}

	f, err := h.Export(ministry())
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	first := f.FluxID
	for _, want := range []string{"<idFlux>" + first + "</idFlux>", "<idTechnique>TP-" + number + "</idTechnique>", "<code>RNCP0003</code>",
		"<sexe>F</sexe>", "<codeInsee>69123</codeInsee>", "<codePaysNaissance>FRA</codePaysNaissance>"} {
		if !strings.Contains(string(f.Content), want) {
			t.Errorf("deposit file lacks %s:\n%s", want, f.Content)
		}
	}
	if _, err := h.Export(ministry()); !errorsIs(err, command.ErrNothingToDeposit) {
		t.Fatalf("second export while waiting for the report = %v; want NOTHING_TO_DEPOSIT", err)
	}
	late, err := h.Late(admin)
	if err != nil || len(late) != 1 || late[0].AwardID != number || late[0].Deadline != "2026-09-10" || late[0].FluxID != first {
		t.Fatalf("late = %+v, %v", late, err)
	}

	r, err := h.Acknowledge(ministry(), report(first, nil, map[string]string{number: "Aucun titulaire ne correspond"}))
	if err != nil || r.Rejected != 1 || r.Deposited != 0 || r.FluxID != first {
		t.Fatalf("acknowledge KO = %+v, %v", r, err)
	}
	f, err = h.Export(ministry())
	if err != nil || !strings.Contains(string(f.Content), "TP-"+number) || f.FluxID == first {
		t.Fatalf("export after a KO = %v, %v", f.FluxID, err)
	}
	r, err = h.Acknowledge(ministry(), report(f.FluxID, []string{number, "unknown"}, nil))
	if err != nil || r.Deposited != 2 || len(r.Unknown) != 1 {
		t.Fatalf("acknowledge OK = %+v, %v", r, err)
	}
	if _, err := h.Export(ministry()); !errorsIs(err, command.ErrNothingToDeposit) {
		t.Fatalf("export once deposited = %v; want NOTHING_TO_DEPOSIT", err)
	}
	if late, err := h.Late(ministry()); err != nil || len(late) != 0 {
		t.Fatalf("late once deposited = %+v, %v", late, err)
	}
	if _, err := h.Acknowledge(ministry(), []byte("<html/>")); err == nil {
		t.Fatal("a document that is not a report was accepted")
	}
}

// TestR56_TitreNoLongerInForceIsNotDeposited: a titre revoked by a
// correction of its minutes (or withdrawn, R59) before its deposit is not
// sent to the Caisse, and raises no day-80 alert.
func TestR56_TitreNoLongerInForceIsNotDeposited(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-b", []string{"CCP1", "CCP2", "CCP3"})))
	out, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s1"})
	if err != nil || len(out.Certificates) != 1 {
		t.Fatalf("validate: %v", err)
	}
	number := string(out.Certificates[0].Number)
	hd := holder.Holder{CandidateID: "cand-b", Subject: "sub-cand-b", BirthName: "Martin", GivenNames: []string{"Anne"},
		BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR", Sex: "F", BirthInseeCode: "69123",
		SourceVersion: 2, UpdatedAt: fixedNow()}
	if _, err := sqlstore.NewHolderRepository(db).Upsert(context.Background(), hd); err != nil {
		t.Fatal(err)
	}
	h := cpfHandler(db, time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC))
	if late, err := h.Late(ministry()); err != nil || len(late) != 1 {
		t.Fatalf("late while in force = %+v, %v; want the titre", late, err)
	}
	if _, err := db.ExecContext(context.Background(), `UPDATE certificates SET status = 'REVOKED' WHERE number = $1`, number); err != nil {
		t.Fatal(err)
	}
	if f, err := h.Export(ministry()); !errorsIs(err, command.ErrNothingToDeposit) {
		t.Fatalf("export of a revoked titre = %s, %v; want NOTHING_TO_DEPOSIT", f.Content, err)
	}
	if late, err := h.Late(ministry()); err != nil || len(late) != 0 {
		t.Fatalf("late once revoked = %+v, %v; want none", late, err)
	}
}

func errorsAs(err error, target **apperr.Error) bool { return errors.As(err, target) }

func errorsIs(err error, target error) bool { return errors.Is(err, target) }

func fieldsOf(e *apperr.Error) string {
	var fs []string
	for _, v := range e.Violations {
		fs = append(fs, v.Field)
	}
	return strings.Join(fs, " ")
}
