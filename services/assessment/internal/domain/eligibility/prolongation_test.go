package eligibility_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TestCheckProlongation: TP-00495 version 2019 ended on 2026-06-30; its
// délai de prolongation runs to 2027-06-30. A session held in it is only
// for candidates who failed or partially succeeded earlier on the title,
// or were already in training for it (R6), through Check (registration,
// transfer) and CheckProlongation (dates moved into the délai).
func TestCheckProlongation(t *testing.T) {
	t.Parallel()
	validity := title.Validity{From: date(t, "2019-01-01"), To: date(t, "2026-06-30")}
	session := func(typ title.SessionType, start, end string, scope ...string) eligibility.Target {
		return eligibility.Target{SessionID: "target", Type: typ, TitleID: "TP-00495", Start: date(t, start), End: date(t, end),
			Validity: validity, Scope: scope}
	}
	inDelai := session(title.SessionTitre, "2026-10-05", "2026-10-06", "CCP1", "CCP2", "CCP3")
	earlier := func(outcome deliberation.TitleOutcome, obtained ...string) eligibility.Attempt {
		return eligibility.Attempt{SessionID: "s-0", Type: title.SessionTitre, TitleID: "TP-00495", Start: date(t, "2026-03-02"),
			End: date(t, "2026-03-03"), Closed: true, Outcome: outcome, Obtained: obtained}
	}
	with := func(c candidate.Candidate, f func(*candidate.Candidate)) candidate.Candidate { f(&c); return c }
	newcomer := with(trainee(), func(c *candidate.Candidate) { c.TrainingStart = "2026-09-01" })
	tests := []struct {
		name    string
		person  candidate.Candidate
		target  eligibility.Target
		history []eligibility.Attempt
		refused bool
	}{
		{name: "R6: in the délai, a candidate who failed an earlier session of the title is admitted",
			person: vae(), target: inDelai, history: []eligibility.Attempt{earlier(deliberation.Failed)}},
		{name: "R6: in the délai, a partial success at an earlier session is admitted",
			person: vae(), target: inDelai, history: []eligibility.Attempt{earlier(deliberation.Partial, "CCP1")}},
		{name: "R6: in the délai, a partial success opens a CCP session too",
			person: vae(), target: session(title.SessionCCP, "2026-10-05", "2026-10-05", "CCP3"),
			history: []eligibility.Attempt{earlier(deliberation.Partial, "CCP1", "CCP2")}},
		{name: "R6: in the délai, a trainee for the title since before the end of validity is admitted",
			person: trainee(), target: inDelai},
		{name: "R6: a training started on the last day of validity counts",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingStart = "2026-06-30" }), target: inDelai},
		{name: "R6: an apprentice for the title since before the end is admitted",
			person: with(trainee(), func(c *candidate.Candidate) { c.AccessRoute = candidate.RouteApprenticeship }), target: inDelai},
		{name: "R6: in the délai, a new VAE candidate is refused", person: vae(), target: inDelai, refused: true},
		{name: "R6: in the délai, a training started after the end of validity is refused",
			person: newcomer, target: inDelai, refused: true},
		{name: "R6: in the délai, a training without a start date does not show it began before the end",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingStart = "" }), target: inDelai, refused: true},
		{name: "R6: in the délai, a training for another title does not count",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingTitleID = "TP-01281" }), target: inDelai, refused: true},
		{name: "R6: a failure not yet signed does not count",
			person: vae(), target: inDelai, refused: true,
			history: []eligibility.Attempt{func() eligibility.Attempt { a := earlier(deliberation.Failed); a.Closed = false; return a }()}},
		{name: "R6: an absence is neither a failure nor a partial success",
			person: vae(), target: inDelai, history: []eligibility.Attempt{earlier(deliberation.Absent)}, refused: true},
		{name: "R6: a withdrawn candidacy does not count",
			person: vae(), target: inDelai, refused: true,
			history: []eligibility.Attempt{func() eligibility.Attempt { a := earlier(deliberation.Failed); a.Withdrawn = true; return a }()}},
		{name: "R6: a failure on another title does not count",
			person: vae(), target: inDelai, refused: true,
			history: []eligibility.Attempt{func() eligibility.Attempt { a := earlier(deliberation.Failed); a.TitleID = "TP-01281"; return a }()}},
		{name: "R6: a session ending on the last day of validity is not in the délai",
			person: vae(), target: session(title.SessionTitre, "2026-06-29", "2026-06-30", "CCP1", "CCP2", "CCP3")},
		{name: "R6: a session starting before the end but ending after it is in the délai",
			person: newcomer, target: session(title.SessionTitre, "2026-06-30", "2026-07-01", "CCP1", "CCP2", "CCP3"), refused: true},
		{name: "R6: a title version without an end of validity has no délai",
			person: vae(), target: func() eligibility.Target { x := inDelai; x.Validity = title.Validity{}; return x }()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for name, check := range map[string]func() error{
				"Check":             func() error { return eligibility.Check(tt.person, tt.target, tt.history) },
				"CheckProlongation": func() error { return eligibility.CheckProlongation(tt.person, tt.target, tt.history) },
			} {
				err := check()
				if !tt.refused {
					if err != nil {
						t.Fatalf("%s() = %v; want admitted", name, err)
					}
					continue
				}
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Rule != "R6" || ae.Reason != "PROLONGATION_NOT_ELIGIBLE" || ae.Kind != apperr.KindFailedPrecondition {
					t.Fatalf("%s() = %v; want PROLONGATION_NOT_ELIGIBLE (R6)", name, err)
				}
			}
		})
	}
}
