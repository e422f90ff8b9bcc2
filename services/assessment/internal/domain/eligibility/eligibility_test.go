package eligibility_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func date(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func trainee() candidate.Candidate {
	return candidate.Candidate{ID: "cand-1", AccessRoute: candidate.RouteTraining, TrainingOrganisation: "AFPA Lyon",
		TrainingTitleID: "TP-00495", TrainingStart: "2025-09-01", Version: 1}
}

func vae() candidate.Candidate {
	return candidate.Candidate{ID: "cand-2", AccessRoute: candidate.RouteVAE, VAEDecisionDate: "2026-01-10", Version: 1}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	titre := func(start string) eligibility.Target {
		return eligibility.Target{SessionID: "target", Type: title.SessionTitre, TitleID: "TP-00495", Start: date(t, start),
			Scope: []string{"CCP1", "CCP2", "CCP3"}}
	}
	ccp := func(start string, scope ...string) eligibility.Target {
		return eligibility.Target{SessionID: "target", Type: title.SessionCCP, TitleID: "TP-00495", Start: date(t, start), Scope: scope}
	}
	// attempt is an earlier session titre of TP-00495, closed with outcome.
	attempt := func(id, start, end string, outcome deliberation.TitleOutcome, obtained ...string) eligibility.Attempt {
		return eligibility.Attempt{SessionID: id, Type: title.SessionTitre, TitleID: "TP-00495", Start: date(t, start), End: date(t, end),
			Closed: true, Outcome: outcome, Obtained: obtained}
	}
	with := func(c candidate.Candidate, f func(*candidate.Candidate)) candidate.Candidate { f(&c); return c }
	tests := []struct {
		name     string
		person   candidate.Candidate
		target   eligibility.Target
		history  []eligibility.Attempt
		wantRule string // "" : eligible
		reason   string
	}{
		{name: "R24: a trainee for the title sits its session titre", person: trainee(), target: titre("2026-06-01")},
		{name: "R24: a training enrolment that names no title is refused",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingTitleID = "" }), target: titre("2026-06-01"),
			wantRule: "R24", reason: "TRAINING_NOT_FOR_TITLE"},
		{name: "R24: a training for another title is refused",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingTitleID = "TP-01281" }), target: titre("2026-06-01"),
			wantRule: "R24", reason: "TRAINING_NOT_FOR_TITLE"},
		{name: "R24: a training covering some CCPs only does not open the session titre",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingCCPs = []string{"CCP1"} }), target: titre("2026-06-01"),
			wantRule: "R24", reason: "TRAINING_NOT_FOR_TITLE"},
		{name: "R24: an apprentice follows the training rule too",
			person: with(trainee(), func(c *candidate.Candidate) { c.AccessRoute = candidate.RouteApprenticeship; c.TrainingTitleID = "" }),
			target: titre("2026-06-01"), wantRule: "R24", reason: "TRAINING_NOT_FOR_TITLE"},
		{name: "R24: a VAE candidate has no training to check", person: vae(), target: titre("2026-06-01")},
		{name: "R28: a trainee whose training covers the CCPs sits a CCP session",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingCCPs = []string{"CCP2", "CCP3"} }),
			target: ccp("2026-06-01", "CCP3")},
		{name: "R28: a training not covering the CCP is refused without an earlier partial success",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingCCPs = []string{"CCP1"} }),
			target: ccp("2026-06-01", "CCP3"), wantRule: "R28", reason: "CCP_SESSION_NOT_ELIGIBLE"},
		{name: "R28: a VAE candidate without an earlier CCP is refused",
			person: vae(), target: ccp("2026-06-01", "CCP3"), wantRule: "R28", reason: "CCP_SESSION_NOT_ELIGIBLE"},
		{name: "R28: a partial success in a session titre opens the CCP session",
			person: vae(), target: ccp("2026-06-01", "CCP3"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Partial, "CCP1", "CCP2")}},
		{name: "R28: a partial success not yet signed does not count",
			person: vae(), target: ccp("2026-06-01", "CCP3"),
			history: []eligibility.Attempt{func() eligibility.Attempt {
				a := attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Partial, "CCP1")
				a.Closed = false
				return a
			}()},
			wantRule: "R28", reason: "CCP_SESSION_NOT_ELIGIBLE"},
		{name: "R28: CCPs of another title do not count",
			person: vae(), target: ccp("2026-06-01", "CCP3"),
			history: []eligibility.Attempt{func() eligibility.Attempt {
				a := attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Partial, "CCP1")
				a.TitleID = "TP-01281"
				return a
			}()},
			wantRule: "R28", reason: "CCP_SESSION_NOT_ELIGIBLE"},
		{name: "R31: within a year of a failure, a trainee sits again without new training",
			person: trainee(), target: titre("2027-01-15"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Failed)}},
		{name: "R31: more than a year after a partial success, the old training is not enough",
			person: trainee(), target: ccp("2027-03-01", "CCP3"),
			history:  []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Partial, "CCP1", "CCP2")},
			wantRule: "R31", reason: "NEW_TRAINING_REQUIRED"},
		{name: "R31: more than a year after, a training started after the last session opens it again",
			person: with(trainee(), func(c *candidate.Candidate) { c.TrainingStart = "2026-09-01" }), target: titre("2027-03-01"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Failed)}},
		{name: "R31: the last session decides, not an earlier one",
			person: trainee(), target: titre("2027-03-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2025-01-06", "2025-01-07", deliberation.Failed),
				attempt("s-1", "2026-06-01", "2026-06-02", deliberation.Failed),
			}},
		{name: "R31: a VAE candidate is not concerned",
			person: vae(), target: titre("2027-03-01"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Failed)}},
		{name: "R31: once the title is awarded, the re-sit window does not apply",
			person: trainee(), target: titre("2028-03-01"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Awarded, "CCP1", "CCP2", "CCP3")}},
		{name: "R33: an absent candidate registers again within the year",
			person: trainee(), target: titre("2026-09-01"),
			history: []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Absent)}},
		{name: "R33: an absence more than a year ago needs new training (R31)",
			person: trainee(), target: titre("2027-03-01"),
			history:  []eligibility.Attempt{attempt("s-0", "2026-02-02", "2026-02-03", deliberation.Absent)},
			wantRule: "R31", reason: "NEW_TRAINING_REQUIRED"},
		{name: "R32: a third session titre within twelve months is allowed",
			person: trainee(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2026-01-05", "2026-01-06", deliberation.Failed),
				attempt("s-1", "2026-05-04", "2026-05-05", deliberation.Failed),
			}},
		{name: "R32: a fourth session titre within twelve months is refused",
			person: trainee(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2026-01-05", "2026-01-06", deliberation.Failed),
				attempt("s-1", "2026-04-06", "2026-04-07", deliberation.Failed),
				attempt("s-2", "2026-07-06", "2026-07-07", deliberation.Failed),
			},
			wantRule: "R32", reason: "TOO_MANY_ATTEMPTS"},
		{name: "R32: a session still planned counts as an attempt",
			person: vae(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2026-01-05", "2026-01-06", deliberation.Failed),
				attempt("s-1", "2026-04-06", "2026-04-07", deliberation.Failed),
				{SessionID: "s-2", Type: title.SessionTitre, TitleID: "TP-00495", Start: date(t, "2026-11-02"), End: date(t, "2026-11-03")},
			},
			wantRule: "R32", reason: "TOO_MANY_ATTEMPTS"},
		{name: "R32: withdrawn candidacies and absences are not attempts",
			person: trainee(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2026-01-05", "2026-01-06", deliberation.Failed),
				attempt("s-1", "2026-04-06", "2026-04-07", deliberation.Absent),
				{SessionID: "s-2", Type: title.SessionTitre, TitleID: "TP-00495", Start: date(t, "2026-07-06"), End: date(t, "2026-07-07"), Withdrawn: true},
				attempt("s-3", "2026-08-03", "2026-08-04", deliberation.Failed),
			}},
		{name: "R32: attempts more than twelve months apart do not add up",
			person: trainee(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2025-09-01", "2025-09-02", deliberation.Failed),
				attempt("s-1", "2026-04-06", "2026-04-07", deliberation.Failed),
				attempt("s-2", "2026-07-06", "2026-07-07", deliberation.Failed),
			}},
		{name: "R32: CCP sessions are not session-titre attempts",
			person: trainee(), target: titre("2026-10-01"),
			history: []eligibility.Attempt{
				attempt("s-0", "2026-01-05", "2026-01-06", deliberation.Failed),
				attempt("s-1", "2026-04-06", "2026-04-07", deliberation.Failed),
				{SessionID: "s-2", Type: title.SessionCCP, TitleID: "TP-00495", Start: date(t, "2026-07-06"), End: date(t, "2026-07-07")},
			}},
		{name: "the target session's own candidacy is not an earlier attempt",
			person: vae(), target: ccp("2026-06-01", "CCP3"),
			history: []eligibility.Attempt{func() eligibility.Attempt {
				a := attempt("target", "2026-06-01", "2026-06-02", deliberation.Partial, "CCP1")
				a.Type = title.SessionCCP
				return a
			}()},
			wantRule: "R28", reason: "CCP_SESSION_NOT_ELIGIBLE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := eligibility.Check(tt.person, tt.target, tt.history)
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("Check() = %v; want eligible", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Rule != tt.wantRule || ae.Reason != tt.reason || ae.Kind != apperr.KindFailedPrecondition {
				t.Fatalf("Check() = %v; want %s (%s)", err, tt.reason, tt.wantRule)
			}
		})
	}
}
