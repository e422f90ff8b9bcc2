package appeal_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
)

func day(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func fieldsOf(err error) string {
	var ae *apperr.Error
	if !errors.As(err, &ae) {
		return ""
	}
	var out []string
	for _, v := range ae.Violations {
		out = append(out, v.Field)
	}
	return strings.Join(out, ",")
}

var at = time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)

func TestR60_DecisionsAreNamedByTheirResourceName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want appeal.Ref
		bad  bool
	}{
		{in: "results/S-1/candidates/C-1", want: appeal.Ref{Target: appeal.Result, ID: "S-1", CandidateID: "C-1"}},
		{in: "certificates/TP-2026-AAAA-AAAA-A", want: appeal.Ref{Target: appeal.Certificate, ID: "TP-2026-AAAA-AAAA-A"}},
		{in: "withdrawals/w-1", want: appeal.Ref{Target: appeal.Withdrawal, ID: "w-1"}},
		{in: "", bad: true},
		{in: "results/S-1", bad: true},
		{in: "results//candidates/C-1", bad: true},
		{in: "certificates/TP 1", bad: true},
		{in: "titles/TP-00495", bad: true},
		{in: "withdrawals/" + strings.Repeat("x", appeal.MaxDecision), bad: true},
	}
	for _, tt := range tests {
		got, err := appeal.ParseRef(tt.in)
		if tt.bad {
			if fieldsOf(err) != "decision" {
				t.Errorf("ParseRef(%q) = %v, %v; want a violation of decision", tt.in, got, err)
			}
			continue
		}
		if err != nil || got != tt.want || got.String() != tt.in {
			t.Errorf("ParseRef(%q) = %+v (%q), %v; want %+v", tt.in, got, got.String(), err, tt.want)
		}
	}
}

func TestR61_AppealDeadlineIsMonthsAfterNotificationOnCivilDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		notified string
		months   int
		want     string
	}{
		{"2026-03-15", 2, "2026-05-15"},
		{"2025-12-31", 2, "2026-02-28"}, // no 31 February: the month's last day
		{"2027-12-31", 2, "2028-02-29"}, // leap year
		{"2026-11-20", 2, "2027-01-20"}, // across the year
		{"2026-03-15", 4, "2026-07-15"}, // configured longer
	}
	for _, tt := range tests {
		if got := appeal.Deadline(day(t, tt.notified), tt.months).String(); got != tt.want {
			t.Errorf("Deadline(%s, %d) = %s; want %s", tt.notified, tt.months, got, tt.want)
		}
	}
}

func TestR61_AppealAfterTheDeadlineIsRefusedWithTheDeadline(t *testing.T) {
	t.Parallel()
	d := appeal.Decision{Ref: appeal.Ref{Target: appeal.Withdrawal, ID: "w-1"}, CandidateID: "C-1", Date: day(t, "2025-12-31")}
	tests := []struct {
		name             string
		notified, filed  string
		today            string
		months           int
		late             bool
		deadline, fields string
	}{
		{name: "filed on the last day", filed: "2026-02-28", today: "2026-03-10", months: 2, deadline: "2026-02-28"},
		{name: "filed the day after", filed: "2026-03-01", today: "2026-03-10", months: 2, late: true, deadline: "2026-02-28"},
		{name: "filed today, within", today: "2026-01-15", months: 2, deadline: "2026-02-28"},
		{name: "notified later: the deadline runs from the notification", notified: "2026-01-10", filed: "2026-03-05",
			today: "2026-03-10", months: 2, deadline: "2026-03-10"},
		{name: "longer time limit configured", filed: "2026-03-20", today: "2026-03-20", months: 3, deadline: "2026-03-31"},
		{name: "filed before the notification", notified: "2026-01-10", filed: "2026-01-05", today: "2026-03-10", months: 2,
			fields: "filed_on"},
		{name: "notified before the decision", notified: "2025-12-01", today: "2026-01-10", months: 2, fields: "notified_on"},
		{name: "filed in the future", filed: "2026-01-11", today: "2026-01-10", months: 2, fields: "filed_on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, err := appeal.File(appeal.Filing{Kind: appeal.Gracieux, Decision: d.Ref.String(), Appellant: "Camille Martin",
				Grounds: "Je conteste la fraude.", NotifiedOn: tt.notified, FiledOn: tt.filed},
				d, tt.months, day(t, tt.today), "officer", at)
			switch {
			case tt.fields != "":
				if fieldsOf(err) != tt.fields {
					t.Fatalf("err = %v; want a violation of %s", err, tt.fields)
				}
			case tt.late:
				var ae *apperr.Error
				if !errors.Is(err, appeal.ErrLate) || !errors.As(err, &ae) || ae.Meta["deadline"] != tt.deadline ||
					ae.Kind != apperr.KindFailedPrecondition || !strings.Contains(ae.Message, tt.deadline) {
					t.Fatalf("err = %#v; want ErrLate with deadline %s", err, tt.deadline)
				}
			case err != nil:
				t.Fatalf("File: %v", err)
			default:
				if a.Deadline.String() != tt.deadline || a.State != appeal.Filed || a.CandidateID != "C-1" {
					t.Errorf("appeal = %+v; want FILED with deadline %s", a, tt.deadline)
				}
			}
		})
	}
}

func TestR60_AnAppealIsRecordedWithItsKindAndGrounds(t *testing.T) {
	t.Parallel()
	d := appeal.Decision{Ref: appeal.Ref{Target: appeal.Certificate, ID: "TP-2026-AAAA-AAAA-A"}, Date: day(t, "2026-05-01")}
	tests := []struct {
		name   string
		f      appeal.Filing
		fields string
	}{
		{name: "gracieux", f: appeal.Filing{Kind: appeal.Gracieux, Appellant: "C. Martin", Grounds: "Erreur."}},
		{name: "hiérarchique", f: appeal.Filing{Kind: appeal.Hierarchique, Appellant: "C. Martin", Grounds: "Erreur."}},
		{name: "contentieux", f: appeal.Filing{Kind: appeal.Contentieux, Appellant: "Me Durand", Grounds: "Requête au TA."}},
		{name: "everything missing", f: appeal.Filing{}, fields: "kind,appellant,grounds"},
		{name: "unknown kind", f: appeal.Filing{Kind: "AMIABLE", Appellant: "x", Grounds: "y"}, fields: "kind"},
		{name: "grounds too long", f: appeal.Filing{Kind: appeal.Gracieux, Appellant: "x",
			Grounds: strings.Repeat("a", appeal.MaxGrounds+1)}, fields: "grounds"},
		{name: "appellant on two lines", f: appeal.Filing{Kind: appeal.Gracieux, Appellant: "x\ny", Grounds: "y"},
			fields: "appellant"},
	}
	for _, tt := range tests {
		a, err := appeal.File(tt.f, d, 2, day(t, "2026-05-10"), "officer", at)
		if tt.fields != "" {
			if fieldsOf(err) != tt.fields {
				t.Errorf("%s: err = %v; want violations of %s", tt.name, err, tt.fields)
			}
			continue
		}
		if err != nil || a.Kind != tt.f.Kind || a.FiledOn.String() != "2026-05-10" || a.NotifiedOn.String() != "2026-05-01" {
			t.Errorf("%s: %+v, %v", tt.name, a, err)
		}
	}
}

func TestR60_AnAppealIsDecidedOnceWithAMotivatedOutcome(t *testing.T) {
	t.Parallel()
	filed := func() appeal.Appeal {
		return appeal.Appeal{ID: "a-1", State: appeal.Filed, FiledOn: day(t, "2026-05-10")}
	}
	const why = "La substitution d'identité n'est pas établie."
	tests := []struct {
		name      string
		outcome   appeal.Outcome
		why, on   string
		fields    string
		decidedOn string
	}{
		{name: "upheld", outcome: appeal.Upheld, why: why, decidedOn: "2026-06-01"},
		{name: "reformed on a given date", outcome: appeal.Reformed, why: why, on: "2026-05-20", decidedOn: "2026-05-20"},
		{name: "dismissed", outcome: appeal.Dismissed, why: why, decidedOn: "2026-06-01"},
		{name: "no outcome, no motivation", fields: "outcome,motivation"},
		{name: "short motivation", outcome: appeal.Upheld, why: "Non.", fields: "motivation"},
		{name: "unknown outcome", outcome: "MAYBE", why: why, fields: "outcome"},
		{name: "decided before filing", outcome: appeal.Upheld, why: why, on: "2026-05-09", fields: "decided_on"},
		{name: "decided in the future", outcome: appeal.Upheld, why: why, on: "2026-06-02", fields: "decided_on"},
	}
	for _, tt := range tests {
		a := filed()
		err := a.Decide(tt.outcome, tt.why, tt.on, day(t, "2026-06-01"), "officer-2", at)
		if tt.fields != "" {
			if fieldsOf(err) != tt.fields || a.State != appeal.Filed {
				t.Errorf("%s: err = %v, state %s; want violations of %s, still FILED", tt.name, err, a.State, tt.fields)
			}
			continue
		}
		if err != nil || a.State != appeal.Decided || a.Outcome != tt.outcome || a.DecidedOn.String() != tt.decidedOn ||
			a.DecidedBy != "officer-2" {
			t.Errorf("%s: %+v, %v", tt.name, a, err)
		}
		if err := a.Decide(appeal.Reformed, why, "", day(t, "2026-06-01"), "officer-3", at); !errors.Is(err, appeal.ErrDecided) ||
			a.Outcome != tt.outcome {
			t.Errorf("%s: deciding again: %v, outcome %s; want ErrDecided and the first outcome", tt.name, err, a.Outcome)
		}
	}
}
