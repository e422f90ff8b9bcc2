package session

import (
	"slices"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Frame returns what candidacy c may be evaluated on, with t the session's
// title.
func (s *Session) Frame(t title.Title, c candidacy.Candidacy) evaluation.Frame {
	return evaluation.FrameOf(t, s.typ, c.Scope)
}

// Evaluation returns juror's evaluation of candidacy candidacyID; an
// evaluation never written has version 0 and no items.
func (s *Session) Evaluation(candidacyID, juror string) (evaluation.Evaluation, error) {
	if _, ok := s.candidacy(candidacyID); !ok {
		return evaluation.Evaluation{}, ErrCandidacyNotFound.WithMeta("candidacy", candidacyID)
	}
	return s.evaluation(candidacyID, juror), nil
}

func (s *Session) evaluation(candidacyID, juror string) evaluation.Evaluation {
	if e, ok := s.evaluations[evalKey{candidacyID, juror}]; ok {
		c := *e
		c.Items = slices.Clone(e.Items)
		return c
	}
	return evaluation.Evaluation{CandidacyID: candidacyID, JurorSubject: juror}
}

// RecordEvaluation replaces juror's evaluation items of candidacy
// candidacyID, provided etag is its current etag (empty: it was never
// written). Only a juror of the session without a declared link with the
// candidate evaluates (R21), only while the session is IN_PROGRESS and the
// candidacy not deliberated (evaluations lock when the deliberation
// starts); items are checked against the candidacy's scope and the
// session's épreuves in t (R43).
//
// An evaluation is an aggregate of its own, with its own version: the
// session guards it (state, jury, links, candidacy) but its version does
// not move, so that jurors scoring one session do not contend with each
// other (ADR 0006). The repository stores the evaluation returned with
// Repository.Score; s only keeps it in memory for the rest of this
// operation. s may be a part (Repository.GetPart) holding the candidacy.
func (s *Session) RecordEvaluation(candidacyID, juror, etag string, items []evaluation.Item, t title.Title, now time.Time) (evaluation.Evaluation, error) {
	c, err := s.jurorOn(candidacyID, juror)
	if err != nil {
		return evaluation.Evaluation{}, err
	}
	if err := s.writable(); err != nil {
		return evaluation.Evaluation{}, err
	}
	switch {
	case s.state != StateInProgress:
		return evaluation.Evaluation{}, ErrNotInProgress
	case c.Deliberated():
		return evaluation.Evaluation{}, ErrEvaluationLocked.WithMeta("candidacy", candidacyID)
	case c.Withdrawn():
		return evaluation.Evaluation{}, candidacy.ErrWithdrawn.WithMeta("candidacy", candidacyID)
	}
	e := s.evaluation(candidacyID, juror)
	if err := e.CheckEtag(etag); err != nil {
		return evaluation.Evaluation{}, err
	}
	checked, err := evaluation.Check(s.Frame(t, *c), items)
	if err != nil {
		return evaluation.Evaluation{}, err
	}
	e.Replace(checked, now)
	stored := e
	stored.Items = slices.Clone(e.Items)
	s.evaluations[evalKey{candidacyID, juror}] = &stored
	return e, nil
}

// jurorOn returns the candidacy juror acts on, after checking that the
// juror sits on the jury and declared no link with its candidate (R21).
func (s *Session) jurorOn(candidacyID, juror string) (*candidacy.Candidacy, error) {
	c, ok := s.candidacy(candidacyID)
	if !ok {
		return nil, ErrCandidacyNotFound.WithMeta("candidacy", candidacyID)
	}
	j, ok := s.juror(juror)
	if !ok {
		return nil, ErrJurorNotAssigned
	}
	if _, hit := j.ConflictWith(c.Party()); hit {
		return nil, ErrJurorRecused.WithMeta("candidacy", candidacyID).WithMeta("juror", juror)
	}
	return c, nil
}
