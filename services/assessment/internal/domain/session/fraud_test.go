package session_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var jurorReporter = fraud.Reporter{Role: fraud.ReporterJuror, Subject: "j1", Name: "Juror j1"}

func report(candidacyID string) fraud.Input {
	return fraud.Input{CandidacyID: candidacyID, Facts: "Usage d'un téléphone pendant la mise en situation.",
		ObservedAt: now, Measure: fraud.MeasureExcluded}
}

func TestR57_FraudReportWindowAndFields(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", fraud.MaxFacts+1)
	cases := []struct {
		name   string
		state  func(t *testing.T) *session.Session
		in     fraud.Input
		reason string // "" accepted
		field  string
	}{
		{"in progress, on a candidacy", opened, report("cy-1"), "", ""},
		{"deliberated, on the session", deliberated, fraud.Input{Facts: "Sujet diffusé.", ObservedAt: now}, "", ""},
		{"planned", func(t *testing.T) *session.Session { return newSession(t, draft()) }, report(""), "FRAUD_REPORT_OUTSIDE_SESSION", ""},
		{"closed: the minutes are signed (R59 then)", closed, report("cy-1"), "FRAUD_REPORT_OUTSIDE_SESSION", ""},
		{"facts missing", opened, fraud.Input{CandidacyID: "cy-1", Facts: "  ", ObservedAt: now}, "INVALID_ARGUMENT", "facts"},
		{"facts too long", opened, fraud.Input{Facts: long, ObservedAt: now}, "INVALID_ARGUMENT", "facts"},
		{"observed in the future", opened, fraud.Input{Facts: "x", ObservedAt: now.Add(time.Hour)}, "INVALID_ARGUMENT", "observe_time"},
		{"observed before the day the session was planned", opened, fraud.Input{Facts: "x", ObservedAt: now.Add(-48 * time.Hour)}, "INVALID_ARGUMENT", "observe_time"},
		{"observation time missing", opened, fraud.Input{Facts: "x"}, "INVALID_ARGUMENT", "observe_time"},
		{"exclusion without a candidacy", opened, fraud.Input{Facts: "x", ObservedAt: now, Measure: fraud.MeasureExcluded}, "INVALID_ARGUMENT", "measure"},
		{"unknown measure", opened, fraud.Input{Facts: "x", ObservedAt: now, Measure: "FINE"}, "INVALID_ARGUMENT", "measure"},
		{"unknown candidacy", opened, report("cy-404"), "CANDIDACY_NOT_FOUND", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tc.state(t)
			s.PullEvents()
			r, err := s.ReportFraud("fr-1", tc.in, jurorReporter, now)
			if tc.reason == "" {
				if err != nil {
					t.Fatalf("ReportFraud() = %v", err)
				}
				if r.SessionID != "s-1" || r.Reporter != jurorReporter || len(s.FraudReports()) != 1 {
					t.Fatalf("report %+v, reports %d", r, len(s.FraudReports()))
				}
				if tc.in.CandidacyID != "" && r.CandidateID != "cand-1" {
					t.Fatalf("candidate %q; want cand-1", r.CandidateID)
				}
				ev := s.PullEvents()
				if len(ev) != 1 {
					t.Fatalf("events %v; want one FraudReported", ev)
				}
				if _, ok := ev[0].(session.FraudReported); !ok {
					t.Fatalf("event %T; want FraudReported", ev[0])
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || (ae.Reason != tc.reason && ae.Kind.String() != tc.reason) {
				t.Fatalf("ReportFraud() = %v; want %s", err, tc.reason)
			}
			if tc.field != "" && (len(ae.Violations) == 0 || ae.Violations[0].Field != tc.field) {
				t.Fatalf("violations %+v; want %s", ae.Violations, tc.field)
			}
			if len(s.FraudReports()) != 0 || len(s.PullEvents()) != 0 {
				t.Fatal("a refused report was recorded")
			}
		})
	}
}

func TestR57_FraudReportsAreBoundedPerSession(t *testing.T) {
	t.Parallel()
	s := opened(t)
	for i := range fraud.MaxPerSession {
		if _, err := s.ReportFraud("fr-"+string(rune('a'+i%26))+string(rune('a'+i/26)), fraud.Input{Facts: "x", ObservedAt: now}, jurorReporter, now); err != nil {
			t.Fatalf("report %d: %v", i, err)
		}
	}
	if _, err := s.ReportFraud("fr-last", fraud.Input{Facts: "x", ObservedAt: now}, jurorReporter, now); !errors.Is(err, fraud.ErrTooMany) {
		t.Fatalf("report beyond the maximum = %v; want ErrTooMany", err)
	}
}

func TestR57_MinutesMentionEveryFraudReport(t *testing.T) {
	t.Parallel()
	s := deliberated(t)
	before := mustMinutes(t, s)
	if len(before.Content.FraudReports) != 0 || before.Encoding != minutes.EncodingV2 {
		t.Fatalf("minutes without report: %d mentions, encoding %q", len(before.Content.FraudReports), before.Encoding)
	}
	if _, err := s.ReportFraud("fr-1", report("cy-1"), jurorReporter, now); err != nil {
		t.Fatal(err)
	}
	after := mustMinutes(t, s)
	if after.Encoding != minutes.EncodingV4 || after.Hash == before.Hash {
		t.Fatalf("minutes with a report: encoding %q, hash changed %v", after.Encoding, after.Hash != before.Hash)
	}
	want := minutes.FraudMention{ReportID: "fr-1", CandidacyID: "cy-1", CandidateID: "cand-1",
		ObservedAt: now.Format(time.RFC3339), ReporterRole: "JUROR", ReporterName: "Juror j1", Measure: "EXCLUDED_FROM_EPREUVE"}
	if len(after.Content.FraudReports) != 1 || after.Content.FraudReports[0] != want {
		t.Fatalf("mentions %+v; want %+v", after.Content.FraudReports, want)
	}
}

func TestR57_MinutesCannotBeSignedWithoutTheirFraudReports(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name       string
		signFirst  bool // j1 signs the minutes before the report
		signerHash func(before, after minutes.Minutes) string
		want       error
	}{
		{"the minutes read before the report", false, func(b, _ minutes.Minutes) string { return b.Hash }, fraud.ErrNotInMinutes},
		{"the minutes read before the report, after a signature", true, func(b, _ minutes.Minutes) string { return b.Hash }, fraud.ErrNotInMinutes},
		{"a hash of nothing", false, func(_, _ minutes.Minutes) string { return "0000" }, minutes.ErrChanged},
		{"the minutes drawn up again", false, func(_, a minutes.Minutes) string { return a.Hash }, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := deliberated(t)
			before := mustMinutes(t, s)
			if tc.signFirst {
				if _, err := s.Sign("j1", before.Hash, hasher{}, now); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.ReportFraud("fr-1", report("cy-1"), jurorReporter, now); err != nil {
				t.Fatal(err)
			}
			after := mustMinutes(t, s)
			if len(after.Signatures) != 0 || len(after.Unsigned) != 2 {
				t.Fatalf("after the report: signatures %v, unsigned %v; every juror signs again", after.Signatures, after.Unsigned)
			}
			_, err := s.Sign("j2", tc.signerHash(before, after), hasher{}, now)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Sign() = %v", err)
				}
				if _, err := s.Sign("j1", after.Hash, hasher{}, now); err != nil || s.State() != session.StateClosed {
					t.Fatalf("last signature = %v, state %s", err, s.State())
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("Sign() = %v; want %v", err, tc.want)
			}
		})
	}
}
