package query

import (
	"context"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// FraudReportsHandler lists a session's fraud reports (R57).
type FraudReportsHandler struct {
	repo session.Repository
}

// NewFraudReportsHandler returns the handler.
func NewFraudReportsHandler(repo session.Repository) FraudReportsHandler {
	return FraudReportsHandler{repo: repo}
}

// Handle returns the reports, in filing order, to who reads the session's
// jury and minutes: the organising centre, its jurors, ministry and admin.
// A session holds at most fraud.MaxPerSession reports.
func (h FraudReportsHandler) Handle(ctx context.Context, sessionID string) ([]fraud.Report, error) {
	_, s, err := load(ctx, h.repo, sessionID, authz.CanReadJury)
	if err != nil {
		return nil, err
	}
	return s.FraudReports(), nil
}
