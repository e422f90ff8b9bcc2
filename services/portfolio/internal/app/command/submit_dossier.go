package command

import (
	"context"
	"fmt"
	"strings"
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
	// ValidateOnly runs every check of a submission and stores nothing:
	// Handle then returns a nil snapshot when the dossier could be
	// submitted.
	ValidateOnly bool
}

// SubmitDossierHandler handles SubmitDossier.
type SubmitDossierHandler struct {
	repo        dossier.Repository
	access      authz.Access
	candidates  refdata.Candidates
	titles      refdata.Titles
	sessions    refdata.Sessions
	candidacies refdata.Candidacies
	schedules   refdata.Schedules
	now         func() time.Time
}

// NewSubmitDossierHandler returns the handler.
func NewSubmitDossierHandler(repo dossier.Repository, access authz.Access, candidates refdata.Candidates,
	titles refdata.Titles, sessions refdata.Sessions, candidacies refdata.Candidacies, schedules refdata.Schedules, now func() time.Time,
) SubmitDossierHandler {
	return SubmitDossierHandler{repo: repo, access: access, candidates: candidates, titles: titles, sessions: sessions,
		candidacies: candidacies, schedules: schedules, now: now}
}

// Handle takes the snapshot and returns it; DossierSubmitted is published
// from the same transaction. The cover is derived now from the candidate
// record (R42) and frozen with the rest (R41). The snapshot goes onto the
// owner's candidacy in the session: the one named, which must be theirs
// and in that session, or, when none is named, the one the projection
// knows; anything else is dossier.ErrCandidacyUnknown.
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
	candidacy, err := h.candidacy(ctx, cmd, d.CandidateID())
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
	schedule, err := h.schedules.Get(ctx, cmd.SessionID)
	if err != nil && apperr.KindOf(err) != apperr.KindNotFound {
		return nil, err
	}
	if cmd.ValidateOnly {
		in := dossier.SubmitInput{Session: session, Candidacy: candidacy, Title: title, Cover: dossier.CoverOf(owner, title), Schedule: schedule}
		return nil, d.CheckSubmission(in, h.now())
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
		SnapshotID: id.String(), Session: session, Candidacy: candidacy,
		Title: title, Cover: dossier.CoverOf(owner, title), Schedule: schedule,
	}
	return h.repo.Submit(ctx, cmd.DossierID, dossier.RequestKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash},
		func(d *dossier.Dossier) (*dossier.Snapshot, error) { return d.Submit(in, h.now()) })
}

// candidacy returns the candidacy cmd submits onto: the one it names, or
// the candidate's in the session. The domain checks that it is the
// candidate's in that session.
func (h SubmitDossierHandler) candidacy(ctx context.Context, cmd SubmitDossier, candidateID string) (refdata.Candidacy, error) {
	var (
		c   refdata.Candidacy
		err error
	)
	if id := strings.TrimSpace(cmd.CandidacyID); id != "" {
		c, err = h.candidacies.Get(ctx, id)
	} else {
		c, err = h.candidacies.OfCandidate(ctx, cmd.SessionID, candidateID)
	}
	if apperr.KindOf(err) == apperr.KindNotFound {
		return refdata.Candidacy{}, dossier.ErrCandidacyUnknown.WithMeta("session_id", cmd.SessionID)
	}
	return c, err
}
