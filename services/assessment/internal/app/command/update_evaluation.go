package command

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// UpdateEvaluation replaces a juror's evaluation items of a candidacy.
// JurorSubject may be "me" for the caller.
type UpdateEvaluation struct {
	SessionID    string
	CandidacyID  string
	JurorSubject string
	Etag         string
	Items        []evaluation.Item
}

// UpdateEvaluationHandler handles UpdateEvaluation.
type UpdateEvaluationHandler struct {
	repo   session.Repository
	titles TitleCatalogue
	now    func() time.Time
}

// NewUpdateEvaluationHandler returns the handler.
func NewUpdateEvaluationHandler(repo session.Repository, titles TitleCatalogue, now func() time.Time) UpdateEvaluationHandler {
	return UpdateEvaluationHandler{repo: repo, titles: titles, now: now}
}

// Handle records the caller's own evaluation: the caller must be a juror of
// the session free of any link with the candidate (R21). Checks run in this
// order: access, candidacy, session state, etag, items. The evaluation is
// stored on its own (Repository.Score): the session is only read, by part,
// so the cost does not grow with the session (ADR 0006).
func (h UpdateEvaluationHandler) Handle(ctx context.Context, cmd UpdateEvaluation) (evaluation.Report, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return evaluation.Report{}, err
	}
	juror := Subject(p, cmd.JurorSubject)
	var report evaluation.Report
	part := session.Part{CandidacyID: cmd.CandidacyID, CandidateSubject: p.Subject}
	_, err = h.repo.Score(ctx, cmd.SessionID, part, func(s *session.Session) (evaluation.Evaluation, error) {
		if err := authz.CanSign(p, s); err != nil {
			return evaluation.Evaluation{}, err
		}
		c, err := s.Candidacy(cmd.CandidacyID)
		if err != nil {
			return evaluation.Evaluation{}, err
		}
		if err := authz.CanWriteEvaluation(p, s, c, juror); err != nil {
			return evaluation.Evaluation{}, err
		}
		t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
		if err != nil {
			return evaluation.Evaluation{}, err
		}
		e, err := s.RecordEvaluation(c.ID, juror, cmd.Etag, cmd.Items, t, h.now())
		if err != nil {
			return evaluation.Evaluation{}, err
		}
		report = e.Report(s.Frame(t, c))
		return e, nil
	})
	if errors.Is(err, session.ErrNotFound) && !authz.ReadsAll(p) {
		return evaluation.Report{}, authz.Denial(p)
	}
	return report, err
}

// Subject resolves the "me" alias of a juror subject to the caller's.
func Subject(p auth.Principal, subject string) string {
	if subject == jury.Me {
		return p.Subject
	}
	return subject
}
