package authz_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/fraud"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestR57_WhoFilesAFraudReport: a juror of the session or the organising
// centre (the responsable de session) files a report, on the session or a
// candidacy; a juror recused from the candidate does not report on them;
// a juror of another session, another centre, a candidate, the ministry
// and the admin are refused.
func TestR57_WhoFilesAFraudReport(t *testing.T) {
	t.Parallel()
	s, c := fixture(t)
	cases := []struct {
		name      string
		p         auth.Principal
		candidacy *candidacy.Candidacy
		role      fraud.ReporterRole
		denied    error // nil: allowed
	}{
		{"the organising centre, on the session", centreOwn, nil, fraud.ReporterCentre, nil},
		{"the organising centre, on a candidacy", centreOwn, &c, fraud.ReporterCentre, nil},
		{"a juror of the session, on the session", jurorAssigned, nil, fraud.ReporterJuror, nil},
		{"a juror of the session, on a candidacy", jurorAssigned, &c, fraud.ReporterJuror, nil},
		{"a juror recused from the candidate (R21)", jurorConflicted, &c, "", session.ErrJurorRecused},
		{"a recused juror, on the session", jurorConflicted, nil, fraud.ReporterJuror, nil},
		{"a juror of another session", jurorUnassigned, nil, "", session.ErrJurorNotAssigned},
		{"another centre", centreOther, nil, "", authz.ErrDenied},
		{"the session's candidate", candidateOwn, &c, "", authz.ErrDenied},
		{"another candidate", candidateOther, nil, "", authz.ErrDenied},
		{"the ministry", ministry, nil, "", authz.ErrDenied},
		{"the admin", admin, nil, "", authz.ErrDenied},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := authz.CanReportFraud(tc.p, s, tc.candidacy)
			if tc.denied == nil {
				if err != nil || r.Role != tc.role || r.Subject != tc.p.Subject {
					t.Fatalf("CanReportFraud() = %+v, %v; want a %s reporter", r, err, tc.role)
				}
				return
			}
			if !errors.Is(err, tc.denied) {
				t.Fatalf("CanReportFraud() = %v; want %v", err, tc.denied)
			}
		})
	}
}
