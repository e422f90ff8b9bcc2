package authz

import (
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

var errNotMinistry = ErrDenied.WithMessage("only the ministry (DREETS) pronounces sanctions")

// CanSanction returns nil when p may pronounce a sanction (R58): the
// ministry only, the territorial authority that decides them.
func CanSanction(p auth.Principal) error {
	if p.Has(auth.RoleMinistry) {
		return nil
	}
	return errNotMinistry
}

// CanReadSanctions returns nil when p may read c's sanctions: ministry and
// admin, and the candidate themself, who has a right to know the decisions
// taken about them. Not the centre that registered c: a sanction is a
// decision about the person, not part of the record a centre manages; a
// centre learns of a ban when the registration it attempts is refused
// (CANDIDATE_BANNED).
func CanReadSanctions(p auth.Principal, c *candidate.Candidate) error {
	if ReadsAll(p) || p.Has(auth.RoleCandidate) && p.Subject != "" && c.Subject() == p.Subject {
		return nil
	}
	return ErrDenied
}
