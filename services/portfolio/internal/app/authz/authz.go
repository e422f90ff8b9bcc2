// Package authz holds the resource-level access rules of the portfolio
// context, on top of the coarse roles of the token:
//
//   - the owner of a dossier is the person whose candidate record it
//     belongs to: a `candidate` token whose subject is the one the
//     candidate service bound to that record. Only the owner creates,
//     edits, uploads to, deletes from and submits a dossier, and reads its
//     draft;
//   - `ministry` and `admin` read every dossier, snapshot and document,
//     and change nothing;
//   - the organising centre of a session (a `centre` token naming it) and
//     the jurors assigned to it (a `juror` token whose subject the session's
//     jury holds) read the snapshots submitted for that session and their
//     documents, never a draft;
//   - everybody else: nothing.
//
// Existence is not leaked: a caller who may not read a dossier gets
// PermissionDenied whether or not it exists. Only ministry and admin, and
// the owner for the parts of their own dossier, see NotFound.
package authz

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// ErrDenied is the PermissionDenied answer of every rule of this package.
var ErrDenied = apperr.New(apperr.KindPermissionDenied, "DOSSIER_ACCESS_DENIED", "you may not access this dossier")

// ErrNotOwner refuses a change by anybody but the owner.
var ErrNotOwner = ErrDenied.WithMessage("only the candidate who owns a dossier may change it")

// ReadsAll reports whether p reads every dossier and snapshot.
func ReadsAll(p auth.Principal) bool { return p.HasAny(auth.RoleMinistry, auth.RoleAdmin) }

// IsOwner reports whether p is the person of candidate record c.
func IsOwner(p auth.Principal, c refdata.Candidate) bool {
	return p.Has(auth.RoleCandidate) && p.Subject != "" && c.Subject == p.Subject
}

// ReadsSessionAs reports whether p reads the snapshots of session s as its
// organising centre, or as a juror when isJuror says the session's jury
// holds p's subject.
func ReadsSessionAs(p auth.Principal, s refdata.Session, isJuror bool) bool {
	if p.Has(auth.RoleCentre) && p.Centre != "" && p.Centre == s.CentreID {
		return true
	}
	return p.Has(auth.RoleJuror) && p.Subject != "" && isJuror
}

// Access applies the rules with the facts of the projections.
type Access struct {
	Candidates refdata.Candidates
	Sessions   refdata.Sessions
}

// IsOwner reports whether p owns the dossiers of candidate record
// candidateID. A record the service does not know has no owner yet.
func (a Access) IsOwner(ctx context.Context, p auth.Principal, candidateID string) (bool, error) {
	if !p.Has(auth.RoleCandidate) {
		return false, nil
	}
	c, err := a.Candidates.Get(ctx, candidateID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return IsOwner(p, c), nil
}

// ReadsDraft returns nil when p may read the draft of d.
func (a Access) ReadsDraft(ctx context.Context, p auth.Principal, d *dossier.Dossier) error {
	if ReadsAll(p) {
		return nil
	}
	owner, err := a.IsOwner(ctx, p, d.CandidateID())
	if err != nil {
		return err
	}
	if !owner {
		return ErrDenied
	}
	return nil
}

// ReadsSession reports whether p reads the snapshots of session sessionID
// as its centre or one of its jurors. An unknown session is read by
// nobody (but ministry and admin, who read everything).
func (a Access) ReadsSession(ctx context.Context, p auth.Principal, sessionID string) (bool, error) {
	if ReadsAll(p) {
		return true, nil
	}
	if !p.HasAny(auth.RoleCentre, auth.RoleJuror) || sessionID == "" {
		return false, nil
	}
	s, err := a.Sessions.Get(ctx, sessionID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	juror := false
	if p.Has(auth.RoleJuror) && p.Subject != "" {
		if juror, err = a.Sessions.IsJuror(ctx, sessionID, p.Subject); err != nil {
			return false, err
		}
	}
	return ReadsSessionAs(p, s, juror), nil
}

// ReadsSnapshot returns nil when p may read snapshot s: ministry, admin,
// the owner, and the centre and jurors of its session.
func (a Access) ReadsSnapshot(ctx context.Context, p auth.Principal, s *dossier.Snapshot) error {
	if ReadsAll(p) {
		return nil
	}
	owner, err := a.IsOwner(ctx, p, s.CandidateID)
	if err != nil || owner {
		return err
	}
	reads, err := a.ReadsSession(ctx, p, s.SessionID)
	if err != nil {
		return err
	}
	if !reads {
		return ErrDenied
	}
	return nil
}

// Hide turns the NotFound of a resource p may not know about into
// ErrDenied, so that existence is not leaked; ministry and admin, and
// callers for whom known is true (the owner), see NotFound.
func Hide(p auth.Principal, err error, known bool) error {
	if apperr.KindOf(err) == apperr.KindNotFound && !ReadsAll(p) && !known {
		return ErrDenied
	}
	return err
}
