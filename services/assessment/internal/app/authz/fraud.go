package authz

import (
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var errNotReporter = ErrDenied.WithMessage("only a juror of the session or the responsable de session (the organising centre) files a fraud report")

// CanReportFraud returns who p reports as when filing a fraud report on s
// (R57), on candidacy c when not nil: the organising centre, which the
// responsable de session acts for, or a juror of s, free of any link with
// c's candidate (R21: a recused juror does not judge the candidate, nor
// report on them). Ministry, admin, the session's candidates, a juror of
// another session and another centre are refused.
func CanReportFraud(p auth.Principal, s *session.Session, c *candidacy.Candidacy) (fraud.Reporter, error) {
	switch {
	case Organises(p, s):
		return fraud.Reporter{Role: fraud.ReporterCentre, Subject: p.Subject, Name: p.Centre}, nil
	case SitsOn(p, s):
		if c != nil {
			if err := CanAct(p, s, *c); err != nil {
				return fraud.Reporter{}, err
			}
		}
		name := p.Subject
		for _, j := range s.Jurors() {
			if j.Subject == p.Subject && j.DisplayName != "" {
				name = j.DisplayName
			}
		}
		return fraud.Reporter{Role: fraud.ReporterJuror, Subject: p.Subject, Name: name}, nil
	case ReadsAll(p) || SitsIn(p, s):
		return fraud.Reporter{}, errNotReporter
	}
	return fraud.Reporter{}, Denial(p)
}
