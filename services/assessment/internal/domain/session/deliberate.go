package session

import (
	"slices"
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
// of the scope, motivated when not obtained (R48). At least two jurors
// must be free to deliberate (R19) and, unless the candidate is absent,
// the dossier must be attached (R34) and every such juror's evaluation
// complete (R49): Progress reports the same obstacles. When every
// candidacy is deliberated, the session is DELIBERATED.
func (s *Session) Deliberate(candidacyID, by string, in deliberation.Input, t title.Title, now time.Time) (candidacy.Candidacy, error) {
	c, err := s.jurorOn(candidacyID, by)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if err := s.deliberationOpen(); err != nil {
		return candidacy.Candidacy{}, err
	}
	if err := s.redeliberable(candidacyID); err != nil {
		return candidacy.Candidacy{}, err
	}
	frame := s.Frame(t, *c)
	if err := s.checkAttendance(*c, in.Absent, frame); err != nil {
		return candidacy.Candidacy{}, err
	}
	d, err := deliberation.Decide(s.typ, c.Scope, in, by, now)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	for _, b := range s.obstacles(*c, frame) {
		if !in.Absent || !b.waived {
			return candidacy.Candidacy{}, b.err
		}
	}
	c.Decide(d, now)
	if !slices.ContainsFunc(s.candidacies, func(x *candidacy.Candidacy) bool { return x.Pending() }) {
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
