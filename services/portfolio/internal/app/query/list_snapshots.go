package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// AllDossiers is the dossier id that lists snapshots across dossiers
// (AIP-159).
const AllDossiers = "-"

// ListSnapshots asks for one page of snapshots, oldest first: of one
// dossier or of all (AllDossiers), optionally of one session.
type ListSnapshots struct {
	DossierID string
	SessionID string
	PageSize  int32
	PageToken string
}

// SnapshotPage is one page of snapshots; NextPageToken is empty on the last.
type SnapshotPage struct {
	Snapshots     []*dossier.Snapshot
	NextPageToken string
}

// ListSnapshotsHandler handles ListSnapshots.
type ListSnapshotsHandler struct {
	repo       dossier.Repository
	access     authz.Access
	candidates refdata.Candidates
}

// NewListSnapshotsHandler returns the handler.
func NewListSnapshotsHandler(repo dossier.Repository, access authz.Access, candidates refdata.Candidates) ListSnapshotsHandler {
	return ListSnapshotsHandler{repo: repo, access: access, candidates: candidates}
}

// errSessionRequired: centres and jurors list by session.
var errSessionRequired = authz.ErrDenied.WithMessage("centres and jurors list the snapshots of one of their sessions: set session_id")

// Handle returns the page. Ministry and admin list anything; the owner
// lists the snapshots of their dossiers; a centre or a juror lists those
// of a session they read (session_id required).
func (h ListSnapshotsHandler) Handle(ctx context.Context, q ListSnapshots) (SnapshotPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return SnapshotPage{}, err
	}
	sq, err := h.scope(ctx, p, q)
	if err != nil {
		return SnapshotPage{}, err
	}
	listing := "snapshots|dossier=" + sq.DossierID + "|candidate=" + sq.CandidateID + "|session=" + sq.SessionID
	var after pageKey
	size, resumed, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return SnapshotPage{}, err
	}
	sq.Limit = size + 1
	if resumed {
		sq.After = &dossier.Cursor{CreatedAt: after.CreatedAt, ID: after.ID}
	}
	found, err := h.repo.Snapshots(ctx, sq)
	if err != nil {
		return SnapshotPage{}, err
	}
	page, token, err := paging.Next(listing, found, size, func(s *dossier.Snapshot) pageKey {
		return pageKey{CreatedAt: s.SubmittedAt, ID: s.ID}
	})
	if err != nil {
		return SnapshotPage{}, err
	}
	return SnapshotPage{Snapshots: page, NextPageToken: token}, nil
}

// scope returns the filters the caller may list with.
func (h ListSnapshotsHandler) scope(ctx context.Context, p auth.Principal, q ListSnapshots) (dossier.SnapshotQuery, error) {
	sq := dossier.SnapshotQuery{SessionID: q.SessionID}
	if q.DossierID != AllDossiers {
		sq.DossierID = q.DossierID
	}
	if authz.ReadsAll(p) {
		return sq, nil
	}
	if p.Has(auth.RoleCandidate) {
		own, err := h.candidates.BySubject(ctx, p.Subject)
		switch {
		case err == nil:
			if q.DossierID == AllDossiers {
				sq.CandidateID = own.ID
				return sq, nil
			}
			d, err := h.repo.Get(ctx, q.DossierID)
			if err == nil && d.CandidateID() == own.ID {
				return sq, nil
			}
			if err != nil && apperr.KindOf(err) != apperr.KindNotFound {
				return sq, err
			}
		case apperr.KindOf(err) != apperr.KindNotFound:
			return sq, err
		}
	}
	if !p.HasAny(auth.RoleCentre, auth.RoleJuror) {
		return sq, authz.ErrDenied
	}
	if q.SessionID == "" {
		return sq, errSessionRequired
	}
	reads, err := h.access.ReadsSession(ctx, p, q.SessionID)
	if err != nil {
		return sq, err
	}
	if !reads {
		return sq, authz.ErrDenied
	}
	sq.ExceptCandidates, err = h.access.RecusedCandidates(ctx, p, q.SessionID)
	return sq, err
}
