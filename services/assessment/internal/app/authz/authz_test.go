package authz_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var now = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

var (
	centreOwn       = auth.Principal{Subject: "centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69"}
	centreOther     = auth.Principal{Subject: "other-centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-13"}
	jurorAssigned   = auth.Principal{Subject: "j1", Roles: []auth.Role{auth.RoleJuror}}
	jurorUnassigned = auth.Principal{Subject: "j9", Roles: []auth.Role{auth.RoleJuror}}
	jurorConflicted = auth.Principal{Subject: "j3", Roles: []auth.Role{auth.RoleJuror}}
	candidateOwn    = auth.Principal{Subject: "sub-cand-1", Roles: []auth.Role{auth.RoleCandidate}}
	candidateOther  = auth.Principal{Subject: "sub-cand-9", Roles: []auth.Role{auth.RoleCandidate}}
	ministry        = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
	admin           = auth.Principal{Subject: "root", Roles: []auth.Role{auth.RoleAdmin}}
)

// fixture returns a session of CENTRE-69 with jurors j1, j2 and j3 and
// candidacy cy-1 of cand-1 (subject sub-cand-1), whose training
// organisation j3 declared a link with (R21).
func fixture(t *testing.T) (*session.Session, candidacy.Candidacy) {
	t.Helper()
	ti := title.Title{ID: "TP-00495", Version: "2008", CCPs: []title.CCP{{Code: "CCP1", Competences: []string{"CCP1-C1"}}}}
	s, err := session.New("s-1", "CENTRE-69", session.Draft{Type: title.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		Site: "Lyon", StartDate: "2026-06-01", EndDate: "2026-06-02"}, ti, session.RequestKey{}, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"j1", "j2", "j3"} {
		in := jury.Input{Subject: sub, DisplayName: sub, HabNumber: "H", HabTitleID: "TP-00495", HabValidFrom: "2026-01-01", HabValidTo: "2026-12-31"}
		if sub == "j3" {
			in.Links = []jury.Link{{Kind: jury.LinkTrainingOrganisation, Value: "GRETA"}}
		}
		j, err := jury.New(in, now)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddJuror(j, now); err != nil {
			t.Fatal(err)
		}
	}
	p := candidate.Candidate{ID: "cand-1", Subject: "sub-cand-1", BirthName: "Martin", AccessRoute: candidate.RouteTraining, Version: 1}
	if _, err := s.Register("cy-1", candidacy.Registration{CandidateID: "cand-1"}, p, ti, session.RequestKey{}, now); err != nil {
		t.Fatal(err)
	}
	p.TrainingOrganisation = "GRETA"
	s.RefreshCandidate(p, now)
	c, err := s.Candidacy("cy-1")
	if err != nil {
		t.Fatal(err)
	}
	return s, c
}

// reason is the ErrorInfo reason of err, "" for nil.
func reason(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindPermissionDenied {
		t.Fatalf("error %v is not PermissionDenied", err)
	}
	return ae.Reason
}

const (
	ok        = ""
	denied    = "SESSION_ACCESS_DENIED"
	notJuror  = "JUROR_NOT_ASSIGNED"
	recused   = "JUROR_CONFLICT_OF_INTEREST"
	notOwnEva = "EVALUATION_ACCESS_DENIED"
)

func TestAccessTable(t *testing.T) {
	t.Parallel()
	type row struct {
		read, jury, manage, candidacy, readOwnEval, writeOwnEval, act, sign string
	}
	tests := []struct {
		name string
		p    auth.Principal
		want row
	}{
		{"centre, own session: reads and manages, no scoring", centreOwn,
			row{ok, ok, ok, ok, denied, denied, denied, denied}},
		{"centre, other centre's session: nothing", centreOther,
			row{denied, denied, denied, denied, denied, denied, denied, denied}},
		{"juror assigned: reads, scores, deliberates, signs", jurorAssigned,
			row{ok, ok, denied, ok, ok, ok, ok, ok}},
		{"juror not assigned: nothing", jurorUnassigned,
			row{notJuror, notJuror, notJuror, notJuror, notJuror, notJuror, notJuror, notJuror}},
		{"R21: juror with a link to the candidate: reads the session and signs; neither reads the candidacy, scores nor deliberates", jurorConflicted,
			row{ok, ok, denied, recused, recused, recused, recused, ok}},
		{"candidate of the session: reads the session and its own candidacy only", candidateOwn,
			row{ok, denied, denied, ok, denied, denied, denied, denied}},
		{"another candidate: nothing", candidateOther,
			row{denied, denied, denied, denied, denied, denied, denied, denied}},
		{"ministry: reads everything, changes nothing", ministry,
			row{ok, ok, denied, ok, ok, denied, denied, denied}},
		{"admin: reads everything, changes nothing", admin,
			row{ok, ok, denied, ok, ok, denied, denied, denied}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, c := fixture(t)
			got := row{
				read:         reason(t, authz.CanRead(tt.p, s)),
				jury:         reason(t, authz.CanReadJury(tt.p, s)),
				manage:       reason(t, authz.CanManage(tt.p, s)),
				candidacy:    reason(t, authz.CanReadCandidacy(tt.p, s, c)),
				readOwnEval:  reason(t, authz.CanReadEvaluation(tt.p, s, c, tt.p.Subject)),
				writeOwnEval: reason(t, authz.CanWriteEvaluation(tt.p, s, c, tt.p.Subject)),
				act:          reason(t, authz.CanAct(tt.p, s, c)),
				sign:         reason(t, authz.CanSign(tt.p, s)),
			}
			if got != tt.want {
				t.Fatalf("access = %+v\n want %+v", got, tt.want)
			}
		})
	}
}

func TestJurorReadsOnlyOwnEvaluation(t *testing.T) {
	t.Parallel()
	s, c := fixture(t)
	if got := reason(t, authz.CanReadEvaluation(jurorAssigned, s, c, "j2")); got != notOwnEva {
		t.Fatalf("juror reading another juror's evaluation: %q; want %q", got, notOwnEva)
	}
	if err := authz.CanReadEvaluation(ministry, s, c, "j2"); err != nil {
		t.Fatalf("ministry reading an evaluation: %v", err)
	}
}

func TestCandidateDoesNotSeeTheDecision(t *testing.T) {
	t.Parallel()
	s, _ := fixture(t)
	if got := authz.Visible(candidateOther, s); len(got) != 0 {
		t.Fatalf("another candidate sees %d candidacies", len(got))
	}
	if got := authz.Visible(candidateOwn, s); len(got) != 1 || got[0].ID != "cy-1" {
		t.Fatalf("own candidacies = %+v", got)
	}
	if got := authz.Visible(centreOwn, s); len(got) != 1 {
		t.Fatalf("centre sees %d candidacies", len(got))
	}
}

func TestR21RecusedJurorListsNothingOfTheCandidacy(t *testing.T) {
	t.Parallel()
	s, _ := fixture(t)
	if got := authz.Visible(jurorConflicted, s); len(got) != 0 {
		t.Fatalf("a recused juror sees %d candidacies; want none", len(got))
	}
	if got := authz.Visible(jurorAssigned, s); len(got) != 1 {
		t.Fatalf("a free juror sees %d candidacies; want 1", len(got))
	}
}

func TestListScopeAndPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		p    auth.Principal
		want session.ListQuery
		err  bool
	}{
		{ministry, session.ListQuery{}, false},
		{centreOwn, session.ListQuery{CentreID: "CENTRE-69"}, false},
		{jurorAssigned, session.ListQuery{JurorSubject: "j1"}, false},
		{candidateOwn, session.ListQuery{CandidateSubject: "sub-cand-1"}, false},
		{auth.Principal{Subject: "x", Roles: []auth.Role{auth.RoleCentre}}, session.ListQuery{}, true},
	}
	for _, tt := range tests {
		got, err := authz.ListScope(tt.p)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ListScope(%v) = %+v, %v", tt.p.Roles, got, err)
		}
	}
	if c, err := authz.Plan(centreOwn); err != nil || c != "CENTRE-69" {
		t.Errorf("Plan(centre) = %q, %v", c, err)
	}
	for _, p := range []auth.Principal{jurorAssigned, ministry, {Roles: []auth.Role{auth.RoleCentre}}} {
		if _, err := authz.Plan(p); apperr.KindOf(err) != apperr.KindPermissionDenied {
			t.Errorf("Plan(%v) = %v; want PermissionDenied", p.Roles, err)
		}
	}
}

func TestCentreRegistersOnlyItsOwnOrSelfRegisteredCandidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		centre string
		want   string
	}{
		{"registered by the centre", "CENTRE-69", ok},
		{"registered themselves", "", ok},
		{"registered by another centre: answered as unknown", "CENTRE-13", "CANDIDATE_UNKNOWN"},
		{"projected before centres were kept: answered as unknown", candidate.CentreUnknown, "CANDIDATE_UNKNOWN"},
	}
	for _, tt := range tests {
		person := candidate.Candidate{ID: "cand-9", BirthName: "Secret", CentreID: tt.centre, Version: 1}
		if got := anyReason(authz.CanRegister(centreOwn, person)); got != tt.want {
			t.Errorf("%s: %q; want %q", tt.name, got, tt.want)
		}
	}
	if got := anyReason(authz.CanRegister(auth.Principal{Subject: "x", Roles: []auth.Role{auth.RoleCentre}}, candidate.Candidate{ID: "c"})); got == ok {
		t.Error("a centre token without a centre registered a candidate")
	}
}

func anyReason(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Reason
	}
	return ""
}
