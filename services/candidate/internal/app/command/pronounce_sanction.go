package command

import (
	"context"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// PronounceSanction pronounces a sanction against candidate CandidateID
// (R58).
type PronounceSanction struct {
	CandidateID string
	Input       sanction.Input
}

// PronounceSanctionHandler handles PronounceSanction.
type PronounceSanctionHandler struct {
	candidates   candidate.Repository
	sanctions    sanction.Repository
	maxBanMonths int
	now          func() time.Time
}

// NewPronounceSanctionHandler returns the handler; maxBanMonths is the
// longest ban (configuration, sanction.DefaultMaxBanMonths by default).
func NewPronounceSanctionHandler(candidates candidate.Repository, sanctions sanction.Repository, maxBanMonths int, now func() time.Time) PronounceSanctionHandler {
	return PronounceSanctionHandler{candidates: candidates, sanctions: sanctions, maxBanMonths: maxBanMonths, now: now}
}

// Handle records the sanction for the ministry, with SanctionPronounced.
func (h PronounceSanctionHandler) Handle(ctx context.Context, cmd PronounceSanction) (sanction.Sanction, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return sanction.Sanction{}, err
	}
	if err := authz.CanSanction(p); err != nil {
		return sanction.Sanction{}, err
	}
	if _, err := h.candidates.Get(ctx, cmd.CandidateID); err != nil {
		return sanction.Sanction{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return sanction.Sanction{}, err
	}
	s, err := sanction.Pronounce(id.String(), cmd.CandidateID, cmd.Input, h.maxBanMonths, p.Subject, h.now())
	if err != nil {
		return sanction.Sanction{}, err
	}
	existing, err := h.sanctions.List(ctx, cmd.CandidateID)
	if err != nil {
		return sanction.Sanction{}, err
	}
	if len(existing) >= sanction.MaxPerCandidate {
		return sanction.Sanction{}, sanction.ErrTooMany.WithMeta("max", strconv.Itoa(sanction.MaxPerCandidate))
	}
	if err := h.sanctions.Create(ctx, s); err != nil {
		return sanction.Sanction{}, err
	}
	return s, nil
}
