// Package appeal holds the appeals against the certification authority's
// decisions (R60) and their time limits (R61).
//
// An appeal is recorded by the ministry against one decision, named by its
// resource name:
//
//   - "results/{session_id}/candidates/{candidate_id}": a candidate's
//     result in a session whose minutes were validated (R51);
//   - "certificates/{number}": a certificate issued (R52);
//   - "withdrawals/{id}": a withdrawal decision (R59).
//
// The kinds are those of French administrative law: recours gracieux (to
// the author of the decision), hiérarchique (to their superior) and
// contentieux (before the administrative court; titrepro records that it
// was lodged and what the court decided).
//
// The decision appealed stays in force until reformed: filing an appeal
// changes nothing of the certificate or the withdrawal. An appeal is FILED,
// then DECIDED once, with an outcome and its motivation: UPHELD (the
// decision stands), REFORMED (annulled or reformed) or DISMISSED (not
// receivable). Reforming a withdrawal issues its certificates again;
// reforming a jury result goes through the correction of the validated
// minutes (R51: the jury deliberates again and signs a new version that
// the ministry validates), so the appeal only records the outcome.
//
// Time limit (R61): an appeal is filed at the latest on the day its
// deadline ends, a number of months (2 by default, configurable) after the
// notification of the decision, counted on civil dates (civildate.AddMonths:
// a day the last month lacks is its last day). A later appeal is refused
// with the deadline: titrepro records only the appeals that can still
// reform a decision; a late request is answered by the authority outside
// titrepro.
package appeal

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// DefaultDeadlineMonths is the time limit of an appeal when none is
// configured: two months from the notification of the decision (R61).
const DefaultDeadlineMonths = 2

// MaxDeadlineMonths bounds the configured time limit.
const MaxDeadlineMonths = 24

// Bounds of the texts, in characters.
const (
	MaxGrounds    = 4000
	MinMotivation = 20
	MaxMotivation = 4000
	MaxAppellant  = 200
	MaxDecision   = 200
)

// Kind is the kind of appeal.
type Kind string

// The kinds of appeal.
const (
	Gracieux     Kind = "GRACIEUX"
	Hierarchique Kind = "HIERARCHIQUE"
	Contentieux  Kind = "CONTENTIEUX"
)

// State is where an appeal stands.
type State string

// The states of an appeal.
const (
	Filed   State = "FILED"
	Decided State = "DECIDED"
)

// Outcome is what the authority (or the court) decided on the appeal.
type Outcome string

// The outcomes.
const (
	// Upheld: the decision appealed stands.
	Upheld Outcome = "UPHELD"
	// Reformed: the decision is annulled or reformed.
	Reformed Outcome = "REFORMED"
	// Dismissed: the appeal is not receivable.
	Dismissed Outcome = "DISMISSED"
)

// Target is the kind of decision appealed.
type Target string

// The decisions that can be appealed.
const (
	Result      Target = "RESULT"
	Certificate Target = "CERTIFICATE"
	Withdrawal  Target = "WITHDRAWAL"
)

// Ref is a decision named by its resource name, read by ParseRef.
type Ref struct {
	Target Target
	// ID is the certificate number, the withdrawal id, or the session id
	// of a result.
	ID string
	// CandidateID is the candidate of a result.
	CandidateID string
}

// String returns the resource name.
func (r Ref) String() string {
	switch r.Target {
	case Result:
		return "results/" + r.ID + "/candidates/" + r.CandidateID
	case Certificate:
		return "certificates/" + r.ID
	case Withdrawal:
		return "withdrawals/" + r.ID
	}
	return ""
}

// ParseRef reads a decision's resource name.
func ParseRef(s string) (Ref, error) {
	bad := apperr.Invalid(apperr.FieldViolation{Field: "decision",
		Description: "must be results/{session_id}/candidates/{candidate_id}, certificates/{number} or withdrawals/{id}"})
	if s == "" || utf8.RuneCountInString(s) > MaxDecision || strings.ContainsFunc(s, unicode.IsSpace) {
		return Ref{}, bad
	}
	parts := strings.Split(s, "/")
	for _, p := range parts {
		if p == "" {
			return Ref{}, bad
		}
	}
	switch {
	case len(parts) == 4 && parts[0] == "results" && parts[2] == "candidates":
		return Ref{Target: Result, ID: parts[1], CandidateID: parts[3]}, nil
	case len(parts) == 2 && parts[0] == "certificates":
		return Ref{Target: Certificate, ID: parts[1]}, nil
	case len(parts) == 2 && parts[0] == "withdrawals":
		return Ref{Target: Withdrawal, ID: parts[1]}, nil
	}
	return Ref{}, bad
}

// Decision is what the app knows of the decision appealed.
type Decision struct {
	Ref         Ref
	CandidateID string
	// Date is the date of the decision: the earliest it can have been
	// notified.
	Date civildate.Date
}

// Appeal is a recorded appeal.
type Appeal struct {
	ID          string
	Kind        Kind
	Decision    Ref
	CandidateID string
	Appellant   string // who appeals, as they sign (the holder, a lawyer)
	Grounds     string // the grounds given, summarised
	NotifiedOn  civildate.Date
	FiledOn     civildate.Date
	Deadline    civildate.Date
	FiledBy     string // subject of the officer who recorded it
	FiledAt     time.Time
	State       State
	Outcome     Outcome
	Motivation  string // of the outcome
	DecidedOn   civildate.Date
	DecidedBy   string
	DecidedAt   time.Time
	// RestoredCertificates and RestoredCcps are what a withdrawal
	// REFORMED put back in force.
	RestoredCertificates []string
	RestoredCcps         []string
}

// Filing is an appeal as the officer records it.
type Filing struct {
	Kind      Kind
	Decision  string
	Appellant string
	Grounds   string
	// NotifiedOn is when the decision was notified to the appellant;
	// empty: the date of the decision.
	NotifiedOn string
	// FiledOn is when the appeal was received; empty: today.
	FiledOn string
}

// Errors of the package.
var (
	// ErrLate: the appeal was filed after its deadline (R61).
	ErrLate = apperr.New(apperr.KindFailedPrecondition, "APPEAL_DEADLINE_PASSED",
		"the time limit for an appeal against this decision has passed").WithRule("R61")
	// ErrDecided: an appeal is decided once.
	ErrDecided = apperr.New(apperr.KindFailedPrecondition, "APPEAL_ALREADY_DECIDED",
		"this appeal is decided already").WithRule("R60")
	// ErrNotFound: no appeal has this id.
	ErrNotFound = apperr.New(apperr.KindNotFound, "APPEAL_NOT_FOUND", "no appeal has this id")
	// ErrDecisionNotFound: the decision appealed does not exist (or is not
	// a validated result).
	ErrDecisionNotFound = apperr.New(apperr.KindNotFound, "DECISION_NOT_FOUND",
		"no decision of the certification authority has this name (a result must be validated)").WithRule("R60")
	// ErrDenied: appeals and their outcomes are recorded by the ministry.
	ErrDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry records appeals and their outcomes (R60)")
	// ErrReadDenied: a candidate reads the appeals on their own decisions.
	ErrReadDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"you may only read the appeals against your own decisions")
)

// Deadline returns the last day an appeal against a decision notified on
// notified may be filed: months months later (R61).
func Deadline(notified civildate.Date, months int) civildate.Date {
	return notified.AddMonths(months)
}

// File checks f against the decision appealed, d, on today (the date in
// France), with a time limit of months months, and returns the appeal
// FILED (without its id).
func File(f Filing, d Decision, months int, today civildate.Date, by string, at time.Time) (Appeal, error) {
	var v apperr.Violations
	switch f.Kind {
	case Gracieux, Hierarchique, Contentieux:
	case "":
		v.Add("kind", "is required: GRACIEUX, HIERARCHIQUE or CONTENTIEUX")
	default:
		v.Add("kind", "must be GRACIEUX, HIERARCHIQUE or CONTENTIEUX")
	}
	appellant := strings.TrimSpace(f.Appellant)
	switch {
	case appellant == "":
		v.Add("appellant", "is required")
	case utf8.RuneCountInString(appellant) > MaxAppellant:
		v.Add("appellant", fmt.Sprintf("must be at most %d characters", MaxAppellant))
	case strings.ContainsFunc(appellant, unicode.IsControl):
		v.Add("appellant", "must be one line of text")
	}
	grounds := strings.TrimSpace(f.Grounds)
	switch {
	case grounds == "":
		v.Add("grounds", "is required")
	case utf8.RuneCountInString(grounds) > MaxGrounds:
		v.Add("grounds", fmt.Sprintf("must be at most %d characters", MaxGrounds))
	}
	notified := d.Date
	if f.NotifiedOn != "" {
		n, err := civildate.Parse(f.NotifiedOn)
		switch {
		case err != nil:
			v.Add("notified_on", "must be a date YYYY-MM-DD")
		case n.Before(d.Date):
			v.Add("notified_on", "must not be before the date of the decision ("+d.Date.String()+")")
		case n.After(today):
			v.Add("notified_on", "must not be in the future")
		default:
			notified = n
		}
	}
	filed := today
	if f.FiledOn != "" {
		n, err := civildate.Parse(f.FiledOn)
		switch {
		case err != nil:
			v.Add("filed_on", "must be a date YYYY-MM-DD")
		case n.After(today):
			v.Add("filed_on", "must not be in the future")
		case n.Before(notified):
			v.Add("filed_on", "must not be before the notification of the decision ("+notified.String()+")")
		default:
			filed = n
		}
	}
	if err := v.Err(); err != nil {
		return Appeal{}, err
	}
	deadline := Deadline(notified, months)
	if filed.After(deadline) {
		return Appeal{}, ErrLate.WithMessage(fmt.Sprintf(
			"the time limit for an appeal against this decision, notified on %s, ended on %s (%d months, R61); the appeal was filed on %s",
			notified, deadline, months, filed)).
			WithMeta("deadline", deadline.String()).WithMeta("notified_on", notified.String()).WithMeta("filed_on", filed.String())
	}
	return Appeal{
		Kind: f.Kind, Decision: d.Ref, CandidateID: d.CandidateID, Appellant: appellant, Grounds: grounds,
		NotifiedOn: notified, FiledOn: filed, Deadline: deadline, FiledBy: by, FiledAt: at, State: Filed,
	}, nil
}

// Decide records the outcome of a FILED appeal, with its motivation, the
// date of the decision on the appeal (not in the future, not before the
// filing), who recorded it and when.
func (a *Appeal) Decide(outcome Outcome, motivation, decidedOn string, today civildate.Date, by string, at time.Time) error {
	if a.State == Decided {
		return ErrDecided.WithMeta("appeal_id", a.ID).WithMeta("outcome", string(a.Outcome))
	}
	var v apperr.Violations
	switch outcome {
	case Upheld, Reformed, Dismissed:
	case "":
		v.Add("outcome", "is required: UPHELD, REFORMED or DISMISSED")
	default:
		v.Add("outcome", "must be UPHELD, REFORMED or DISMISSED")
	}
	motivation = strings.TrimSpace(motivation)
	switch n := utf8.RuneCountInString(motivation); {
	case n == 0:
		v.Add("motivation", "is required: the outcome of an appeal is motivated")
	case n < MinMotivation:
		v.Add("motivation", fmt.Sprintf("must be at least %d characters", MinMotivation))
	case n > MaxMotivation:
		v.Add("motivation", fmt.Sprintf("must be at most %d characters", MaxMotivation))
	}
	decided := today
	if decidedOn != "" {
		d, err := civildate.Parse(decidedOn)
		switch {
		case err != nil:
			v.Add("decided_on", "must be a date YYYY-MM-DD")
		case d.After(today):
			v.Add("decided_on", "must not be in the future")
		case d.Before(a.FiledOn):
			v.Add("decided_on", "must not be before the appeal was filed ("+a.FiledOn.String()+")")
		default:
			decided = d
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	a.State, a.Outcome, a.Motivation, a.DecidedOn, a.DecidedBy, a.DecidedAt = Decided, outcome, motivation, decided, by, at
	return nil
}

// Filter narrows a listing of appeals.
type Filter struct {
	// Decision: only the appeals against this decision (resource name).
	Decision string
	// CandidateIDs: only those on these people's decisions; nil: everyone's.
	CandidateIDs []string
	// State: only those in this state; empty: any.
	State State
}
