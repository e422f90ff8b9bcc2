// Package authz holds the resource-level access rules of the candidate
// context (architecture.md §6), on top of the coarse roles of the token:
//
//   - candidate: creates the one record bound to its own subject, reads and
//     updates only the record bound to its subject;
//   - centre: creates candidates for the centre named in its token, reads,
//     lists and updates those the centre registered;
//   - ministry, admin: read and list every record; they do not create or
//     update (the API gives them no such use case);
//   - juror, or a caller without a role above: nothing.
//
// A caller holding several roles gets the widest reading right, and creates
// as a centre when it holds the centre role.
//
// Existence is not leaked: when the caller may not read a candidate, the
// answer is PermissionDenied whether or not it exists. Only ministry and
// admin, who may read every record, ever see NotFound.
package authz

import (
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// ErrDenied is the PermissionDenied answer of every rule of this package.
var ErrDenied = apperr.New(apperr.KindPermissionDenied, "CANDIDATE_ACCESS_DENIED",
	"you may not access this candidate")

var (
	errCentreClaimMissing = ErrDenied.WithMessage("a centre token must name its centre")
	errNoCreateRole       = ErrDenied.WithMessage("only candidates and centres register candidates")
	errNoUpdateRole       = ErrDenied.WithMessage("only the candidate or the registering centre may update a candidate")
	errNoReadRole         = ErrDenied.WithMessage("your roles give no access to candidates")
)

// Registration says for whom a caller creates a candidate.
type Registration struct {
	CentreID    string // the registering centre, for centre callers
	SelfSubject string // the caller's own subject, for self-registration
}

// Register returns how p may create a candidate.
func Register(p auth.Principal) (Registration, error) {
	switch {
	case p.Has(auth.RoleCentre):
		if p.Centre == "" {
			return Registration{}, errCentreClaimMissing
		}
		return Registration{CentreID: p.Centre}, nil
	case p.Has(auth.RoleCandidate) && p.Subject != "":
		return Registration{SelfSubject: p.Subject}, nil
	default:
		return Registration{}, errNoCreateRole
	}
}

// ReadsAll reports whether p may read every candidate.
func ReadsAll(p auth.Principal) bool { return p.HasAny(auth.RoleMinistry, auth.RoleAdmin) }

// MayRead reports whether p may read some candidates; callers that may not
// are refused before any lookup.
func MayRead(p auth.Principal) error {
	if ReadsAll(p) || MayUpdate(p) == nil {
		return nil
	}
	return errNoReadRole
}

// MayUpdate reports whether p may update some candidates.
func MayUpdate(p auth.Principal) error {
	if p.Has(auth.RoleCentre) && p.Centre != "" || p.Has(auth.RoleCandidate) && p.Subject != "" {
		return nil
	}
	if p.Has(auth.RoleCentre) {
		return errCentreClaimMissing
	}
	return errNoUpdateRole
}

// CanRead returns nil when p may read c.
func CanRead(p auth.Principal, c *candidate.Candidate) error {
	if ReadsAll(p) || owns(p, c) {
		return nil
	}
	return ErrDenied
}

// CanUpdate returns nil when p may update c.
func CanUpdate(p auth.Principal, c *candidate.Candidate) error {
	if owns(p, c) {
		return nil
	}
	return ErrDenied
}

// owns: the centre that registered c, or the person bound to c.
func owns(p auth.Principal, c *candidate.Candidate) bool {
	if p.Has(auth.RoleCentre) && p.Centre != "" && c.CentreID() == p.Centre {
		return true
	}
	return p.Has(auth.RoleCandidate) && p.Subject != "" && c.Subject() == p.Subject
}

// Scope is the part of the candidates a caller may list. Empty fields match
// everything.
type Scope struct {
	CentreID string
	Subject  string
}

// ListScope returns what p may list: everything for ministry and admin, the
// centre's candidates for a centre, the caller's own record for a candidate.
func ListScope(p auth.Principal) (Scope, error) {
	switch {
	case ReadsAll(p):
		return Scope{}, nil
	case p.Has(auth.RoleCentre):
		if p.Centre == "" {
			return Scope{}, errCentreClaimMissing
		}
		return Scope{CentreID: p.Centre}, nil
	case p.Has(auth.RoleCandidate) && p.Subject != "":
		return Scope{Subject: p.Subject}, nil
	default:
		return Scope{}, errNoReadRole
	}
}
