package app_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

var now = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)

// The callers of these tests.
var (
	cand1         = auth.Principal{Subject: "cand-1", Roles: []auth.Role{auth.RoleCandidate}}
	cand2         = auth.Principal{Subject: "cand-2", Roles: []auth.Role{auth.RoleCandidate}}
	cand3         = auth.Principal{Subject: "cand-3", Roles: []auth.Role{auth.RoleCandidate}}
	centre1       = auth.Principal{Subject: "centre-user-1", Roles: []auth.Role{auth.RoleCentre}, Centre: "C1"}
	centre2       = auth.Principal{Subject: "centre-user-2", Roles: []auth.Role{auth.RoleCentre}, Centre: "C2"}
	centreNoClaim = auth.Principal{Subject: "centre-user-x", Roles: []auth.Role{auth.RoleCentre}}
	ministry      = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
	admin         = auth.Principal{Subject: "root", Roles: []auth.Role{auth.RoleAdmin}}
	juror         = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
)

// fixture is an application on a fresh SQLite database holding:
//   - self: registered by cand-1 themself;
//   - bound: registered by centre C1 for cand-2;
//   - unbound: registered by centre C2, no account yet.
type fixture struct {
	app                  app.Application
	self, bound, unbound *candidate.Candidate
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	ctx := context.Background()
	if err := sqlstore.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	a := app.New(sqlstore.NewCandidateRepository(db, outbox.New(db)),
		app.Sanctions{Repo: sqlstore.NewSanctionRepository(db, outbox.New(db)), MaxBanMonths: sanction.DefaultMaxBanMonths}, func() time.Time { return now })
	f := fixture{app: a}
	f.self = mustCreate(t, a, cand1, details(""))
	f.bound = mustCreate(t, a, centre1, details("cand-2"))
	f.unbound = mustCreate(t, a, centre2, details(""))
	return f
}

func details(subject string) candidate.Details {
	return candidate.Details{
		Subject:     subject,
		BirthName:   "Martin",
		GivenNames:  []string{"Camille"},
		BirthDate:   "1990-06-01",
		BirthPlace:  candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:       "camille@example.org",
		AccessRoute: candidate.RouteTraining,
		Training:    &candidate.TrainingEnrolment{Organisation: "AFPA"},
	}
}

func as(p auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

func mustCreate(t *testing.T, a app.Application, p auth.Principal, d candidate.Details) *candidate.Candidate {
	t.Helper()
	c, err := a.Commands.CreateCandidate.Handle(as(p), command.CreateCandidate{Details: d})
	if err != nil {
		t.Fatalf("CreateCandidate as %s = %v", p.Subject, err)
	}
	return c
}

// wantKind fails unless err is an error of kind want.
func wantKind(t *testing.T, err error, want apperr.Kind) {
	t.Helper()
	if err == nil {
		t.Fatalf("error = nil; want %v", want)
	}
	if got := apperr.KindOf(err); got != want {
		t.Fatalf("error = %v (kind %v); want kind %v", err, got, want)
	}
}

func requireNoError(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("error = %v; want nil", err)
	}
}

func requireIs(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v; want %v", err, target)
	}
}
