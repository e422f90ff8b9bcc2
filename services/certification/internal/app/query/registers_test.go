package query_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
)

// TestRegisters records and reads the ministry's registers through the use
// cases: who may write, who reads what (a centre its own agréments and the
// register without private details, a juror their own habilitations), and
// the title's end bounding agréments (R9) and habilitations (R18).
func TestRegisters(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	titles := sqlstore.NewTitleRepository(db, outbox.New(db))
	tv, err := catalogue.Parse("ended.yaml", []byte(`code: TP-01000
version: "2020"
label: Titre qui finit
level: 4
valid_from: 2020-01-01
valid_to: 2030-12-31
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: Activité 1
    competences:
      - code: CCP1-C1
        label: Compétence 1
epreuves:
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := titles.Publish(ctx, now, tv); err != nil {
		t.Fatal(err)
	}
	repo := sqlstore.NewRegisterRepository(db, outbox.New(db))
	cmds := command.NewRegistersHandler(repo, titles, func() time.Time { return now })
	reads := query.NewRegistersHandler(repo)
	as := func(p auth.Principal) context.Context { return auth.WithPrincipal(ctx, p) }
	officer := auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
	admin := auth.Principal{Subject: "operator", Roles: []auth.Role{auth.RoleAdmin}}
	centreA := auth.Principal{Subject: "agent-a", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-A"}
	centreB := auth.Principal{Subject: "agent-b", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-B"}
	claire := auth.Principal{Subject: "claire", Roles: []auth.Role{auth.RoleJuror}}
	other := auth.Principal{Subject: "paul", Roles: []auth.Role{auth.RoleJuror}}

	agr := register.AgrementInput{ID: "AGR-A", CentreID: "CENTRE-A", TitleID: "TP-01000", TitleVersion: "2020", Site: "Lyon",
		ValidFrom: "2026-01-01", ValidTo: "2030-12-31"}
	if _, _, err := cmds.GrantAgrement(as(admin), agr); !errors.Is(err, register.ErrWriteDenied) {
		t.Fatalf("admin grants: %v; want ErrWriteDenied", err)
	}
	beyond := agr
	beyond.ValidTo = "2031-01-01"
	if _, _, err := cmds.GrantAgrement(as(officer), beyond); !errors.Is(err, register.ErrAgrementBeyondTitle) {
		t.Fatalf("R9: %v", err)
	}
	unknown := agr
	unknown.TitleVersion = "1999"
	if _, _, err := cmds.GrantAgrement(as(officer), unknown); !errors.Is(err, command.ErrTitleUnknown) {
		t.Fatalf("unknown title version: %v", err)
	}
	if _, created, err := cmds.GrantAgrement(as(officer), agr); err != nil || !created {
		t.Fatalf("grant: %v %v", created, err)
	}
	if _, err := reads.Agrement(as(centreA), "AGR-A"); err != nil {
		t.Fatalf("the centre reads its agrément: %v", err)
	}
	for _, p := range []auth.Principal{centreB, claire} {
		if _, err := reads.Agrement(as(p), "AGR-A"); !errors.Is(err, register.ErrReadDenied) {
			t.Errorf("%s reads centre A's agrément: %v", p.Subject, err)
		}
	}
	if _, err := reads.Agrement(as(centreA), "AGR-NONE"); !errors.Is(err, register.ErrReadDenied) {
		t.Errorf("a centre learns that an agrément does not exist: %v", err)
	}
	if page, err := reads.ListAgrements(as(centreB), query.ListAgrements{}); err != nil || len(page.Agrements) != 0 {
		t.Errorf("centre B lists %v, %v; want none", page.Agrements, err)
	}
	if _, err := reads.ListAgrements(as(centreB), query.ListAgrements{CentreID: "CENTRE-A"}); !errors.Is(err, register.ErrReadDenied) {
		t.Errorf("centre B lists centre A's: %v", err)
	}

	hab := register.HabilitationInput{Number: "HAB-1", JurorSubject: "claire", JurorName: "Claire Martin", JurorEmail: "claire@example.org",
		TitleID: "TP-01000", ValidFrom: "2026-01-01", ValidTo: "2030-12-31", Category: register.Professional, ExperienceYears: 9}
	long := hab
	long.ValidTo = "2031-06-30"
	if _, _, err := cmds.GrantHabilitation(as(officer), long); !errors.Is(err, register.ErrHabilitationBeyondTitle) {
		t.Fatalf("R18: %v", err)
	}
	if _, _, err := cmds.GrantHabilitation(as(officer), hab); err != nil {
		t.Fatal(err)
	}
	got, err := reads.Habilitation(as(centreB), "HAB-1")
	if err != nil || got.Full {
		t.Fatalf("R18: any centre reads the register, without private details: %+v, %v", got, err)
	}
	if got, err := reads.Habilitation(as(claire), "HAB-1"); err != nil || !got.Full {
		t.Fatalf("the juror reads their own entry: %+v, %v", got, err)
	}
	if _, err := reads.Habilitation(as(other), "HAB-1"); !errors.Is(err, register.ErrReadDenied) {
		t.Fatalf("another juror reads it: %v", err)
	}
	if page, err := reads.ListHabilitations(as(other), query.ListHabilitations{}); err != nil || len(page.Habilitations) != 0 {
		t.Fatalf("another juror lists %v, %v; want none", page.Habilitations, err)
	}
	if _, err := reads.ListHabilitations(as(other), query.ListHabilitations{JurorSubject: "claire"}); !errors.Is(err, register.ErrReadDenied) {
		t.Fatalf("another juror lists claire's: %v", err)
	}
	if _, err := reads.ListHabilitations(as(centreA), query.ListHabilitations{ValidFrom: "demain"}); err == nil {
		t.Fatal("a malformed date filter is accepted")
	}

	if st, err := reads.JurorCharter(as(claire), "me"); err != nil || st.Acceptance != nil || st.CurrentVersion != register.CharterVersion {
		t.Fatalf("before acceptance: %+v, %v", st, err)
	}
	if _, err := reads.JurorCharter(as(other), "claire"); !errors.Is(err, register.ErrReadDenied) {
		t.Fatalf("another juror reads claire's charte: %v", err)
	}
	if _, err := cmds.AcceptCharter(as(claire), "paul", ""); err == nil {
		t.Fatal("a juror accepts the charte for another")
	}
	if _, err := cmds.AcceptCharter(as(centreA), "me", ""); err == nil {
		t.Fatal("a centre accepts the charte")
	}
	c, err := cmds.AcceptCharter(as(claire), "me", "")
	if err != nil || c.JurorSubject != "claire" || c.Version != register.CharterVersion {
		t.Fatalf("R23: %+v, %v", c, err)
	}
	if st, err := reads.JurorCharter(as(officer), "claire"); err != nil || st.Acceptance == nil || !st.Acceptance.AcceptedAt.Equal(now) {
		t.Fatalf("after acceptance, as the ministry reads it: %+v, %v", st, err)
	}

	if _, err := cmds.WithdrawHabilitation(as(officer), "HAB-1", ""); err == nil {
		t.Fatal("a withdrawal without reason is accepted")
	}
	w, err := cmds.WithdrawHabilitation(as(officer), "HAB-1", "Radiation à la demande du juré")
	if err != nil || w.State != register.Withdrawn {
		t.Fatalf("withdraw: %+v, %v", w, err)
	}
	if _, err := cmds.WithdrawAgrement(as(centreA), "AGR-A", "motif"); !errors.Is(err, register.ErrWriteDenied) {
		t.Fatalf("a centre withdraws its agrément: %v", err)
	}
}
