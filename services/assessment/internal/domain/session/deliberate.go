package session

import (
	"slices"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Deliberate records the jury's decision on candidacy candidacyID, as
// submitted by juror by (a juror of the session without a link with the
// candidate, R21), while the session is IN_PROGRESS or DELIBERATED and no
// juror has signed the minutes (R50). The decision has one outcome per CCP
// of the scope, motivated when not obtained (R48). Unless the candidate is
// absent, at least two jurors must be free to deliberate (R19), the
// dossier must be attached (R34) and every such juror's evaluation complete
// (R49). When every candidacy is deliberated, the session is DELIBERATED.
func (s *Session) Deliberate(candidacyID, by string, in deliberation.Input, t title.Title, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.jurorOn(candidacyID, by)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if err := s.writable(); err != nil {
		return candidacy.Candidacy{}, err
	}
	switch {
	case s.state != StateInProgress && s.state != StateDeliberated:
		return candidacy.Candidacy{}, ErrNotInProgress
	case len(s.signatures) > 0:
		return candidacy.Candidacy{}, ErrSigningStarted
	}
	d, err := deliberation.Decide(s.typ, c.Scope, in, by, now)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	free := s.freeJurors(*c)
	if len(free) < 2 {
		return candidacy.Candidacy{}, ErrJuryTooSmall.
			WithMessage("fewer than two jurors are free of any link with this candidate: the jury cannot deliberate").
			WithMeta("candidacy", candidacyID)
	}
	if !in.Absent {
		if err := s.readyToDeliberate(*c, free, t); err != nil {
			return candidacy.Candidacy{}, err
		}
	}
	c.Decide(d, now)
	if !slices.ContainsFunc(s.candidacies, func(x *candidacy.Candidacy) bool { return !x.Deliberated() }) {
		s.state = StateDeliberated
	}
	s.touch(now)
	return c.Clone(), nil
}

// freeJurors returns the jurors without a declared link with c.
func (s *Session) freeJurors(c candidacy.Candidacy) []jury.Juror {
	var free []jury.Juror
	for _, j := range s.jurors {
		if _, hit := j.ConflictWith(c.Party()); !hit {
			free = append(free, j)
		}
	}
	return free
}

// readyToDeliberate checks the evidence the jury must consider: the
// dossier (R34) and every free juror's complete evaluation (R49).
func (s *Session) readyToDeliberate(c candidacy.Candidacy, free []jury.Juror, t title.Title) error {
	if c.Dossier == nil {
		return ErrDossierMissing.WithMeta("candidacy", c.ID)
	}
	frame := s.Frame(t, c)
	for _, j := range free {
		if missing := s.evaluation(c.ID, j.Subject).Missing(frame); len(missing) > 0 {
			return ErrEvaluationMissing.
				WithMessage("juror "+j.Subject+" has not evaluated every competence of the scope ("+strconv.Itoa(len(missing))+" missing)").
				WithMeta("juror", j.Subject).WithMeta("candidacy", c.ID).WithMeta("missing_competences", strconv.Itoa(len(missing)))
		}
	}
	return nil
}
