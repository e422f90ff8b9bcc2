package authz

import (
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var errNotWithdrawer = ErrDenied.WithMessage("only the candidate or the organising centre withdraws a candidacy")

// CanWithdraw returns nil when p may withdraw candidacy c of s: its
// candidate, or the organising centre. It reports whether p acts as the
// candidate.
func CanWithdraw(p auth.Principal, s *session.Session, c candidacy.Candidacy) (byCandidate bool, err error) {
	switch {
	case Organises(p, s):
		return false, nil
	case owns(p, c):
		return true, nil
	case ReadsAll(p) || SitsOn(p, s) || SitsIn(p, s):
		return false, errNotWithdrawer
	}
	return false, Denial(p)
}

// CanRecordAttendance returns nil when p may record the attendance of
// candidacy c of s: the organising centre, or a juror of s free of any
// link with c's candidate (R21).
func CanRecordAttendance(p auth.Principal, s *session.Session, c candidacy.Candidacy) error {
	if Organises(p, s) {
		return nil
	}
	if SitsOn(p, s) {
		return CanAct(p, s, c)
	}
	return CanManage(p, s)
}
