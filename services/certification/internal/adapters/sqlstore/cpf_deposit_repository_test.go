package sqlstore_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
)

// TestR56_CpfDepositStateIsKept: the deposit state of each award is
// tracked once, read back in award-date order, updated by export and
// report, never forgotten once deposited, and refused for an untracked
// award — on both engines.
func TestR56_CpfDepositStateIsKept(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			repo := sqlstore.NewCpfDepositRepository(openDB(t, e))
			at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
			n, err := repo.Track(ctx, []cpfdeposit.State{
				{AwardID: "b", AwardDate: "2026-10-02"}, {AwardID: "a", AwardDate: "2026-10-02"}, {AwardID: "c", AwardDate: "2026-09-01"},
			}, at)
			if err != nil || n != 3 {
				t.Fatalf("Track = %d, %v", n, err)
			}
			states, err := repo.States(ctx)
			if err != nil {
				t.Fatal(err)
			}
			states = cpfdeposit.Exported(states, "f1", cpfdeposit.ToExport(states))
			states, _ = cpfdeposit.Apply(states, cpfdeposit.Acknowledgement{FluxID: "f1", Passages: []cpfdeposit.PassageResult{
				{IDTechnique: "TP-c", AwardID: "c", Outcome: cpfdeposit.Accepted},
				{IDTechnique: "TP-a", AwardID: "a", Outcome: cpfdeposit.Rejected, Message: "Aucun titulaire ne correspond"},
			}})
			if err := repo.Save(ctx, states, at); err != nil {
				t.Fatal(err)
			}
			// Tracking again adds only the new award and keeps the others.
			if n, err := repo.Track(ctx, []cpfdeposit.State{{AwardID: "c", AwardDate: "2026-09-01"}, {AwardID: "d", AwardDate: "2026-11-30"}}, at); err != nil || n != 1 {
				t.Fatalf("second Track = %d, %v", n, err)
			}
			got, err := repo.States(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := []cpfdeposit.State{
				{AwardID: "c", AwardDate: "2026-09-01", FluxID: "f1", Outcome: cpfdeposit.Accepted},
				{AwardID: "a", AwardDate: "2026-10-02", FluxID: "f1", Outcome: cpfdeposit.Rejected, Message: "Aucun titulaire ne correspond"},
				{AwardID: "b", AwardDate: "2026-10-02", FluxID: "f1"},
				{AwardID: "d", AwardDate: "2026-11-30"},
			}
			if !slices.Equal(got, want) {
				t.Fatalf("States =\n%+v\nwant\n%+v", got, want)
			}
			if ids := cpfdeposit.ToExport(got); !slices.Equal(ids, []string{"a", "d"}) {
				t.Errorf("ToExport = %v, want a and d", ids)
			}

			// A deposited row is never overwritten, whatever is saved.
			if err := repo.Save(ctx, []cpfdeposit.State{{AwardID: "c", AwardDate: "2026-09-01", FluxID: "f9", Outcome: cpfdeposit.Rejected}}, at); err != nil {
				t.Fatal(err)
			}
			// An untracked award is refused, and the whole save with it.
			err = repo.Save(ctx, []cpfdeposit.State{{AwardID: "b", FluxID: "f2"}, {AwardID: "zz", FluxID: "f2"}}, at)
			if err == nil || !strings.Contains(err.Error(), "zz") {
				t.Errorf("Save of an untracked award = %v", err)
			}
			got, err = repo.States(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("after refused saves, States =\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}

// TestR56_ExportedFileIsKeptWithItsStates: a deposit file is recorded with
// the states of its awards, both or neither, on both engines.
func TestR56_ExportedFileIsKeptWithItsStates(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			repo := sqlstore.NewCpfDepositRepository(openDB(t, e))
			at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
			if _, err := repo.Track(ctx, []cpfdeposit.State{{AwardID: "a", AwardDate: "2026-10-02"}}, at); err != nil {
				t.Fatal(err)
			}
			states, err := repo.States(ctx)
			if err != nil {
				t.Fatal(err)
			}
			f := cpfdeposit.File{FluxID: "f1", Content: []byte("<flux/>"), Awards: 1, ExportedBy: "officer", ExportedAt: at}
			if err := repo.SaveExport(ctx, f, cpfdeposit.Exported(states, "f1", []string{"a"})); err != nil {
				t.Fatalf("SaveExport: %v", err)
			}
			content, ok, err := repo.File(ctx, "f1")
			if err != nil || !ok || string(content) != "<flux/>" {
				t.Fatalf("File = %q, %v, %v", content, ok, err)
			}
			if got, _ := repo.States(ctx); got[0].FluxID != "f1" {
				t.Fatalf("state after export = %+v", got[0])
			}
			// An untracked award refuses the whole export: no file is kept.
			f.FluxID = "f2"
			if err := repo.SaveExport(ctx, f, []cpfdeposit.State{{AwardID: "zz", FluxID: "f2"}}); err == nil {
				t.Fatal("SaveExport of an untracked award accepted")
			}
			if _, ok, _ := repo.File(ctx, "f2"); ok {
				t.Fatal("file f2 kept though its states were refused")
			}
		})
	}
}
