package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// TestEndToEndWithdrawalAndAppeal: a titre awarded by a jury is withdrawn
// by the ministry's officer through REST after a fraud (R59); the public
// verification (REST and the web page) says it is withdrawn, with the date
// of the decision and without its motivation, and no longer valid; the
// parchment is refused; the ministry's durable consumer reads
// CertificateWithdrawn on the certification stream. An appeal against the
// withdrawal filed after the time limit is refused with the deadline (R61);
// one filed within it is recorded, the decision staying in force (R60);
// decided REFORMED, the certificate verifies valid again and the stream
// carries AppealFiled and AppealDecided with the certificate restored. The
// holder's verifiable credentials, checked by the independent Node
// verifier through the status list, follow: valid, revoked, valid again.
func TestEndToEndWithdrawalAndAppeal(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	s := startServer(t, cfg)
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	res, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatal(err)
	}
	ministry := newMinistryConsumer(t, cfg, "titrepro.certification.v1.certificate_withdrawn",
		"titrepro.certification.v1.appeal_filed", "titrepro.certification.v1.appeal_decided")
	officer, holder := w.tokens[asMinistry], w.tokens[asCandidate]
	today := civildate.Of(time.Now()).String()
	const motivation = "Fraude établie : substitution d'identité lors de la mise en situation professionnelle."

	// The holder's verifiable credentials, downloaded while in force.
	node, verifier, haveNode := vcVerifierTool(t)
	credentials := writeCredentials(t, t.TempDir(), "titre", listCredentials(ctx, t, w, res.certificate))
	checkCredentials := func(when string, revoked bool) {
		t.Helper()
		if !haveNode {
			return
		}
		for _, v := range runVCVerifier(t, node, verifier, credentials...) {
			if v.Revoked != revoked || v.OK == revoked || !v.SchemaValid {
				t.Errorf("the independent verifier %s: %+v; want revoked %v", when, v, revoked)
			}
		}
	}
	checkCredentials("before the withdrawal", false)

	// The holder and admins may not withdraw; the officer does.
	decision := map[string]any{"motivation": motivation, "decision_reference": "Arrêté DREETS-ARA 2026-042", "decided_on": today}
	path := "/v1/certificates/" + res.certificate + ":withdraw"
	if r := s.call(t, "POST", path, holder, decision); r.status != 403 {
		t.Errorf("the holder withdrawing = HTTP %d; want 403", r.status)
	}
	if r := s.call(t, "POST", path, officer, map[string]any{"motivation": "Fraude.", "decided_on": today}); r.status != 400 {
		t.Errorf("a withdrawal without reference and with a short motivation = HTTP %d; want 400", r.status)
	}
	r := s.call(t, "POST", path, officer, decision)
	if r.status != 200 {
		t.Fatalf("POST %s = HTTP %d: %s", path, r.status, r.body)
	}
	withdrawn := &certificationv1.WithdrawCertificateResponse{}
	decode(t, r.body, withdrawn)
	if withdrawn.GetCertificate().GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN ||
		withdrawn.GetWithdrawal().GetReason() != "FRAUD" || withdrawn.GetWithdrawal().GetMotivation() != motivation {
		t.Fatalf("withdrawal answer = %v", withdrawn)
	}
	withdrawalID := withdrawn.GetWithdrawal().GetId()
	if r := s.call(t, "POST", path, officer, decision); r.status != 400 || errorReason(t, r.body) != "CERTIFICATE_ALREADY_WITHDRAWN" {
		t.Errorf("withdrawing again = HTTP %d %s; want 400 CERTIFICATE_ALREADY_WITHDRAWN", r.status, r.body)
	}

	// Public verification: withdrawn, dated, not valid, no motivation.
	verify := func() *certificationv1.VerifyCertificateResponse {
		t.Helper()
		v, err := w.verify(ctx, res.certificate)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	raw := s.call(t, "GET", "/v1/certificates/"+res.certificate+":verify", "", nil)
	if v := verify(); v.GetValid() || v.GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN ||
		v.GetWithdrawnOn() != today || !v.GetSignatureValid() || strings.Contains(string(raw.body), "substitution") {
		t.Errorf("public verification of a withdrawn certificate = %v (%s)", v, raw.body)
	}
	page := s.call(t, "GET", "/verifier/"+res.certificate, "", nil)
	if page.status != 200 || !strings.Contains(string(page.body), `data-verdict="retire"`) ||
		!strings.Contains(string(page.body), "retiré par décision de l’autorité administrative du "+civilDateFR(t, today)) ||
		strings.Contains(string(page.body), "substitution") {
		t.Errorf("the verification page of a withdrawn certificate = HTTP %d: %.2000s", page.status, page.body)
	}
	// The holder reads the decision, motivation included; no parchment.
	got := &certificationv1.GetCertificateResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/certificates/"+res.certificate, nil, got); err != nil ||
		got.GetCertificate().GetWithdrawal().GetMotivation() != motivation {
		t.Errorf("the holder's certificate = %v, %v; want the withdrawal with its motivation", got, err)
	}
	if r := s.call(t, "GET", "/v1/certificates/"+res.certificate+"/parchment", holder, nil); r.status != 400 ||
		errorReason(t, r.body) != "CERTIFICATE_WITHDRAWN" {
		t.Errorf("parchment of a withdrawn certificate = HTTP %d %.300s; want 400 CERTIFICATE_WITHDRAWN", r.status, r.body)
	}

	// Its credentials verify as revoked: the status list says so to any
	// verifier, with no call to titrepro but the list itself.
	checkCredentials("after the withdrawal", true)

	// The ministry's stream carries the withdrawal, without the motivation.
	if counts := ministry.drain(map[string]int{"CertificateWithdrawn": 1}); !equalCounts(counts, map[string]int{"CertificateWithdrawn": 1}) {
		t.Fatalf("ministry stream = %v; want one CertificateWithdrawn", counts)
	}
	ev := &certificationv1.CertificateWithdrawn{}
	if err := proto.Unmarshal(ministry.got[0].Data(), ev); err != nil {
		t.Fatal(err)
	}
	if ev.GetCertificateNumber() != res.certificate || ev.GetCandidateId() != res.candidateID || ev.GetReason() != "FRAUD" ||
		ev.GetWithdrawalId() != withdrawalID || ev.GetDecidedOn() != today || ev.GetDecisionReference() != "Arrêté DREETS-ARA 2026-042" ||
		ev.GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE || len(ev.GetCcpCodes()) == 0 {
		t.Errorf("CertificateWithdrawn = %v", ev)
	}
	if strings.Contains(string(ministry.got[0].Data()), "substitution") {
		t.Error("the event carries the motivation")
	}

	// R61: the decision dated three months back, an appeal notified then is
	// late; the deadline is in the refusal.
	backdateWithdrawal(t, dir, withdrawalID, civildate.Of(time.Now()).AddMonths(-3).String())
	appeal := map[string]any{"kind": "APPEAL_KIND_GRACIEUX", "decision": "withdrawals/" + withdrawalID,
		"appellant": "Anne Martin", "grounds": "Je conteste la fraude qui m'est reprochée."}
	late := s.call(t, "POST", "/v1/appeals", officer, appeal)
	deadline := civildate.Of(time.Now()).AddMonths(-3).AddMonths(2).String()
	if late.status != 400 || errorReason(t, late.body) != "APPEAL_DEADLINE_PASSED" || !strings.Contains(string(late.body), deadline) {
		t.Errorf("a late appeal = HTTP %d %s; want 400 APPEAL_DEADLINE_PASSED naming %s", late.status, late.body, deadline)
	}
	// Notified today (the letter reached the holder today): within time.
	appeal["notified_on"] = today
	r = s.call(t, "POST", "/v1/appeals", officer, appeal)
	if r.status != 200 {
		t.Fatalf("POST /v1/appeals = HTTP %d: %s", r.status, r.body)
	}
	filed := &certificationv1.FileAppealResponse{}
	decode(t, r.body, filed)
	id := filed.GetAppeal().GetId()
	if filed.GetAppeal().GetState() != certificationv1.AppealState_APPEAL_STATE_FILED ||
		filed.GetAppeal().GetDeadline() != civildate.Of(time.Now()).AddMonths(2).String() {
		t.Errorf("appeal filed = %v", filed.GetAppeal())
	}
	// The decision stays in force while the appeal is examined (R60).
	if v := verify(); v.GetValid() || v.GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN {
		t.Errorf("verification while the appeal is examined = %v; want still WITHDRAWN", v)
	}
	// The holder reads the appeals on their decision.
	list := &certificationv1.ListAppealsResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/appeals?decision=withdrawals/"+withdrawalID, nil, list); err != nil ||
		len(list.GetAppeals()) != 1 || list.GetAppeals()[0].GetId() != id {
		t.Errorf("the holder's appeals = %v, %v", list, err)
	}

	decide := map[string]any{"outcome": "APPEAL_OUTCOME_REFORMED",
		"motivation": "La substitution d'identité n'est pas établie : la décision de retrait est annulée."}
	if r := s.call(t, "POST", "/v1/appeals/"+id+":decide", holder, decide); r.status != 403 {
		t.Errorf("the holder deciding = HTTP %d; want 403", r.status)
	}
	r = s.call(t, "POST", "/v1/appeals/"+id+":decide", officer, decide)
	if r.status != 200 {
		t.Fatalf("decide = HTTP %d: %s", r.status, r.body)
	}
	decided := &certificationv1.DecideAppealResponse{}
	decode(t, r.body, decided)
	if a := decided.GetAppeal(); a.GetOutcome() != certificationv1.AppealOutcome_APPEAL_OUTCOME_REFORMED ||
		len(a.GetRestoredCertificateNumbers()) != 1 || a.GetRestoredCertificateNumbers()[0] != res.certificate {
		t.Errorf("appeal decided = %v", a)
	}
	if r := s.call(t, "POST", "/v1/appeals/"+id+":decide", officer, decide); errorReason(t, r.body) != "APPEAL_ALREADY_DECIDED" {
		t.Errorf("deciding again = HTTP %d %s", r.status, r.body)
	}
	if v := verify(); !v.GetValid() || v.GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_ISSUED {
		t.Errorf("verification after the reform = %v; want valid, ISSUED", v)
	}
	if r := s.call(t, "GET", "/v1/certificates/"+res.certificate+"/parchment", holder, nil); r.status != 200 {
		t.Errorf("parchment after the reform = HTTP %d", r.status)
	}
	checkCredentials("after the reform", false)
	want := map[string]int{"AppealFiled": 1, "AppealDecided": 1}
	if counts := ministry.drain(want); !equalCounts(counts, want) {
		t.Fatalf("ministry stream after the appeal = %v; want %v", counts, want)
	}
	last := &certificationv1.AppealDecided{}
	if err := proto.Unmarshal(ministry.got[len(ministry.got)-1].Data(), last); err != nil {
		t.Fatal(err)
	}
	if last.GetAppealId() != id || len(last.GetRestoredCertificateNumbers()) != 1 {
		t.Errorf("AppealDecided = %v", last)
	}

	// The command line: `titrepro withdraw` as the officer.
	cli := func(args ...string) (string, error) {
		var b strings.Builder
		err := withdraw(ctx, cfg, append(args, "--token", officer, "--url", s.base), &b)
		return b.String(), err
	}
	if _, err := cli(res.certificate, "--reference", "Arrêté 2026-077"); err == nil || !strings.Contains(err.Error(), "motivation") {
		t.Errorf("withdraw without motivation = %v; want a refusal naming the motivation", err)
	}
	out, err := cli(strings.ToLower(res.certificate), "--motivation", motivation, "--reference", "Arrêté 2026-077")
	if err != nil || !strings.Contains(out, "withdrawn "+res.certificate) {
		t.Fatalf("titrepro withdraw = %q, %v", out, err)
	}
	if v := verify(); v.GetValid() || v.GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN {
		t.Errorf("verification after the command = %v; want WITHDRAWN", v)
	}
}

// decode reads a REST answer.
func decode(t *testing.T, body []byte, m proto.Message) {
	t.Helper()
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(body, m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// civilDateFR is the web's "2 mai 2026" of a date.
func civilDateFR(t *testing.T, s string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	day := d.Format("2")
	if day == "1" {
		day = "1er"
	}
	return day + " " + months[d.Month()-1] + " " + d.Format("2006")
}

// backdateWithdrawal moves a withdrawal decision's date back, as if it had
// been taken months ago: the time limits of R61 cannot be waited for.
func backdateWithdrawal(t *testing.T, dataDir, id, day string) {
	t.Helper()
	db, err := sqldb.Open(context.Background(), "sqlite://"+filepath.Join(dataDir, "certification.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out, err := db.ExecContext(context.Background(), `UPDATE certificate_withdrawals SET decided_on = $1 WHERE id = $2`, day, id)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := out.RowsAffected(); err != nil || n != 1 {
		t.Fatalf("backdate withdrawal %s: %d rows, %v", id, n, err)
	}
}
