// Package eligibility decides whether a candidate may be registered to a
// session, given their record (the candidate projection) and their earlier
// candidacies (the assessment service's own sessions): who sits a session
// in a title's délai de prolongation (R6), the training-route rules R24 (training consistent with the title), R28 (who sits a CCP
// session), R31 (re-sitting after a year needs new training), R32 (three
// session-titre attempts a year) and R33 (an absent candidate may sit
// again, subject to R31). It is checked when the centre registers a
// candidate and when a candidacy is transferred.
//
// The earlier outcomes are those of sessions whose minutes every juror
// signed (CLOSED): decisions are final then, and they are the service's
// own record, available without waiting for another context. Attempts
// still pending (registered, not deliberated) count for R32 only.
package eligibility

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// MaxTitreAttempts is how many sessions titre a candidate may sit within
// twelve months (R32).
const MaxTitreAttempts = 3

// Target is the session a candidate is registered to.
type Target struct {
	SessionID string
	Type      title.SessionType
	TitleID   string
	Start     civildate.Date
	End       civildate.Date // the session's last day (R6)
	Validity  title.Validity // the title version's (R6)
	Scope     []string       // the resolved scope of the candidacy
}

// Attempt is one earlier candidacy of the candidate.
type Attempt struct {
	SessionID  string
	Type       title.SessionType
	TitleID    string
	Start, End civildate.Date
	Closed     bool // the minutes are signed: the outcome is final
	Withdrawn  bool // withdrawn or transferred: not an attempt
	Outcome    deliberation.TitleOutcome
	Obtained   []string // CCPs obtained, when deliberated
}

// History reads a candidate's candidacies.
type History interface {
	// Attempts returns every candidacy of the candidate, in any session.
	Attempts(ctx context.Context, candidateID string) ([]Attempt, error)
}

// Errors of eligibility, each naming its rule.
var (
	// ErrTrainingNotForTitle: a training-route candidate sits a session
	// titre only with a training enrolment for that title (R24).
	ErrTrainingNotForTitle = apperr.New(apperr.KindFailedPrecondition, "TRAINING_NOT_FOR_TITLE",
		"a candidate on the training route sits a session titre only with a training enrolment for that title").WithRule("R24")
	// ErrCCPSessionNotEligible: a CCP session is for a candidate who
	// obtained CCPs of the title earlier or who followed a training
	// consistent with those CCPs (R28).
	ErrCCPSessionNotEligible = apperr.New(apperr.KindFailedPrecondition, "CCP_SESSION_NOT_ELIGIBLE",
		"a CCP session is for a candidate in partial success on the title or trained for those CCPs").WithRule("R28")
	// ErrNewTrainingRequired: more than a year after a partial success,
	// failure or absence, a training-route candidate needs new training
	// (R31).
	ErrNewTrainingRequired = apperr.New(apperr.KindFailedPrecondition, "NEW_TRAINING_REQUIRED",
		"more than a year after the last session, a training-route candidate sits again only after a new training").WithRule("R31")
	// ErrTooManyAttempts: at most three sessions titre within twelve months
	// (R32).
	ErrTooManyAttempts = apperr.New(apperr.KindFailedPrecondition, "TOO_MANY_ATTEMPTS",
		"a candidate sits at most three sessions titre of a title within twelve months").WithRule("R32")
	// ErrProlongationNotEligible: a session held in the title's délai de
	// prolongation is only for candidates who failed or partially
	// succeeded at an earlier session of the title, or who were already in
	// training for it before its end of validity (R6).
	ErrProlongationNotEligible = apperr.New(apperr.KindFailedPrecondition, "PROLONGATION_NOT_ELIGIBLE",
		"a session in the title's délai de prolongation is only for candidates who failed or partially succeeded on the title, or already in training for it").WithRule("R6")
)

// Check returns nil when person may be registered to target given their
// earlier candidacies (the target session's own are ignored), else the
// first rule broken.
func Check(person candidate.Candidate, target Target, history []Attempt) error {
	history = slices.DeleteFunc(slices.Clone(history), func(a Attempt) bool { return a.SessionID == target.SessionID })
	if err := CheckProlongation(person, target, history); err != nil {
		return err
	}
	training := candidacy.TrainingRoute(person.AccessRoute)
	if training && target.Type == title.SessionTitre {
		if err := checkTraining(person, target); err != nil {
			return err
		}
	}
	if target.Type == title.SessionCCP {
		if err := checkCCPSession(person, target, history); err != nil {
			return err
		}
	}
	if training {
		if err := checkResit(person, target, history); err != nil {
			return err
		}
	}
	if target.Type == title.SessionTitre {
		return checkAttempts(target, history)
	}
	return nil
}

// CheckProlongation enforces R6 for the candidate: a target session that
// runs after its title version's end of validity (in the délai de
// prolongation; title.Validity.CheckSession keeps it within) is only for
// a candidate who failed or partially succeeded at an earlier session of
// the title whose minutes are signed, or who is on the training route
// with a training for the title that started no later than the last day
// of validity. Other sessions are not concerned. The target session's own
// candidacies in history are ignored.
func CheckProlongation(person candidate.Candidate, target Target, history []Attempt) error {
	if !target.Validity.InProlongation(target.End) {
		return nil
	}
	for _, a := range history {
		if a.SessionID != target.SessionID && a.Closed && !a.Withdrawn && a.TitleID == target.TitleID &&
			(a.Outcome == deliberation.Failed || a.Outcome == deliberation.Partial) {
			return nil
		}
	}
	end := target.Validity.To
	err := ErrProlongationNotEligible.WithMeta("candidate", person.ID).WithMeta("valid_to", end.String())
	if !candidacy.TrainingRoute(person.AccessRoute) {
		return err.WithMessage(fmt.Sprintf("the title version ended on %s and the session is held in its délai de prolongation: "+
			"the candidate has neither failed nor partially succeeded at an earlier session of %s, and is not on the training route", end, target.TitleID))
	}
	if person.TrainingTitleID != target.TitleID {
		return err.WithMessage(fmt.Sprintf("the title version ended on %s and the session is held in its délai de prolongation: "+
			"the candidate has neither failed nor partially succeeded at an earlier session of %s, and their training does not prepare it", end, target.TitleID))
	}
	start, perr := civildate.Parse(person.TrainingStart)
	switch {
	case perr != nil:
		return err.WithMessage(fmt.Sprintf("the title version ended on %s and the session is held in its délai de prolongation: "+
			"the candidate record must give the start of the training to show it began before that date", end))
	case start.After(end):
		return err.WithMessage(fmt.Sprintf("the title version ended on %s and the session is held in its délai de prolongation: "+
			"the candidate's training started on %s, after the end of validity", end, start))
	}
	return nil
}

// checkTraining enforces R24: the training prepares the session's title
// and, when it covers only some CCPs, every CCP of the scope.
func checkTraining(person candidate.Candidate, target Target) error {
	switch {
	case person.TrainingTitleID == "":
		return ErrTrainingNotForTitle.WithMessage("the candidate's training enrolment does not name the title it prepares: the candidate record must say it").
			WithMeta("candidate", person.ID)
	case person.TrainingTitleID != target.TitleID:
		return ErrTrainingNotForTitle.WithMessage("the candidate's training prepares "+person.TrainingTitleID+", not "+target.TitleID).
			WithMeta("candidate", person.ID).WithMeta("training_title", person.TrainingTitleID)
	}
	if missing := uncovered(person.TrainingCCPs, target.Scope); len(missing) > 0 {
		return ErrTrainingNotForTitle.WithMessage("the candidate's training does not cover "+strings.Join(missing, ", ")).
			WithMeta("candidate", person.ID).WithMeta("missing_ccps", strings.Join(missing, ","))
	}
	return nil
}

// checkCCPSession enforces R28: CCPs of the title obtained in an earlier
// session (partial success), or a training for the title covering the
// scope.
func checkCCPSession(person candidate.Candidate, target Target, history []Attempt) error {
	for _, a := range history {
		if a.Closed && !a.Withdrawn && a.TitleID == target.TitleID && len(a.Obtained) > 0 {
			return nil
		}
	}
	if candidacy.TrainingRoute(person.AccessRoute) && person.TrainingTitleID == target.TitleID &&
		len(uncovered(person.TrainingCCPs, target.Scope)) == 0 {
		return nil
	}
	msg := "the candidate has obtained no CCP of " + target.TitleID + " in an earlier session"
	if candidacy.TrainingRoute(person.AccessRoute) {
		msg += " and their training does not cover " + strings.Join(target.Scope, ", ") + " of that title"
	}
	return ErrCCPSessionNotEligible.WithMessage(msg).WithMeta("candidate", person.ID)
}

// checkResit enforces R31 (and R33 for an absence): when the last final
// outcome on the title is a partial success, a failure or an absence and
// the target starts more than a year after that session ended, the
// training must have started after it.
func checkResit(person candidate.Candidate, target Target, history []Attempt) error {
	var last *Attempt
	for i, a := range history {
		if !a.Closed || a.Withdrawn || a.Outcome == "" || a.TitleID != target.TitleID {
			continue
		}
		if last == nil || a.End.After(last.End) {
			last = &history[i]
		}
	}
	if last == nil || last.Outcome == deliberation.Awarded {
		return nil
	}
	until := last.End.AddYears(1)
	if !target.Start.After(until) {
		return nil
	}
	start, err := civildate.Parse(person.TrainingStart)
	if err == nil && start.After(last.End) {
		return nil
	}
	return ErrNewTrainingRequired.WithMessage(fmt.Sprintf("the last session (%s, ended %s) is more than a year before %s: "+
		"the candidate needs a training started after %s", strings.ToLower(string(last.Outcome)), last.End, target.Start, last.End)).
		WithMeta("candidate", person.ID).WithMeta("last_session", last.SessionID)
}

// checkAttempts enforces R32: no twelve-month window holding the target
// session holds more than three sessions titre of the title the candidate
// sits (withdrawn candidacies and absences are not attempts).
func checkAttempts(target Target, history []Attempt) error {
	dates := []civildate.Date{target.Start}
	for _, a := range history {
		if a.Type == title.SessionTitre && a.TitleID == target.TitleID && !a.Withdrawn && a.Outcome != deliberation.Absent {
			dates = append(dates, a.Start)
		}
	}
	for _, from := range dates {
		if from.After(target.Start) || !target.Start.Before(from.AddYears(1)) {
			continue // the window [from, from + 1 year) does not hold the target
		}
		n := 0
		for _, d := range dates {
			if !d.Before(from) && d.Before(from.AddYears(1)) {
				n++
			}
		}
		if n > MaxTitreAttempts {
			return ErrTooManyAttempts.WithMessage(fmt.Sprintf("the candidate would sit %d sessions titre of %s between %s and %s",
				n, target.TitleID, from, from.AddYears(1))).WithMeta("window_start", from.String())
		}
	}
	return nil
}

// uncovered returns the codes of scope a training covering ccps (empty:
// the whole title) does not cover.
func uncovered(ccps, scope []string) []string {
	if len(ccps) == 0 {
		return nil
	}
	var out []string
	for _, c := range scope {
		if !slices.Contains(ccps, c) {
			out = append(out, c)
		}
	}
	return out
}
