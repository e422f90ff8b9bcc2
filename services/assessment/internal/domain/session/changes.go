package session

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/updatemask"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Sessions that change (issue 8 §3): a planned session's dates, site and
// dossier deadline are updated; a session is postponed, while planned or
// when its jury fell below two members after opening (domain.md §9.2,
// §19.4); a session is cancelled with a reason, which releases its
// candidacies. Every change of dates or site passes the checks of a
// creation (Draft.Check, and in the application layer the checks of the
// plan) and keeps every assigned juror's habilitation covering the session
// (R16).

// maxReason bounds the reason of a postponement, a cancellation or a
// juror's removal, in characters.
const maxReason = 1000

// The update-mask paths of a session that UpdateSession may change.
const (
	FieldSite            = "site"
	FieldStartDate       = "start_date"
	FieldEndDate         = "end_date"
	FieldDossierDeadline = "dossier_deadline"
)

// updatable copy one field of a patch into a draft.
var updatable = map[string]func(dst *Draft, src Draft){
	FieldSite:            func(dst *Draft, src Draft) { dst.Site = src.Site },
	FieldStartDate:       func(dst *Draft, src Draft) { dst.StartDate = src.StartDate },
	FieldEndDate:         func(dst *Draft, src Draft) { dst.EndDate = src.EndDate },
	FieldDossierDeadline: func(dst *Draft, src Draft) { dst.DossierDeadline = src.DossierDeadline },
}

var maskRules = updatemask.Rules{
	Updatable: func(p string) bool { _, ok := updatable[p]; return ok },
	OutputOnly: func(p string) bool {
		return slices.Contains([]string{"id", "centre_id", "state", "juror_count", "candidacy_count", "create_time", "update_time"}, p)
	},
	Immutable: func(p string) string {
		if slices.Contains([]string{"type", "title_id", "title_version", "ccp_codes"}, p) {
			return fmt.Sprintf("%q is immutable: plan another session", p)
		}
		return ""
	},
	Unknown: "%q is not an updatable field of Session",
	Example: "start_date,end_date",
}

// CheckUpdateMask returns the updatable paths of an update mask, sorted,
// or the InvalidArgument error naming every bad path.
func CheckUpdateMask(paths []string) ([]string, error) { return maskRules.Check(paths) }

// Draft returns the session as a create request would describe it; a
// change is computed on it and checked as a creation is.
func (s *Session) Draft() Draft {
	d := Draft{Type: s.typ, TitleID: s.titleID, TitleVersion: s.titleVersion, Site: s.site,
		StartDate: s.start.String(), EndDate: s.end.String(), DossierDeadline: s.deadline.String()}
	if s.typ == title.SessionCCP {
		d.CCPCodes = slices.Clone(s.ccps)
	}
	return d
}

// Amend returns the session's draft with the fields the mask paths name
// taken from patch (CheckUpdateMask's rules).
func (s *Session) Amend(patch Draft, paths []string) (Draft, error) {
	paths, err := CheckUpdateMask(paths)
	if err != nil {
		return Draft{}, err
	}
	d := s.Draft()
	for _, p := range paths {
		updatable[p](&d, patch)
	}
	return d, nil
}

// Update changes a PLANNED session's site, dates and dossier deadline to
// those of d (usually Amend's result), checked as a creation is
// (Draft.Check: end not before start, deadline not after the first day,
// R40), with every juror's habilitation still covering the session (R16).
// etag, when not empty, must be the session's current etag. A draft that
// changes nothing is a successful no-op; a change records Updated.
func (s *Session) Update(etag string, d Draft, now time.Time) error {
	if err := s.changeable(etag); err != nil {
		return err
	}
	if s.state != StatePlanned {
		return ErrNotPlanned.WithMessage("only a planned session is updated; an opened session whose jury fell below two members is postponed")
	}
	fields, err := s.reschedule(d)
	if err != nil || len(fields) == 0 {
		return err
	}
	s.touch(now)
	s.record(Updated{Session: s.Summary(), Fields: fields, Candidacies: s.refs(), Jurors: s.jurorSubjects(), At: now})
	return nil
}

// Postponement is a postponement as a request describes it: the new dates
// (the deadline empty: the new first day, as at creation) and why.
type Postponement struct {
	StartDate, EndDate, DossierDeadline string
	Reason                              string
}

// Postpone moves the session to later dates, for a reason. A PLANNED
// session is postponed to a first day after its current one (to move it
// earlier, Update it). An IN_PROGRESS session is postponed only when its
// jury fell below two members (R19: a jury cannot sit with fewer,
// domain.md §9.2) and no candidacy is deliberated yet: it returns to
// PLANNED, keeping its jury, candidacies and the evaluations recorded so
// far, and opens again on the new dates. The dates pass the checks of a
// creation and every juror's habilitation must cover them (R16). etag,
// when not empty, must be the current one. Records Postponed.
func (s *Session) Postpone(etag string, p Postponement, now time.Time) error {
	if err := s.changeable(etag); err != nil {
		return err
	}
	switch {
	case s.state == StatePlanned:
	case s.state == StateInProgress && len(s.jurors) < 2 && !s.anyDeliberated():
	case s.state == StateInProgress && len(s.jurors) >= 2:
		return ErrNotPostponable.WithMessage("an opened session is postponed only when its jury has fewer than two members")
	default:
		return ErrNotPostponable
	}
	before := s.Summary()
	reason, v := checkReason(p.Reason)
	d := s.Draft()
	d.StartDate, d.EndDate, d.DossierDeadline = p.StartDate, p.EndDate, p.DossierDeadline
	if start, err := civildate.Parse(p.StartDate); err == nil && !start.After(s.start) {
		v.Add("start_date", "a postponement moves the first day later than "+s.start.String()+"; to move it earlier, update the planned session")
	}
	if err := d.Check(); err != nil {
		return topLevel(v, err)
	}
	if err := v.Err(); err != nil {
		return err
	}
	if _, err := s.reschedule(d); err != nil {
		return err
	}
	s.state = StatePlanned
	s.touch(now)
	s.record(Postponed{Before: before, Session: s.Summary(), Reason: reason, Candidacies: s.refs(), Jurors: s.jurorSubjects(), At: now})
	return nil
}

// Cancel cancels a session PLANNED or IN_PROGRESS before any deliberation,
// for a reason (required): the session is CANCELLED, which nothing changes
// afterwards, and every candidacy is released (candidacy.Released): the
// candidate may register to another session. etag, when not empty, must
// be the current one. Records Cancelled with the candidacies released.
func (s *Session) Cancel(etag, reason string, now time.Time) error {
	if err := s.changeable(etag); err != nil {
		return err
	}
	if s.state != StatePlanned && (s.state != StateInProgress || s.anyDeliberated()) {
		return ErrNotCancellable
	}
	reason, v := checkReason(reason)
	if err := v.Err(); err != nil {
		return err
	}
	for _, c := range s.candidacies {
		c.Release(now)
	}
	s.state = StateCancelled
	s.touch(now)
	s.record(Cancelled{Session: s.Summary(), Reason: reason, Candidacies: s.refs(), Jurors: s.jurorSubjects(), At: now})
	return nil
}

// CheckAdmissibleOn re-checks R25 for new dates: every VAE candidate of a
// candidacy still held must be admissible on d's first day, as person (the
// candidate projection, by candidate id) describes them. Dates that do not
// move the first day, or that Draft.Check refuses, need nothing here.
func (s *Session) CheckAdmissibleOn(d Draft, person func(candidateID string) (candidate.Candidate, error)) error {
	start, err := civildate.Parse(d.StartDate)
	if err != nil || start == s.start {
		return nil
	}
	for _, c := range s.candidacies {
		if c.Released() {
			continue
		}
		p, err := person(c.CandidateID)
		if err != nil {
			return err
		}
		if err := p.CheckAdmissibleOn(start); err != nil {
			return err
		}
	}
	return nil
}

// changeable checks what every change of the session itself needs: a
// session not final, and the etag, when sent, current.
// Changeable refuses a change of a closed or cancelled session, or one
// asked with a stale etag (ErrVersionConflict). Update and Postpone check
// it first; the application checks it too before the checks that read
// other projections (the plan's agrément, R8), so that a stale request is
// told it is stale rather than refused for what it read.
func (s *Session) Changeable(etag string) error { return s.changeable(etag) }

func (s *Session) changeable(etag string) error {
	if err := s.writable(); err != nil {
		return err
	}
	if etag != "" && etag != s.Etag() {
		return ErrVersionConflict
	}
	return nil
}

// reschedule applies d's site and dates after checking d as a creation is
// and every juror's habilitation against the new dates (R16); it returns
// the mask paths of the fields that changed, sorted.
func (s *Session) reschedule(d Draft) ([]string, error) {
	if err := d.Check(); err != nil {
		return nil, err
	}
	if d.Type != s.typ || d.TitleID != s.titleID || d.TitleVersion != s.titleVersion {
		return nil, fmt.Errorf("session %s: a change may not alter the type or the title", s.id)
	}
	start, end, deadline := d.dates()
	for _, j := range s.jurors {
		if err := j.CheckCovers(s.titleID, start, end); err != nil {
			return nil, err
		}
	}
	var fields []string
	if site := d.site(); site != s.site {
		s.site = site
		fields = append(fields, FieldSite)
	}
	if start != s.start {
		s.start = start
		fields = append(fields, FieldStartDate)
	}
	if end != s.end {
		s.end = end
		fields = append(fields, FieldEndDate)
	}
	if deadline != s.deadline {
		s.deadline = deadline
		fields = append(fields, FieldDossierDeadline)
	}
	slices.Sort(fields)
	return fields, nil
}

func (s *Session) anyDeliberated() bool {
	return slices.ContainsFunc(s.candidacies, func(c *candidacy.Candidacy) bool { return c.Deliberated() })
}

// refs returns the candidacies of the session with their candidates, by
// candidacy id, for the events that tell people.
func (s *Session) refs() []CandidacyRef {
	out := make([]CandidacyRef, len(s.candidacies))
	for i, c := range s.candidacies {
		out[i] = CandidacyRef{CandidacyID: c.ID, CandidateID: c.CandidateID}
	}
	return out
}

// jurorSubjects returns the jury's subjects, sorted.
func (s *Session) jurorSubjects() []string {
	out := make([]string, len(s.jurors))
	for i, j := range s.jurors {
		out[i] = j.Subject
	}
	return out
}

// checkReason returns the trimmed reason, with a violation on "reason"
// when it is empty or too long.
func checkReason(reason string) (string, apperr.Violations) {
	var v apperr.Violations
	reason = strings.TrimSpace(reason)
	if n := utf8.RuneCountInString(reason); n == 0 || n > maxReason {
		v.Add("reason", fmt.Sprintf("required, 1 to %d characters", maxReason))
	}
	return reason, v
}

// topLevel returns the InvalidArgument error of a draft's check with its
// fields at the top level of a request that is not a session ("start_date",
// not "session.start_date"), after the violations of v; any other error as
// it is.
func topLevel(v apperr.Violations, err error) error {
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
		return err
	}
	for _, fv := range ae.Violations {
		v.Add(strings.TrimPrefix(fv.Field, "session."), fv.Description)
	}
	return v.Err()
}
