package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// CoverHandler derives the cover of a draft from the projections (R42).
// Callers have checked access to the dossier already.
type CoverHandler struct {
	candidates refdata.Candidates
	titles     refdata.Titles
}

// NewCoverHandler returns the handler.
func NewCoverHandler(candidates refdata.Candidates, titles refdata.Titles) CoverHandler {
	return CoverHandler{candidates: candidates, titles: titles}
}

// Handle returns the cover of d as the candidate record and the title now
// read. A part the projections lack is left empty rather than failing the
// read: the submission checks what it needs.
func (h CoverHandler) Handle(ctx context.Context, d *dossier.Dossier) (dossier.Cover, error) {
	c, err := h.candidates.Get(ctx, d.CandidateID())
	if err != nil && apperr.KindOf(err) != apperr.KindNotFound {
		return dossier.Cover{}, err
	}
	t, err := h.titles.Get(ctx, d.TitleID(), d.TitleVersion())
	if err != nil && apperr.KindOf(err) != apperr.KindNotFound {
		return dossier.Cover{}, err
	}
	return dossier.CoverOf(c, t), nil
}
