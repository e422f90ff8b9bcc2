package query

import (
	"context"
	"errors"
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"

	"github.com/titrepro/titrepro/services/certification/internal/app/authz"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

// DecisionReader reads withdrawals and appeals (sqlstore.DecisionStore).
type DecisionReader interface {
	WithdrawalReader
	Appeal(ctx context.Context, id string) (appeal.Appeal, error)
	ListAppeals(ctx context.Context, f appeal.Filter, after string, limit int) ([]appeal.Appeal, error)
}

// DecisionsHandler reads withdrawal decisions (R59) and appeals (R60).
type DecisionsHandler struct {
	decisions DecisionReader
	holders   holder.Repository
}

// NewDecisionsHandler returns the handler.
func NewDecisionsHandler(decisions DecisionReader, holders holder.Repository) DecisionsHandler {
	return DecisionsHandler{decisions: decisions, holders: holders}
}

// WithdrawalOf returns the withdrawal decision of a certificate the
// caller has read already (GetCertificate's rules), or nil when it has
// none.
func (h DecisionsHandler) WithdrawalOf(ctx context.Context, c certificate.Certificate) (*withdrawal.Decision, error) {
	if c.WithdrawalID == "" {
		return nil, nil
	}
	d, err := h.decisions.Withdrawal(ctx, c.WithdrawalID)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// own returns nil when p reads every appeal, or the candidate ids whose
// appeals p reads; certificate-less roles are appeal.ErrReadDenied.
func (h DecisionsHandler) own(ctx context.Context, p auth.Principal) ([]string, error) {
	switch {
	case authz.ReadsAll(p):
		return nil, nil
	case p.Has(auth.RoleCandidate):
		mine, err := h.holders.CandidateIDsOfSubject(ctx, p.Subject)
		if err != nil {
			return nil, err
		}
		if mine == nil {
			mine = []string{}
		}
		return mine, nil
	}
	return nil, appeal.ErrReadDenied
}

// GetAppeal returns an appeal: the ministry and admins any, a candidate
// those against their own decisions (another's, or an unknown id, is
// appeal.ErrReadDenied, so that ids are not probed).
func (h DecisionsHandler) GetAppeal(ctx context.Context, id string) (appeal.Appeal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return appeal.Appeal{}, err
	}
	mine, err := h.own(ctx, p)
	if err != nil {
		return appeal.Appeal{}, err
	}
	if id == "" || len(id) > appeal.MaxDecision {
		return appeal.Appeal{}, apperr.Invalid(apperr.FieldViolation{Field: "appeal_id", Description: "is required, at most 200 characters"})
	}
	a, err := h.decisions.Appeal(ctx, id)
	switch {
	case errors.Is(err, appeal.ErrNotFound) && mine != nil:
		return appeal.Appeal{}, appeal.ErrReadDenied
	case err != nil:
		return appeal.Appeal{}, err
	case mine != nil && !slices.Contains(mine, a.CandidateID):
		return appeal.Appeal{}, appeal.ErrReadDenied
	}
	return a, nil
}

// ListAppeals asks for one page of appeals.
type ListAppeals struct {
	PageSize  int32
	PageToken string
	Decision  string // a decision's resource name; empty: every decision
}

// AppealPage is one page of appeals.
type AppealPage struct {
	Appeals       []appeal.Appeal
	NextPageToken string
}

// ListAppeals lists appeals in the order they were filed, narrowed for a
// candidate to their own decisions.
func (h DecisionsHandler) ListAppeals(ctx context.Context, q ListAppeals) (AppealPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return AppealPage{}, err
	}
	mine, err := h.own(ctx, p)
	if err != nil {
		return AppealPage{}, err
	}
	if q.Decision != "" {
		ref, err := appeal.ParseRef(q.Decision)
		if err != nil {
			return AppealPage{}, err
		}
		if n, err := certificate.ParseNumber(ref.ID); ref.Target == appeal.Certificate && err == nil {
			ref.ID = string(n) // as appeals name it (command.DecisionsHandler.FileAppeal)
			q.Decision = ref.String()
		}
	}
	listing := "appeals|subject=" + p.Subject + "|decision=" + q.Decision
	var after string
	size, _, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return AppealPage{}, err
	}
	rows, err := h.decisions.ListAppeals(ctx, appeal.Filter{Decision: q.Decision, CandidateIDs: mine}, after, size+1)
	if err != nil {
		return AppealPage{}, err
	}
	rows, token, err := paging.Next(listing, rows, size, func(a appeal.Appeal) string { return a.ID })
	if err != nil {
		return AppealPage{}, err
	}
	return AppealPage{Appeals: rows, NextPageToken: token}, nil
}
