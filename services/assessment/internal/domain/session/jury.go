package session

import (
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
)

// AddJuror assigns j to the jury of a PLANNED session, or of an
// IN_PROGRESS one to replace a juror absent on the day. The habilitation
// must be for the session's title and cover every day of it (R16), and no
// declared link may concern a candidacy already registered (R21). Adding
// the same juror with the same details again returns the stored juror and
// changes nothing.
func (s *Session) AddJuror(j jury.Juror, now time.Time) (jury.Juror, error) {
	if err := s.writable(); err != nil {
		return jury.Juror{}, err
	}
	if prev, ok := s.juror(j.Subject); ok {
		if prev.SameAs(j) {
			return prev, nil
		}
		return jury.Juror{}, ErrJurorAlreadyAssigned.WithMeta("juror", j.Subject)
	}
	if s.state != StatePlanned && s.state != StateInProgress {
		return jury.Juror{}, ErrNotPlanned.WithMessage("the jury changes until the session is deliberated")
	}
	if err := j.CheckCovers(s.titleID, s.start, s.end); err != nil {
		return jury.Juror{}, err
	}
	for _, c := range s.candidacies {
		if link, hit := j.ConflictWith(c.Party()); hit {
			return jury.Juror{}, jury.ConflictError(j, c.Party(), link)
		}
	}
	j.Links = slices.Clone(j.Links)
	i, _ := slices.BinarySearchFunc(s.jurors, j.Subject, func(x jury.Juror, sub string) int { return strings.Compare(x.Subject, sub) })
	s.jurors = slices.Insert(s.jurors, i, j)
	s.touch(now)
	s.record(JurorAssigned{SessionID: s.id, Juror: j, AfterOpening: s.state == StateInProgress, At: now})
	return j, nil
}

// RemoveJuror withdraws a juror from the jury of a PLANNED session, or
// of an IN_PROGRESS one when the juror is absent on the day: the reason is
// then required. A juror withdrawn after opening no longer evaluates,
// deliberates or signs, and their evaluations no longer count (only the
// jury's evaluations do, R49); a deliberation still needs two jurors free
// of links with the candidate (R19, R21), so the centre adds another juror
// or, below two members, postpones the session. Deliberations already
// recorded stand. The reason is kept in the event (JurorUnassigned).
func (s *Session) RemoveJuror(subject, reason string, now time.Time) error {
	if err := s.writable(); err != nil {
		return err
	}
	i := slices.IndexFunc(s.jurors, func(j jury.Juror) bool { return j.Subject == subject })
	if i < 0 {
		return ErrJurorNotFound.WithMeta("juror", subject)
	}
	if s.state != StatePlanned && s.state != StateInProgress {
		return ErrNotPlanned.WithMessage("the jury changes until the session is deliberated")
	}
	reason, v := checkReason(reason)
	if s.state == StateInProgress || reason != "" {
		if err := v.Err(); err != nil {
			return err
		}
	}
	s.jurors = slices.Delete(s.jurors, i, i+1)
	s.touch(now)
	s.record(JurorUnassigned{SessionID: s.id, Subject: subject, Reason: reason, AfterOpening: s.state == StateInProgress, At: now})
	return nil
}

// Open starts a PLANNED session. etag, when not empty, must be the
// session's current etag. The jury needs at least two members (R19) and
// the session at least one candidacy.
func (s *Session) Open(etag string, now time.Time) error {
	if err := s.writable(); err != nil {
		return err
	}
	if etag != "" && etag != s.Etag() {
		return ErrVersionConflict
	}
	switch {
	case s.state != StatePlanned:
		return ErrNotPlanned
	case len(s.jurors) < 2:
		return ErrJuryTooSmall.WithMessage("the session cannot open: its jury has fewer than two members")
	case !slices.ContainsFunc(s.candidacies, func(c *candidacy.Candidacy) bool { return !c.Withdrawn() }):
		return ErrNoCandidacy
	}
	s.state = StateInProgress
	s.touch(now)
	return nil
}
