package session

import (
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Candidacies that change before their deliberation: withdrawn by the
// candidate or the centre, transferred to another session, the attendance
// of the day, disability adjustments authorised beforehand (R46), ECF
// results (R30). A withdrawn or transferred candidacy stays in the session
// (its history), is never deliberated and is left out of the minutes.

// Errors of the candidacy changes.
var (
	// ErrLastCandidacy: an opened session keeps one candidacy at least;
	// the centre cancels the session instead.
	ErrLastCandidacy = apperr.New(apperr.KindFailedPrecondition, "LAST_CANDIDACY",
		"the session is open and this is its last candidacy: it cannot be withdrawn or transferred")
	// ErrTransferTarget: a candidacy moves to another PLANNED session of the
	// same centre and title version.
	ErrTransferTarget = apperr.New(apperr.KindFailedPrecondition, "TRANSFER_TARGET_INVALID",
		"a candidacy moves only to another planned session of the same centre and title version")
	// ErrNotStarted: adjustments are recorded before the session starts (R46).
	ErrNotStarted = apperr.New(apperr.KindFailedPrecondition, "SESSION_STARTED",
		"the session has opened: disability adjustments are recorded before it starts").WithRule("R46")
	// ErrCandidateAbsent: the candidate is recorded absent from every
	// épreuve; the jury records them absent, without a decision.
	ErrCandidateAbsent = apperr.New(apperr.KindFailedPrecondition, "CANDIDATE_RECORDED_ABSENT",
		"the candidate is recorded absent from every épreuve: deliberate them absent, without CCP decisions")
	// ErrCandidatePresent: the candidate is recorded present at an épreuve;
	// they cannot be deliberated absent.
	ErrCandidatePresent = apperr.New(apperr.KindFailedPrecondition, "CANDIDATE_RECORDED_PRESENT",
		"the candidate is recorded present at an épreuve: the jury decides on each CCP")
	// ErrEntretienFinalMissing: a session titre ends with the entretien
	// final, which every juror free of links evaluates before the
	// deliberation (R43).
	ErrEntretienFinalMissing = apperr.New(apperr.KindFailedPrecondition, "ENTRETIEN_FINAL_MISSING",
		"the entretien final ends every session titre: every juror records a verdict there before the deliberation").WithRule("R43")
	// ErrECFMissing: a training-route candidate's ECF results are needed
	// before the deliberation (R30, R49).
	ErrECFMissing = apperr.New(apperr.KindFailedPrecondition, "ECF_MISSING",
		"the ECF results of every CCP of the scope are needed before deliberating a training-route candidate").WithRule("R49")
)

// CandidacyWithdrawn: a candidacy was withdrawn before its deliberation.
type CandidacyWithdrawn struct {
	SessionID   string
	CandidacyID string
	CandidateID string
	Withdrawal  candidacy.Withdrawal
}

// CandidacyTransferred: a candidacy moved to another session; recorded by
// the session it left.
type CandidacyTransferred struct {
	CandidateID string
	From, To    candidacy.Ref
	By, Reason  string
	At          time.Time
}

func (CandidacyWithdrawn) sessionEvent()   {}
func (CandidacyTransferred) sessionEvent() {}

// Withdraw withdraws candidacy id, by the person whose subject is by (the
// candidate themselves when byCandidate), while it awaits its
// deliberation and the session is planned or in progress. An opened
// session keeps one candidacy at least; when every other candidacy is
// deliberated, it becomes DELIBERATED.
func (s *Session) Withdraw(id, by string, byCandidate bool, reason string, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.leaving(id, reason)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	w := candidacy.Withdrawal{By: by, ByCandidate: byCandidate, Reason: reason, At: now}
	s.leave(c, w, now)
	s.record(CandidacyWithdrawn{SessionID: s.id, CandidacyID: c.ID, CandidateID: c.CandidateID, Withdrawal: *c.Withdrawal})
	return c.Clone(), nil
}

// Transfer moves candidacy id of from to to, another PLANNED session of the
// same centre and title version (t), as candidacy newID: the candidate is
// registered there by Register (every registration rule checked again,
// with person as the projection knows them now), keeping the scope (a
// session titre covers the whole title), the employer, the adjustments and
// the ECF results; the candidacy of from is withdrawn. The dossier is
// submitted again for the new session. It returns both candidacies.
func Transfer(from, to *Session, id, newID, by, reason string, person candidate.Candidate, t title.Title, key RequestKey, now time.Time) (candidacy.Candidacy, candidacy.Candidacy, error) {
	c, err := from.leaving(id, reason)
	if err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	switch {
	case to.id == from.id || to.centreID != from.centreID || to.titleID != from.titleID || to.titleVersion != from.titleVersion:
		return candidacy.Candidacy{}, candidacy.Candidacy{}, ErrTransferTarget.WithMeta("target_session", to.id)
	case to.state != StatePlanned:
		return candidacy.Candidacy{}, candidacy.Candidacy{}, ErrTransferTarget.WithMessage("the target session has opened").WithMeta("target_session", to.id)
	}
	r := candidacy.Registration{CandidateID: c.CandidateID, Employer: c.Employer}
	if to.typ == title.SessionCCP {
		r.Scope = c.Scope
	}
	moved, err := to.Register(newID, r, person, t, key, now)
	if err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	n, _ := to.candidacy(moved.ID)
	n.TransferredFrom = &candidacy.Ref{SessionID: from.id, CandidacyID: c.ID}
	n.Adjustments = slices.Clone(c.Adjustments)
	for _, r := range c.ECF {
		if slices.Contains(n.Scope, r.CCPCode) {
			n.ECF = append(n.ECF, r)
		}
	}
	dest := candidacy.Ref{SessionID: to.id, CandidacyID: n.ID}
	from.leave(c, candidacy.Withdrawal{By: by, Reason: reason, At: now, TransferredTo: &dest}, now)
	from.record(CandidacyTransferred{CandidateID: c.CandidateID, From: candidacy.Ref{SessionID: from.id, CandidacyID: c.ID},
		To: dest, By: by, Reason: c.Withdrawal.Reason, At: now})
	return c.Clone(), n.Clone(), nil
}

// leaving returns candidacy id after checking it may leave the session.
func (s *Session) leaving(id, reason string) (*candidacy.Candidacy, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	c, ok := s.candidacy(id)
	if !ok {
		return nil, ErrCandidacyNotFound.WithMeta("candidacy", id)
	}
	if err := c.CheckChangeable(); err != nil {
		return nil, err
	}
	if err := candidacy.CheckReason(reason); err != nil {
		return nil, err
	}
	switch s.state {
	case StatePlanned:
	case StateInProgress:
		if len(s.signatures) > 0 {
			return nil, ErrSigningStarted
		}
		if !slices.ContainsFunc(s.candidacies, func(x *candidacy.Candidacy) bool { return x.ID != c.ID && !x.Withdrawn() }) {
			return nil, ErrLastCandidacy.WithMeta("candidacy", id)
		}
	default:
		return nil, ErrDeliberatedSession
	}
	return c, nil
}

// ErrDeliberatedSession: every candidacy of the session is deliberated.
var ErrDeliberatedSession = apperr.New(apperr.KindFailedPrecondition, "SESSION_DELIBERATED",
	"every candidacy of the session is deliberated: none can leave it any more")

// leave withdraws c with w; an opened session whose candidacies are all
// deliberated or withdrawn is DELIBERATED.
func (s *Session) leave(c *candidacy.Candidacy, w candidacy.Withdrawal, now time.Time) {
	c.Withdraw(w, now)
	if s.state == StateInProgress && !slices.ContainsFunc(s.candidacies, func(x *candidacy.Candidacy) bool { return x.Pending() }) {
		s.state = StateDeliberated
	}
	s.touch(now)
}

// RecordAttendance records whether the candidate of candidacy id attended
// the épreuves the marks name (épreuves of the session type in t), by the
// centre or a juror (by), while the session is in progress and the
// candidacy awaits its deliberation.
func (s *Session) RecordAttendance(id string, marks []candidacy.Attendance, by string, t title.Title, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.completing(id)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if s.state != StateInProgress {
		return candidacy.Candidacy{}, ErrNotInProgress
	}
	if err := c.MarkAttendance(marks, t.EpreuvesFor(s.typ), by, now); err != nil {
		return candidacy.Candidacy{}, err
	}
	s.touch(now)
	return c.Clone(), nil
}

// RecordAdjustment records a disability adjustment of candidacy id (R46)
// while the session is planned, authorised before its first day.
func (s *Session) RecordAdjustment(id string, a candidacy.Adjustment, by string, t title.Title, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.completing(id)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if s.state != StatePlanned {
		return candidacy.Candidacy{}, ErrNotStarted
	}
	if err := c.Adjust(a, by, t.EpreuvesFor(s.typ), t.Durations(s.typ), s.start, civildate.Of(now), now); err != nil {
		return candidacy.Candidacy{}, err
	}
	s.touch(now)
	return c.Clone(), nil
}

// RecordECF records ECF results of candidacy id (R30), a training-route
// candidacy awaiting its deliberation, before the minutes are signed.
func (s *Session) RecordECF(id string, results []candidacy.ECFResult, by string, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.completing(id)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if len(s.signatures) > 0 {
		return candidacy.Candidacy{}, ErrSigningStarted
	}
	if err := c.RecordECF(results, by, civildate.Of(now), now); err != nil {
		return candidacy.Candidacy{}, err
	}
	s.touch(now)
	return c.Clone(), nil
}

// completing returns candidacy id after checking it may still be
// completed: the session not closed, the candidacy neither withdrawn nor
// deliberated.
func (s *Session) completing(id string) (*candidacy.Candidacy, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	c, ok := s.candidacy(id)
	if !ok {
		return nil, ErrCandidacyNotFound.WithMeta("candidacy", id)
	}
	if err := c.CheckChangeable(); err != nil {
		return nil, err
	}
	return c, nil
}

// completeness returns what the candidacy's record still lacks before its
// deliberation on its merits, all waived by the candidate's absence: in a
// session titre whose title holds an entretien final, a verdict there by
// every juror free of links (R43); for a training-route candidate, an ECF
// result per CCP of the scope (R30, R49).
func (s *Session) completeness(c candidacy.Candidacy, frame evaluation.Frame) []Blocker {
	var out []Blocker
	if s.typ == title.SessionTitre && slices.Contains(frame.Epreuves, title.EntretienFinal) {
		var missing []string
		for _, j := range s.freeJurors(c) {
			e := s.evaluation(c.ID, j.Subject)
			if !slices.ContainsFunc(e.Items, func(it evaluation.Item) bool { return it.Epreuve == title.EntretienFinal && it.Verdict != "" }) {
				missing = append(missing, j.Subject)
			}
		}
		if len(missing) > 0 {
			out = append(out, Blocker{waived: true, Jurors: missing, err: ErrEntretienFinalMissing.
				WithMessage("juror "+missing[0]+" has recorded no verdict at the entretien final").
				WithMeta("candidacy", c.ID).WithMeta("juror", missing[0])})
		}
	}
	if missing := c.MissingECF(); len(missing) > 0 {
		out = append(out, Blocker{waived: true, err: ErrECFMissing.
			WithMessage("no ECF result is recorded for "+strings.Join(missing, ", ")+" (R30): the centre records them before the deliberation").
			WithMeta("candidacy", c.ID).WithMeta("missing_ecf", strings.Join(missing, ","))})
	}
	return out
}

// checkAttendance refuses a decision that contradicts the attendance
// recorded: decisions on a candidate absent from every épreuve, or an
// absence of a candidate present at one.
func (s *Session) checkAttendance(c candidacy.Candidacy, absent bool, frame evaluation.Frame) error {
	switch {
	case !absent && c.AbsentFromSession(frame.Epreuves):
		return ErrCandidateAbsent.WithMeta("candidacy", c.ID)
	case absent && c.PresentAtSome():
		return ErrCandidatePresent.WithMeta("candidacy", c.ID)
	}
	return nil
}

// Replay returns the candidacy an earlier registration with key created,
// nil when there was none, or ErrRequestIDReused when key names another
// request (AIP-155); Register answers a retry the same way.
func (s *Session) Replay(key RequestKey) (*candidacy.Candidacy, error) {
	if key.RequestID == "" {
		return nil, nil
	}
	for _, c := range s.candidacies {
		if c.Request.CreatedBy == key.CreatedBy && c.Request.RequestID == key.RequestID {
			if c.Request.RequestHash != key.RequestHash {
				return nil, ErrRequestIDReused
			}
			out := c.Clone()
			return &out, nil
		}
	}
	return nil, nil
}
