package command

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// SubmitDossier freezes a dossier for a session. RequestID, when set, makes
// retries return the first snapshot (AIP-155).
type SubmitDossier struct {
	DossierID   string
	SessionID   string
	CandidacyID string
	RequestID   string
}

// SubmitDossierHandler handles SubmitDossier.
type SubmitDossierHandler struct {
	repo       dossier.Repository
	access     authz.Access
	candidates refdata.Candidates
	titles     refdata.Titles
	sessions   refdata.Sessions
	now        func() time.Time
}

// NewSubmitDossierHandler returns the handler.
func NewSubmitDossierHandler(repo dossier.Repository, access authz.Access, candidates refdata.Candidates,
	titles refdata.Titles, sessions refdata.Sessions, now func() time.Time,
) SubmitDossierHandler {
	return SubmitDossierHandler{repo: repo, access: access, candidates: candidates, titles: titles, sessions: sessions, now: now}
}

// Handle takes the snapshot and returns it; DossierSubmitted is published
// from the same transaction. The cover is derived now from the candidate
// record (R42) and frozen with the rest (R41).
func (h SubmitDossierHandler) Handle(ctx context.Context, cmd SubmitDossier) (*dossier.Snapshot, error) {
	p, d, err := ownDossier(ctx, h.repo, h.access, cmd.DossierID)
	if err != nil {
		return nil, err
	}
	session, err := h.sessions.Get(ctx, cmd.SessionID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return nil, ErrSessionUnknown.WithMeta("session_id", cmd.SessionID)
	}
	if err != nil {
		return nil, err
	}
	title, err := h.titles.Get(ctx, d.TitleID(), d.TitleVersion())
	if err != nil {
		return nil, titleError(err)
	}
	owner, err := h.candidates.Get(ctx, d.CandidateID())
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("submit dossier: new id: %w", err)
	}
	hash, err := requestHash(struct{ SessionID, CandidacyID string }{cmd.SessionID, cmd.CandidacyID})
	if err != nil {
		return nil, err
	}
	in := dossier.SubmitInput{
		SnapshotID: id.String(), Session: session, CandidacyID: cmd.CandidacyID,
		Title: title, Cover: dossier.CoverOf(owner, title),
	}
	return h.repo.Submit(ctx, cmd.DossierID, dossier.RequestKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash},
		func(d *dossier.Dossier) (*dossier.Snapshot, error) { return d.Submit(in, h.now()) })
}
