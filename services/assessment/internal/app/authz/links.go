package authz

import (
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var (
	// ErrNotOwnLinks: a juror declares only their own links (R21).
	ErrNotOwnLinks = apperr.New(apperr.KindPermissionDenied, "JUROR_LINKS_ACCESS_DENIED",
		"a juror declares only their own links").WithRule("R21")

	errNotDeclarer = ErrDenied.WithMessage("only the juror declares their links; the centre, the ministry and the candidates read them")
)

// CanDeclareLinks returns nil when p may declare the links of juror (the
// subject, "me" already resolved) on s: the juror themselves, sitting on
// s. Neither the organising centre nor another juror declares for them;
// ministry and admin read the links (ListJurors) but declare nothing.
func CanDeclareLinks(p auth.Principal, s *session.Session, juror string) error {
	switch {
	case SitsOn(p, s) && juror == p.Subject:
		return nil
	case SitsOn(p, s):
		return ErrNotOwnLinks.WithMeta("juror", juror)
	case p.Has(auth.RoleJuror):
		return session.ErrJurorNotAssigned
	case ReadsAll(p) || Organises(p, s) || SitsIn(p, s):
		return errNotDeclarer
	}
	return Denial(p)
}
