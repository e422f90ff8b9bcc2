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
//     documents, never a draft; a juror recused from a candidacy (a
//     declared link with its candidate, R21) reads nothing of it;
//   - everybody else: nothing.
//
// Table (table.go) lists, for every RPC, the roles and the ownership rule
// these functions implement.
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

// ErrRecused refuses a juror recused from the candidacy (R21) the snapshot
// was submitted for.
var ErrRecused = ErrDenied.WithMessage("you declared a link with this candidate: you may not read their dossier").WithRule("R21")

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
	Candidates  refdata.Candidates
	Sessions    refdata.Sessions
	Candidacies refdata.Candidacies
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
// the owner, and the centre and jurors of its session, but a juror
// recused from the candidacy (R21).
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
	return a.notRecused(ctx, p, s)
}

// notRecused returns ErrRecused when p reads s's session only as a juror
// and is recused from the candidacy of s's candidate there (R21). The
// organising centre reads whatever its jurors are recused from.
func (a Access) notRecused(ctx context.Context, p auth.Principal, s *dossier.Snapshot) error {
	organiser, err := a.organises(ctx, p, s.SessionID)
	if err != nil || organiser {
		return err
	}
	recused, err := a.Candidacies.Recused(ctx, s.SessionID, s.CandidateID, p.Subject)
	if err != nil {
		return err
	}
	if recused {
		return ErrRecused.WithMeta("session_id", s.SessionID)
	}
	return nil
}

// RecusedCandidates returns the candidates of session sessionID whose
// snapshots p may not read because p, reading the session only as a
// juror, is recused from their candidacies (R21): a list leaves them out.
func (a Access) RecusedCandidates(ctx context.Context, p auth.Principal, sessionID string) ([]string, error) {
	if ReadsAll(p) || !p.Has(auth.RoleJuror) {
		return nil, nil
	}
	organiser, err := a.organises(ctx, p, sessionID)
	if err != nil || organiser {
		return nil, err
	}
	return a.Candidacies.RecusedCandidates(ctx, sessionID, p.Subject)
}

// organises reports whether p is the organising centre of the session; an
// unknown session has none.
func (a Access) organises(ctx context.Context, p auth.Principal, sessionID string) (bool, error) {
	if !p.Has(auth.RoleCentre) || p.Centre == "" {
		return false, nil
	}
	s, err := a.Sessions.Get(ctx, sessionID)
	if apperr.KindOf(err) == apperr.KindNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.CentreID == p.Centre, nil
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
