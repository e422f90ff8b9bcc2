package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
)

func TestRegisterRepository(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC)
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openDB(t, e)
			repo := sqlstore.NewRegisterRepository(db, outbox.New(db))

			in := register.AgrementInput{ID: "AGR-1", CentreID: "CENTRE-A", TitleID: "TP-00495", TitleVersion: "2008",
				Site: "Lyon", ValidFrom: "2026-01-01", ValidTo: "2027-12-31"}
			a, err := register.NewAgrement(in, civildate.Date{}, "officer", at)
			if err != nil {
				t.Fatal(err)
			}
			got, created, err := repo.GrantAgrement(ctx, a)
			if err != nil || !created || !got.SameGrant(a) {
				t.Fatalf("grant = %+v, %v, %v", got, created, err)
			}
			again, created, err := repo.GrantAgrement(ctx, a)
			if err != nil || created || !again.GrantedAt.Equal(got.GrantedAt) {
				t.Fatalf("grant again = %+v, %v, %v; want the first, not created", again, created, err)
			}
			other := a
			other.Site = "Grenoble"
			if _, _, err := repo.GrantAgrement(ctx, other); !errors.Is(err, register.ErrAgrementExists) {
				t.Fatalf("same id, other site: %v", err)
			}
			b := a
			b.ID, b.CentreID = "AGR-2", "CENTRE-B"
			if _, _, err := repo.GrantAgrement(ctx, b); err != nil {
				t.Fatal(err)
			}
			if n := countEvents(t, db, "titrepro.certification.v1.agrement_granted"); n != 2 {
				t.Fatalf("%d AgrementGranted; want 2", n)
			}
			list, err := repo.ListAgrements(ctx, register.AgrementFilter{CentreID: "CENTRE-B"}, "", 10)
			if err != nil || len(list) != 1 || list[0].ID != "AGR-2" {
				t.Fatalf("list centre B = %+v, %v", list, err)
			}
			list, err = repo.ListAgrements(ctx, register.AgrementFilter{}, "AGR-1", 10)
			if err != nil || len(list) != 1 || list[0].ID != "AGR-2" {
				t.Fatalf("list after AGR-1 = %+v, %v", list, err)
			}
			w, err := repo.UpdateAgrement(ctx, "AGR-1", func(x *register.Agrement) (bool, error) { return x.Withdraw("fermeture", "officer", at) })
			if err != nil || w.State != register.Withdrawn || w.Version != 2 {
				t.Fatalf("withdraw = %+v, %v", w, err)
			}
			read, err := repo.Agrement(ctx, "AGR-1")
			if err != nil || read.State != register.Withdrawn || read.WithdrawalReason != "fermeture" || !read.WithdrawnAt.Equal(at.Truncate(time.Microsecond)) {
				t.Fatalf("read = %+v, %v", read, err)
			}
			if _, err := repo.UpdateAgrement(ctx, "AGR-1", func(x *register.Agrement) (bool, error) { return x.Withdraw("fermeture", "officer", at) }); err != nil {
				t.Fatal(err)
			}
			if n := countEvents(t, db, "titrepro.certification.v1.agrement_withdrawn"); n != 1 {
				t.Fatalf("%d AgrementWithdrawn; want 1 (the second withdrawal changes nothing)", n)
			}
			if _, err := repo.Agrement(ctx, "nope"); !errors.Is(err, register.ErrAgrementNotFound) {
				t.Fatalf("unknown: %v", err)
			}

			h, err := register.NewHabilitation(register.HabilitationInput{Number: "HAB-1", JurorSubject: "juror-1", JurorName: "Claire",
				JurorEmail: "claire@example.org", TitleID: "TP-00495", ValidFrom: "2026-01-01", ValidTo: "2028-12-31",
				Category: register.Supervisor, ExperienceYears: 4, LastPractised: "2025-01-01", Trainer: true}, civildate.Date{}, "officer", at)
			if err != nil {
				t.Fatal(err)
			}
			if _, created, err := repo.GrantHabilitation(ctx, h); err != nil || !created {
				t.Fatalf("grant habilitation: %v %v", created, err)
			}
			if _, created, err := repo.GrantHabilitation(ctx, h); err != nil || created {
				t.Fatalf("grant habilitation again: %v %v", created, err)
			}
			h2 := h
			h2.Trainer = false
			if _, _, err := repo.GrantHabilitation(ctx, h2); !errors.Is(err, register.ErrHabilitationExists) {
				t.Fatalf("same number, other content: %v", err)
			}
			readH, err := repo.Habilitation(ctx, "HAB-1")
			if err != nil || !readH.SameGrant(h) {
				t.Fatalf("read habilitation = %+v, %v", readH, err)
			}
			for _, tt := range []struct {
				f    register.HabilitationFilter
				want int
			}{
				{register.HabilitationFilter{TitleID: "TP-00495"}, 1},
				{register.HabilitationFilter{TitleID: "TP-00001"}, 0},
				{register.HabilitationFilter{JurorSubject: "juror-1", From: "2026-06-01", To: "2026-06-03"}, 1},
				{register.HabilitationFilter{From: "2025-12-31", To: "2026-06-03"}, 0},
				{register.HabilitationFilter{From: "2026-06-01", To: "2029-01-01"}, 0},
			} {
				got, err := repo.ListHabilitations(ctx, tt.f, "", 10)
				if err != nil || len(got) != tt.want {
					t.Errorf("list %+v = %d, %v; want %d", tt.f, len(got), err, tt.want)
				}
			}
			if _, err := repo.UpdateHabilitation(ctx, "HAB-1", func(x *register.Habilitation) (bool, error) { return x.Withdraw("radiation", "officer", at) }); err != nil {
				t.Fatal(err)
			}
			if got, _ := repo.ListHabilitations(ctx, register.HabilitationFilter{From: "2026-06-01", To: "2026-06-03"}, "", 10); len(got) != 0 {
				t.Fatalf("a withdrawn habilitation is listed as covering: %+v", got)
			}

			c, err := register.AcceptCharter("juror-1", "", at)
			if err != nil {
				t.Fatal(err)
			}
			first, err := repo.AcceptCharter(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			c.AcceptedAt = at.Add(time.Hour)
			second, err := repo.AcceptCharter(ctx, c)
			if err != nil || !second.AcceptedAt.Equal(first.AcceptedAt) {
				t.Fatalf("accept again = %+v, %v; want the first acceptance %v", second, err, first.AcceptedAt)
			}
			for subject, want := range map[string]int{
				"titrepro.certification.v1.habilitation_granted":   1,
				"titrepro.certification.v1.habilitation_withdrawn": 1,
				"titrepro.certification.v1.juror_charter_accepted": 1,
			} {
				if n := countEvents(t, db, subject); n != want {
					t.Errorf("%d %s; want %d", n, subject, want)
				}
			}
		})
	}
}
