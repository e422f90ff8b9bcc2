package command

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ReportFraud files a fraud report on a session or one of its candidacies
// (R57).
type ReportFraud struct {
	SessionID string
	Input     fraud.Input
}

// ReportFraudHandler handles ReportFraud.
type ReportFraudHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewReportFraudHandler returns the handler.
func NewReportFraudHandler(repo session.Repository, now func() time.Time) ReportFraudHandler {
	return ReportFraudHandler{repo: repo, now: now}
}

// Handle records the report for a juror of the session or the organising
// centre, atomically with FraudReported.
func (h ReportFraudHandler) Handle(ctx context.Context, cmd ReportFraud) (fraud.Report, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return fraud.Report{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fraud.Report{}, err
	}
	var out fraud.Report
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		var c *candidacy.Candidacy
		if cmd.Input.CandidacyID != "" {
			cy, err := s.Candidacy(cmd.Input.CandidacyID)
			if errors.Is(err, session.ErrCandidacyNotFound) {
				// Only who may report on the session learns that the
				// candidacy is not there.
				if _, denied := authz.CanReportFraud(p, s, nil); denied != nil {
					return denied
				}
			}
			if err != nil {
				return err
			}
			c = &cy
		}
		reporter, err := authz.CanReportFraud(p, s, c)
		if err != nil {
			return err
		}
		out, err = s.ReportFraud(id.String(), cmd.Input, reporter, h.now())
		return err
	})
	if err != nil {
		return fraud.Report{}, err
	}
	return out, nil
}
