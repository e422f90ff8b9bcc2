package session

import (
	"errors"
	"strconv"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// The scoring progress of a session: for each candidacy, where each
// juror's evaluation stands and what still stands between the candidacy
// and the jury's deliberation. It is built for the people who run the
// session (the centre's live board), so it holds counts and states, never
// a verdict or an observation. The blockers are the refusals Deliberate
// would answer (the same code computes both), so the board cannot say
// "ready" when the deliberation would be refused, nor the reverse.

// JurorState is where one juror stands on one candidacy.
type JurorState string

// The juror states.
const (
	// JurorNotStarted: nothing written yet.
	JurorNotStarted JurorState = "NOT_STARTED"
	// JurorInProgress: something written, some competence of the scope
	// still without a verdict (R49).
	JurorInProgress JurorState = "IN_PROGRESS"
	// JurorComplete: every competence of the scope has a verdict (R49).
	JurorComplete JurorState = "COMPLETE"
	// JurorRecused: the juror declared a link with the candidate (R21):
	// they neither evaluate nor deliberate, and nothing is expected of them.
	JurorRecused JurorState = "RECUSED"
)

// JurorProgress is one juror's progress on one candidacy. A recused
// juror's counts are zero.
type JurorProgress struct {
	Subject, DisplayName string
	State                JurorState
	evaluation.Count
}

// Blocker is one reason the jury may not deliberate on a candidacy on its
// merits yet. The dossier and the evaluations are waived when the
// candidate is absent (Deliberate); the others are not.
type Blocker struct {
	err    *apperr.Error
	waived bool // by the candidate's absence
	// Jurors names, for EVALUATION_MISSING, the jurors free of links
	// whose evaluation is incomplete, in the jury's order (by subject).
	Jurors []string
}

// Reason is the reason code of the refusal, as Deliberate returns it:
// SESSION_NOT_IN_PROGRESS, JURY_TOO_SMALL, DOSSIER_MISSING or
// EVALUATION_MISSING.
func (b Blocker) Reason() string { return b.err.Reason }

// Rule is the rule the blocker enforces ("R34"), "" if none.
func (b Blocker) Rule() string { return b.err.Rule }

// WaivedIfAbsent reports whether the candidate's absence waives b: the
// jury may still record the candidate absent (Deliberate).
func (b Blocker) WaivedIfAbsent() bool { return b.waived }

// Err is the refusal Deliberate returns for b.
func (b Blocker) Err() error { return b.err }

// CandidacyProgress is the progress of one candidacy.
type CandidacyProgress struct {
	CandidacyID   string
	CandidateName string
	Dossier       bool // a DP snapshot is attached (R34)
	Deliberated   bool
	Jurors        []JurorProgress // the whole jury, by subject
	Blockers      []Blocker       // empty once deliberated
}

// Progress returns the progress of candidacy candidacyID with t, the
// session's title (it gives the evaluation frame), or
// ErrCandidacyNotFound. s may be a part holding the candidacy.
func (s *Session) Progress(candidacyID string, t title.Title) (CandidacyProgress, error) {
	c, ok := s.candidacy(candidacyID)
	if !ok {
		return CandidacyProgress{}, ErrCandidacyNotFound.WithMeta("candidacy", candidacyID)
	}
	frame := s.Frame(t, *c)
	p := CandidacyProgress{CandidacyID: c.ID, CandidateName: c.CandidateName, Dossier: c.Dossier != nil, Deliberated: c.Deliberated()}
	for _, j := range s.jurors {
		jp := JurorProgress{Subject: j.Subject, DisplayName: j.DisplayName}
		if _, hit := j.ConflictWith(c.Party()); hit {
			jp.State = JurorRecused
			p.Jurors = append(p.Jurors, jp)
			continue
		}
		e := s.evaluation(c.ID, j.Subject)
		jp.Count = e.Count(frame)
		switch {
		case e.Complete(frame):
			jp.State = JurorComplete
		case len(e.Items) > 0:
			jp.State = JurorInProgress
		default:
			jp.State = JurorNotStarted
		}
		p.Jurors = append(p.Jurors, jp)
	}
	if !p.Deliberated {
		if err := s.deliberationOpen(); err != nil {
			var ae *apperr.Error
			if errors.As(err, &ae) {
				p.Blockers = append(p.Blockers, Blocker{err: ae})
			}
		}
		p.Blockers = append(p.Blockers, s.obstacles(*c, frame)...)
	}
	return p, nil
}

// deliberationOpen returns nil when the session takes deliberations: IN
// PROGRESS or DELIBERATED (a decision may be recorded again) until the
// first signature of the minutes (R50).
func (s *Session) deliberationOpen() error {
	if err := s.writable(); err != nil {
		return err
	}
	switch {
	case s.state != StateInProgress && s.state != StateDeliberated:
		return ErrNotInProgress
	case len(s.signatures) > 0:
		return ErrSigningStarted
	}
	return nil
}

// obstacles returns what stands between candidacy c and its deliberation,
// in the order Deliberate reports them: fewer than two jurors free of any
// link with the candidate (R19), then, waived for an absent candidate, the
// dossier (R34) and every free juror's complete evaluation (R49), the
// first incomplete one named in the refusal.
func (s *Session) obstacles(c candidacy.Candidacy, frame evaluation.Frame) []Blocker {
	if c.Withdrawn() {
		return []Blocker{{err: candidacy.ErrWithdrawn.WithMeta("candidacy", c.ID)}}
	}
	var out []Blocker
	free := s.freeJurors(c)
	if len(free) < 2 {
		out = append(out, Blocker{err: ErrJuryTooSmall.
			WithMessage("fewer than two jurors are free of any link with this candidate: the jury cannot deliberate").
			WithMeta("candidacy", c.ID)})
	}
	if c.Dossier == nil {
		out = append(out, Blocker{err: ErrDossierMissing.WithMeta("candidacy", c.ID), waived: true})
	}
	var incomplete Blocker
	for _, j := range free {
		missing := s.evaluation(c.ID, j.Subject).Missing(frame)
		if len(missing) == 0 {
			continue
		}
		if incomplete.err == nil {
			incomplete = Blocker{waived: true, err: ErrEvaluationMissing.
				WithMessage("juror "+j.Subject+" has not evaluated every competence of the scope ("+strconv.Itoa(len(missing))+" missing)").
				WithMeta("juror", j.Subject).WithMeta("candidacy", c.ID).WithMeta("missing_competences", strconv.Itoa(len(missing)))}
		}
		incomplete.Jurors = append(incomplete.Jurors, j.Subject)
	}
	if incomplete.err != nil {
		out = append(out, incomplete)
	}
	return append(out, s.completeness(c, frame)...)
}
