package candidacy

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// What happens to a candidacy besides its registration, dossier and
// deliberation: it may be withdrawn or transferred before the
// deliberation, the candidate's attendance is recorded per épreuve on the
// day, disability adjustments are authorised before the session (R46) and
// the ECF results of a training-route candidate are recorded (R30). The
// session aggregate decides when each may change; this file holds the
// values and their own checks.

// Limits of the candidacy's record.
const (
	maxReason        = 500
	maxReference     = 100
	maxText          = 1000
	maxExtraMinutes  = 600
	maxEpreuveLength = 1440
	// MaxAttendanceMarks bounds the marks of one request.
	MaxAttendanceMarks = 10
	// MaxECFResults bounds the results of one request.
	MaxECFResults = 50
)

// Ref names a candidacy of a session.
type Ref struct {
	SessionID   string
	CandidacyID string
}

// Withdrawal is how a candidacy left its session before its deliberation.
type Withdrawal struct {
	By            string // subject
	ByCandidate   bool
	Reason        string
	At            time.Time
	TransferredTo *Ref // nil: withdrawn; else the candidacy it became
}

// Attendance is whether the candidate attended one épreuve.
type Attendance struct {
	Epreuve title.EpreuveKind // empty only when the title lists no épreuve
	Present bool
	By      string
	At      time.Time
}

// Adjustment is a disability adjustment of one épreuve (R46).
type Adjustment struct {
	Epreuve          title.EpreuveKind
	ExtraMinutes     int
	Arrangements     string
	AuthorisationRef string
	AuthorisedOn     civildate.Date
	EpreuveMinutes   int // the épreuve's duration the extension was checked against
	Exceptional      bool
	Justification    string
	By               string
	At               time.Time
}

// ECFResult is the result of the in-training assessments of one CCP (R30).
type ECFResult struct {
	CCPCode    string
	Obtained   bool
	AssessedOn civildate.Date
	Comment    string
	By         string
	At         time.Time
}

// Errors of the candidacy's record.
var (
	// ErrWithdrawn: the candidacy was withdrawn or transferred; nothing more
	// happens to it.
	ErrWithdrawn = apperr.New(apperr.KindFailedPrecondition, "CANDIDACY_WITHDRAWN",
		"the candidacy was withdrawn or transferred: it is no longer part of the session")
	// ErrDeliberated: the jury decided on the candidacy; it can no longer be
	// withdrawn, transferred or completed.
	ErrDeliberated = apperr.New(apperr.KindFailedPrecondition, "CANDIDACY_DELIBERATED",
		"the jury has deliberated on the candidacy: it can no longer be withdrawn, transferred or completed")
	// ErrAdjustmentTooLong: more than a third of extra time without an
	// exception (R46).
	ErrAdjustmentTooLong = apperr.New(apperr.KindFailedPrecondition, "ADJUSTMENT_EXCEEDS_A_THIRD",
		"extra time is at most a third of the épreuve's duration, unless authorised as an exception with a justification").WithRule("R46")
	// ErrAdjustmentNotAuthorisedBefore: the authorisation is dated on or
	// after the session's first day, or in the future (R46).
	ErrAdjustmentNotAuthorisedBefore = apperr.New(apperr.KindFailedPrecondition, "ADJUSTMENT_NOT_AUTHORISED_BEFORE",
		"a disability adjustment is authorised before the session").WithRule("R46")
	// ErrECFNotApplicable: ECF results belong to training-route candidates
	// (R30); a VAE candidate has none.
	ErrECFNotApplicable = apperr.New(apperr.KindFailedPrecondition, "ECF_NOT_APPLICABLE",
		"ECF results are recorded for candidates on the training or apprenticeship route only").WithRule("R30")
)

// TrainingRoute reports whether the candidate prepares the title by
// training or apprenticeship: they present ECF results (R30) and the
// training rules apply (R24, R31).
func TrainingRoute(r candidate.AccessRoute) bool {
	return r == candidate.RouteTraining || r == candidate.RouteApprenticeship
}

// Withdrawn reports whether the candidacy left its session.
func (c Candidacy) Withdrawn() bool { return c.Withdrawal != nil }

// Pending reports whether the candidacy still awaits its deliberation.
func (c Candidacy) Pending() bool { return !c.Withdrawn() && !c.Deliberated() }

// CheckChangeable returns nil when the candidacy may still be withdrawn,
// transferred or completed: neither withdrawn nor deliberated.
func (c Candidacy) CheckChangeable() error {
	switch {
	case c.Withdrawn():
		return ErrWithdrawn.WithMeta("candidacy", c.ID)
	case c.Deliberated():
		return ErrDeliberated.WithMeta("candidacy", c.ID)
	}
	return nil
}

// CheckReason bounds the reason of a withdrawal or transfer.
func CheckReason(reason string) error {
	if utf8.RuneCountInString(strings.TrimSpace(reason)) > maxReason {
		return apperr.Invalid(apperr.FieldViolation{Field: "reason", Description: fmt.Sprintf("at most %d characters", maxReason)})
	}
	return nil
}

// Withdraw records the withdrawal w.
func (c *Candidacy) Withdraw(w Withdrawal, now time.Time) {
	w.Reason = strings.TrimSpace(w.Reason)
	c.Withdrawal = &w
	c.touch(now)
}

// MarkAttendance records the marks, each replacing the earlier mark of
// its épreuve; epreuves are those of the session type (empty: the title
// lists none, and the one mark has no épreuve).
func (c *Candidacy) MarkAttendance(marks []Attendance, epreuves []title.EpreuveKind, by string, now time.Time) error {
	var v apperr.Violations
	switch {
	case len(marks) == 0:
		v.Add("attendance", "at least one mark")
	case len(marks) > MaxAttendanceMarks:
		v.Add("attendance", fmt.Sprintf("at most %d marks", MaxAttendanceMarks))
	}
	seen := map[title.EpreuveKind]bool{}
	for i, m := range marks {
		field := fmt.Sprintf("attendance[%d].epreuve", i)
		switch {
		case len(epreuves) == 0 && m.Epreuve != "":
			v.Add(field, "the title lists no épreuve for this session type: leave it unspecified")
		case len(epreuves) > 0 && !slices.Contains(epreuves, m.Epreuve):
			v.Add(field, "one of "+kinds(epreuves))
		case seen[m.Epreuve]:
			v.Add(field, "one mark per épreuve: "+string(m.Epreuve)+" is repeated")
		}
		seen[m.Epreuve] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	for _, m := range marks {
		m.By, m.At = by, now
		if i := slices.IndexFunc(c.Attendance, func(a Attendance) bool { return a.Epreuve == m.Epreuve }); i >= 0 {
			c.Attendance[i] = m
		} else {
			c.Attendance = append(c.Attendance, m)
		}
	}
	slices.SortStableFunc(c.Attendance, func(a, b Attendance) int {
		return slices.Index(epreuves, a.Epreuve) - slices.Index(epreuves, b.Epreuve)
	})
	c.touch(now)
	return nil
}

// AbsentFromSession reports whether the candidate is recorded absent from
// every épreuve of the session (epreuves; with none, from the one mark).
func (c Candidacy) AbsentFromSession(epreuves []title.EpreuveKind) bool {
	if len(epreuves) == 0 {
		epreuves = []title.EpreuveKind{""}
	}
	for _, e := range epreuves {
		i := slices.IndexFunc(c.Attendance, func(a Attendance) bool { return a.Epreuve == e })
		if i < 0 || c.Attendance[i].Present {
			return false
		}
	}
	return true
}

// PresentAtSome reports whether the candidate is recorded present at one
// épreuve at least.
func (c Candidacy) PresentAtSome() bool {
	return slices.ContainsFunc(c.Attendance, func(a Attendance) bool { return a.Present })
}

// Adjust records the disability adjustment a (R46) for a session whose
// first day is start, on a title whose épreuves of the session type are
// epreuves, with their durations in minutes when the title gives them. It
// replaces an earlier adjustment of the same épreuve. The authorisation
// is dated before the session and not after today; the extra time is at
// most a third of the épreuve's duration unless exceptional and justified.
func (c *Candidacy) Adjust(a Adjustment, by string, epreuves []title.EpreuveKind, durations map[title.EpreuveKind]int, start, today civildate.Date, now time.Time) error {
	a.Arrangements = strings.TrimSpace(a.Arrangements)
	a.AuthorisationRef = strings.TrimSpace(a.AuthorisationRef)
	a.Justification = strings.TrimSpace(a.Justification)
	var v apperr.Violations
	switch {
	case len(epreuves) == 0 && a.Epreuve != "":
		v.Add("adjustment.epreuve", "the title lists no épreuve for this session type: leave it unspecified")
	case len(epreuves) > 0 && !slices.Contains(epreuves, a.Epreuve):
		v.Add("adjustment.epreuve", "one of "+kinds(epreuves))
	}
	if a.ExtraMinutes < 0 || a.ExtraMinutes > maxExtraMinutes {
		v.Add("adjustment.extra_minutes", fmt.Sprintf("0 to %d", maxExtraMinutes))
	}
	if a.ExtraMinutes == 0 && a.Arrangements == "" {
		v.Add("adjustment.arrangements", "required when no extra time is given: say what is adjusted")
	}
	if utf8.RuneCountInString(a.Arrangements) > maxText {
		v.Add("adjustment.arrangements", fmt.Sprintf("at most %d characters", maxText))
	}
	if n := utf8.RuneCountInString(a.AuthorisationRef); n == 0 || n > maxReference {
		v.Add("adjustment.authorisation_reference", fmt.Sprintf("required, at most %d characters", maxReference))
	}
	if a.AuthorisedOn.IsZero() {
		v.Add("adjustment.authorisation_date", "required, YYYY-MM-DD")
	}
	if d, ok := durations[a.Epreuve]; ok && d > 0 {
		a.EpreuveMinutes = d
	} else if a.ExtraMinutes > 0 && (a.EpreuveMinutes < 1 || a.EpreuveMinutes > maxEpreuveLength) {
		v.Add("adjustment.epreuve_minutes", fmt.Sprintf("required, 1 to %d: the title does not give the épreuve's duration", maxEpreuveLength))
	}
	if a.Exceptional && a.Justification == "" {
		v.Add("adjustment.justification", "required when the adjustment is exceptional (R46)")
	}
	if utf8.RuneCountInString(a.Justification) > maxText {
		v.Add("adjustment.justification", fmt.Sprintf("at most %d characters", maxText))
	}
	if err := v.Err(); err != nil {
		return err
	}
	switch {
	case a.AuthorisedOn.After(today):
		return ErrAdjustmentNotAuthorisedBefore.WithMessage("the authorisation of " + a.AuthorisedOn.String() + " is in the future")
	case !a.AuthorisedOn.Before(start):
		return ErrAdjustmentNotAuthorisedBefore.WithMessage("the authorisation of " + a.AuthorisedOn.String() +
			" is not before the session's first day " + start.String())
	case !a.Exceptional && a.ExtraMinutes*3 > a.EpreuveMinutes:
		return ErrAdjustmentTooLong.WithMessage(fmt.Sprintf("%d extra minutes exceed a third of the épreuve's %d minutes; mark it exceptional with a justification",
			a.ExtraMinutes, a.EpreuveMinutes)).WithMeta("max_minutes", fmt.Sprint(a.EpreuveMinutes/3))
	}
	if a.ExtraMinutes == 0 {
		a.EpreuveMinutes = 0
	}
	a.By, a.At = by, now
	if i := slices.IndexFunc(c.Adjustments, func(x Adjustment) bool { return x.Epreuve == a.Epreuve }); i >= 0 {
		c.Adjustments[i] = a
	} else {
		c.Adjustments = append(c.Adjustments, a)
	}
	slices.SortStableFunc(c.Adjustments, func(x, y Adjustment) int {
		return slices.Index(epreuves, x.Epreuve) - slices.Index(epreuves, y.Epreuve)
	})
	c.touch(now)
	return nil
}

// RecordECF records ECF results of a training-route candidacy (R30), each
// replacing the earlier result of its CCP, a CCP of the scope; assessed
// not after today.
func (c *Candidacy) RecordECF(results []ECFResult, by string, today civildate.Date, now time.Time) error {
	if !TrainingRoute(c.AccessRoute) {
		return ErrECFNotApplicable.WithMeta("candidacy", c.ID)
	}
	var v apperr.Violations
	switch {
	case len(results) == 0:
		v.Add("results", "at least one result")
	case len(results) > MaxECFResults:
		v.Add("results", fmt.Sprintf("at most %d results", MaxECFResults))
	}
	seen := map[string]bool{}
	for i, r := range results {
		field := fmt.Sprintf("results[%d]", i)
		switch {
		case !slices.Contains(c.Scope, r.CCPCode):
			v.Add(field+".ccp_code", fmt.Sprintf("%q is not a CCP of the candidacy's scope %v", r.CCPCode, c.Scope))
		case seen[r.CCPCode]:
			v.Add(field+".ccp_code", "one result per CCP: "+r.CCPCode+" is repeated")
		}
		seen[r.CCPCode] = true
		switch {
		case r.AssessedOn.IsZero():
			v.Add(field+".assessment_date", "required, YYYY-MM-DD")
		case r.AssessedOn.After(today):
			v.Add(field+".assessment_date", "must not be in the future")
		}
		if utf8.RuneCountInString(strings.TrimSpace(r.Comment)) > maxText {
			v.Add(field+".comment", fmt.Sprintf("at most %d characters", maxText))
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	for _, r := range results {
		r.Comment = strings.TrimSpace(r.Comment)
		r.By, r.At = by, now
		if i := slices.IndexFunc(c.ECF, func(x ECFResult) bool { return x.CCPCode == r.CCPCode }); i >= 0 {
			c.ECF[i] = r
		} else {
			c.ECF = append(c.ECF, r)
		}
	}
	slices.SortStableFunc(c.ECF, func(x, y ECFResult) int { return slices.Index(c.Scope, x.CCPCode) - slices.Index(c.Scope, y.CCPCode) })
	c.touch(now)
	return nil
}

// MissingECF returns the CCPs of the scope without an ECF result, in
// order; none for a candidate outside the training routes (R30, R49).
func (c Candidacy) MissingECF() []string {
	if !TrainingRoute(c.AccessRoute) {
		return nil
	}
	var out []string
	for _, code := range c.Scope {
		if !slices.ContainsFunc(c.ECF, func(r ECFResult) bool { return r.CCPCode == code }) {
			out = append(out, code)
		}
	}
	return out
}

// cloneRecord deep-copies the record's parts of c.
func (c *Candidacy) cloneRecord() {
	if c.Withdrawal != nil {
		w := *c.Withdrawal
		if w.TransferredTo != nil {
			t := *w.TransferredTo
			w.TransferredTo = &t
		}
		c.Withdrawal = &w
	}
	if c.TransferredFrom != nil {
		f := *c.TransferredFrom
		c.TransferredFrom = &f
	}
	c.Attendance = slices.Clone(c.Attendance)
	c.Adjustments = slices.Clone(c.Adjustments)
	c.ECF = slices.Clone(c.ECF)
}

func kinds(ks []title.EpreuveKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
