package withdrawal_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

const motivation = "Fraude établie : substitution d'identité lors de la mise en situation professionnelle."

func titre() certificate.Certificate {
	return certificate.Certificate{
		Number: "TP-2026-AAAA-AAAA-A", Kind: certificate.Titre, CandidateID: "cand-1",
		TitleCode: "TP-00495", TitleVersion: "2024", TitleLabel: "Développeur web", IssueDate: "2026-03-10",
		SessionID: "S2",
		Ccps: []certificate.Ccp{
			{Code: "CCP1", SessionID: "S1"},
			{Code: "CCP2", SessionID: "S2"},
		},
		Status: certificate.Issued,
	}
}

func day(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fieldsOf(err error) []string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return nil
	}
	var out []string
	for _, v := range ae.Violations {
		out = append(out, v.Field)
	}
	return out
}

func TestR59_WithdrawalIsAMotivatedDecisionOnACertificateInForce(t *testing.T) {
	t.Parallel()
	ok := withdrawal.Request{Number: "TP-2026-AAAA-AAAA-A", Motivation: motivation, Reference: "Arrêté DREETS-IDF 2026-042",
		DecidedOn: "2026-05-02"}
	tests := []struct {
		name   string
		change func(*withdrawal.Request, *certificate.Certificate)
		fields []string // field violations expected
		want   error    // or this error
	}{
		{name: "valid titre withdrawal", change: func(*withdrawal.Request, *certificate.Certificate) {}},
		{name: "valid CCP withdrawal", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.CcpCode = "CCP1" }},
		{name: "motivation required", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.Motivation = "   " },
			fields: []string{"motivation"}},
		{name: "motivation too short", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.Motivation = "Fraude." },
			fields: []string{"motivation"}},
		{name: "motivation too long", change: func(r *withdrawal.Request, _ *certificate.Certificate) {
			r.Motivation = strings.Repeat("é", withdrawal.MaxMotivation+1)
		}, fields: []string{"motivation"}},
		{name: "motivation of exactly the maximum", change: func(r *withdrawal.Request, _ *certificate.Certificate) {
			r.Motivation = strings.Repeat("é", withdrawal.MaxMotivation)
		}},
		{name: "reference required, date required", change: func(r *withdrawal.Request, _ *certificate.Certificate) {
			r.Reference, r.DecidedOn = "", ""
		}, fields: []string{"decision_reference", "decided_on"}},
		{name: "reference bounded and one line", change: func(r *withdrawal.Request, _ *certificate.Certificate) {
			r.Reference = "Arrêté\n42"
		}, fields: []string{"decision_reference"}},
		{name: "reference too long", change: func(r *withdrawal.Request, _ *certificate.Certificate) {
			r.Reference = strings.Repeat("x", withdrawal.MaxReference+1)
		}, fields: []string{"decision_reference"}},
		{name: "decision in the future", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.DecidedOn = "2026-05-03" },
			fields: []string{"decided_on"}},
		{name: "decision before the issue", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.DecidedOn = "2026-03-09" },
			fields: []string{"decided_on"}},
		{name: "malformed date", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.DecidedOn = "02/05/2026" },
			fields: []string{"decided_on"}},
		{name: "CCP not on the certificate", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.CcpCode = "CCP9" },
			fields: []string{"ccp_code"}},
		{name: "unknown reason", change: func(r *withdrawal.Request, _ *certificate.Certificate) { r.Reason = "DISLIKE" },
			fields: []string{"reason"}},
		{name: "withdrawn already", change: func(_ *withdrawal.Request, c *certificate.Certificate) { c.Status = certificate.Withdrawn },
			want: withdrawal.ErrAlreadyWithdrawn},
		{name: "revoked by a correction", change: func(_ *withdrawal.Request, c *certificate.Certificate) { c.Status = certificate.Revoked },
			want: withdrawal.ErrNotInForce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, c := ok, titre()
			tt.change(&req, &c)
			d, err := withdrawal.Decide(req, c, day(t, "2026-05-02"), "officer-1")
			switch {
			case tt.fields != nil:
				if got := fieldsOf(err); strings.Join(got, ",") != strings.Join(tt.fields, ",") {
					t.Fatalf("fields = %v (%v); want %v", got, err, tt.fields)
				}
				if apperr.KindOf(err) != apperr.KindInvalidArgument {
					t.Errorf("kind = %v; want INVALID_ARGUMENT", apperr.KindOf(err))
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) || apperr.KindOf(err) != apperr.KindFailedPrecondition {
					t.Fatalf("err = %v; want %v (FAILED_PRECONDITION)", err, tt.want)
				}
			case err != nil:
				t.Fatalf("Decide: %v", err)
			default:
				if d.Reason != withdrawal.Fraud || d.DecidedBy != "officer-1" || d.CandidateID != "cand-1" ||
					d.DecidedOn.String() != "2026-05-02" || d.Motivation != strings.TrimSpace(req.Motivation) {
					t.Errorf("decision = %+v", d)
				}
				if req.CcpCode == "CCP1" && d.CcpSessionID != "S1" {
					t.Errorf("CcpSessionID = %q; want S1, the session the CCP was obtained at", d.CcpSessionID)
				}
			}
		})
	}
}

func TestR59_WithdrawingACcpWithdrawsEveryCertificatePrintingIt(t *testing.T) {
	t.Parallel()
	tt := titre()
	livret1 := certificate.Certificate{Number: "TP-2025-BBBB-BBBB-B", Kind: certificate.Livret, CandidateID: "cand-1",
		TitleCode: "TP-00495", TitleVersion: "2024", Status: certificate.Issued,
		Ccps: []certificate.Ccp{{Code: "CCP1", SessionID: "S1"}}}
	otherVersion := livret1
	otherVersion.Number, otherVersion.TitleVersion = "TP-2025-CCCC-CCCC-C", "2019"
	revoked := livret1
	revoked.Number, revoked.Status = "TP-2025-DDDD-DDDD-D", certificate.Revoked
	otherSession := livret1
	otherSession.Number, otherSession.Ccps = "TP-2025-EEEE-EEEE-E", []certificate.Ccp{{Code: "CCP1", SessionID: "S0"}}
	someoneElse := livret1
	someoneElse.Number, someoneElse.CandidateID = "TP-2025-FFFF-FFFF-F", "cand-2"
	held := []certificate.Certificate{tt, livret1, otherVersion, revoked, otherSession, someoneElse}
	decide := func(ccp, number string) []certificate.Number {
		c := tt
		if number == string(livret1.Number) {
			c = livret1
		}
		d, err := withdrawal.Decide(withdrawal.Request{Number: number, CcpCode: ccp, Motivation: motivation,
			Reference: "A-1", DecidedOn: "2026-05-02"}, c, day(t, "2026-05-02"), "officer")
		if err != nil {
			t.Fatal(err)
		}
		return withdrawal.Scope(d, held)
	}
	tests := []struct {
		name, number, ccp string
		want              []certificate.Number
	}{
		{"the titre alone", string(tt.Number), "", []certificate.Number{tt.Number}},
		{"CCP2, printed by the titre only", string(tt.Number), "CCP2", []certificate.Number{tt.Number}},
		{"CCP1 named on the titre: the livret of its session too", string(tt.Number), "CCP1",
			[]certificate.Number{livret1.Number, tt.Number}},
		{"CCP1 named on the livret: the titre too", string(livret1.Number), "CCP1",
			[]certificate.Number{livret1.Number, tt.Number}},
		{"the livret alone", string(livret1.Number), "", []certificate.Number{livret1.Number}},
	}
	for _, c := range tests {
		got := decide(c.ccp, c.number)
		if strings.Join(numbers(got), ",") != strings.Join(numbers(c.want), ",") {
			t.Errorf("%s: Scope = %v; want %v", c.name, got, c.want)
		}
	}
}

func numbers(ns []certificate.Number) []string {
	out := make([]string, 0, len(ns))
	for _, n := range ns {
		out = append(out, string(n))
	}
	return out
}

func TestR59_ADecisionIsReformedOnce(t *testing.T) {
	t.Parallel()
	d := withdrawal.Decision{ID: "w-1"}
	if !d.Stands() {
		t.Fatal("a new decision does not stand")
	}
	at := time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)
	if err := d.Restore("appeal-1", at); err != nil {
		t.Fatal(err)
	}
	if d.Stands() || d.RestoredBy != "appeal-1" || !d.RestoredAt.Equal(at) {
		t.Errorf("after Restore: %+v", d)
	}
	if err := d.Restore("appeal-2", at); !errors.Is(err, withdrawal.ErrAlreadyRestored) {
		t.Errorf("second Restore: %v; want ErrAlreadyRestored", err)
	}
}
