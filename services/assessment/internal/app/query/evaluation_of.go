package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// EvaluationOfHandler reads one juror's evaluation of a candidacy.
type EvaluationOfHandler struct {
	repo   session.Repository
	titles TitleCatalogue
}

// NewEvaluationOfHandler returns the handler.
func NewEvaluationOfHandler(repo session.Repository, titles TitleCatalogue) EvaluationOfHandler {
	return EvaluationOfHandler{repo: repo, titles: titles}
}

// Handle returns juror's evaluation ("me": the caller's) of the candidacy,
// empty with version 0 when never written: to that juror, or to ministry
// and admin.
func (h EvaluationOfHandler) Handle(ctx context.Context, sessionID, candidacyID, juror string) (evaluation.Report, error) {
	check := func(p auth.Principal, s *session.Session) error {
		if authz.ReadsAll(p) {
			return nil
		}
		return authz.CanSign(p, s)
	}
	p, s, err := loadPart(ctx, h.repo, sessionID, candidacyID, check)
	if err != nil {
		return evaluation.Report{}, err
	}
	if juror == jury.Me {
		juror = p.Subject
	}
	c, err := s.Candidacy(candidacyID)
	if err != nil {
		return evaluation.Report{}, err
	}
	if err := authz.CanReadEvaluation(p, s, c, juror); err != nil {
		return evaluation.Report{}, err
	}
	if !s.HasJuror(juror) {
		return evaluation.Report{}, session.ErrJurorNotFound.WithMeta("juror", juror)
	}
	t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
	if err != nil {
		return evaluation.Report{}, err
	}
	e, err := s.Evaluation(c.ID, juror)
	if err != nil {
		return evaluation.Report{}, err
	}
	return e.Report(s.Frame(t, c)), nil
}
