package command_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/titrepro/titrepro/internal/dbtest"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

func TestLoadCatalogueShippedReferentials(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	got, err := command.NewLoadCatalogueHandler(titleRepo(db), fixedNow).Handle(context.Background(), os.DirFS(referentiels))
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if got.Files == 0 || got.Published != got.Files {
		t.Fatalf("Handle() = %+v; want every file published", got)
	}
	p, err := titleRepo(db).Get(context.Background(), catalogue.Key{Code: "TP-00495", Version: "2008"})
	if err != nil || p.Title.CompetenceCount() != 20 {
		t.Fatalf("TP-00495 = %d competences, %v; want 20", p.Title.CompetenceCount(), err)
	}
}

func TestLoadCatalogue(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("restart with the same files publishes nothing more", func(t *testing.T) {
				t.Parallel()
				db := migrated(t, e)
				files := fstest.MapFS{
					"a.yaml": {Data: []byte(titleYAML("TP-00001", "2024", "Titre A"))},
					"b.yaml": {Data: []byte(titleYAML("TP-00002", "2024", "Titre B"))},
				}
				for start, wantPublished := range []int{2, 0, 0} {
					// A new handler and repository each time, as after a restart.
					got, err := command.NewLoadCatalogueHandler(titleRepo(db), fixedNow).Handle(context.Background(), files)
					if err != nil || got.Published != wantPublished || got.Files != 2 {
						t.Fatalf("start %d: Handle() = %+v, %v; want %d published", start, got, err, wantPublished)
					}
				}
				if n := events(t, db); n != 2 {
					t.Fatalf("%d TitleVersionPublished events; want 2, one per version", n)
				}
			})
			t.Run("changed content of a published version stops the load", func(t *testing.T) {
				t.Parallel()
				db := migrated(t, e)
				load := command.NewLoadCatalogueHandler(titleRepo(db), fixedNow)
				first := fstest.MapFS{"tp-00001.yaml": {Data: []byte(titleYAML("TP-00001", "2024", "Titre A"))}}
				if _, err := load.Handle(context.Background(), first); err != nil {
					t.Fatalf("first load: %v", err)
				}
				second := fstest.MapFS{
					"new.yaml":      {Data: []byte(titleYAML("TP-00003", "2024", "Nouveau"))},
					"tp-00001.yaml": {Data: []byte(titleYAML("TP-00001", "2024", "Titre A corrigé"))},
				}
				_, err := load.Handle(context.Background(), second)
				if !errors.Is(err, catalogue.ErrTitleVersionChanged) {
					t.Fatalf("second load = %v; want ErrTitleVersionChanged", err)
				}
				for _, want := range []string{"tp-00001.yaml", "TP-00001 version 2024"} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("error %q does not name %q", err, want)
					}
				}
				if n := titles(t, db); n != 1 {
					t.Fatalf("%d titles stored; want 1: the failed load must store nothing", n)
				}
				if n := events(t, db); n != 1 {
					t.Fatalf("%d events; want 1", n)
				}
			})
			t.Run("a broken file stops the load, naming file, line and field", func(t *testing.T) {
				t.Parallel()
				db := migrated(t, e)
				files := fstest.MapFS{
					"a-good.yaml":   {Data: []byte(titleYAML("TP-00001", "2024", "Titre A"))},
					"b-broken.yaml": {Data: []byte(strings.Replace(titleYAML("TP-00002", "2024", "B"), "level: 5", "level: cinq", 1))},
				}
				_, err := command.NewLoadCatalogueHandler(titleRepo(db), fixedNow).Handle(context.Background(), files)
				if !errors.Is(err, catalogue.ErrInvalidTitleVersion) {
					t.Fatalf("Handle() = %v; want ErrInvalidTitleVersion", err)
				}
				if !strings.Contains(err.Error(), "b-broken.yaml:4: level") {
					t.Fatalf("error %q does not name b-broken.yaml:4: level", err)
				}
				if n := titles(t, db); n != 0 {
					t.Fatalf("%d titles stored; want none", n)
				}
				if n := events(t, db); n != 0 {
					t.Fatalf("%d events; want none", n)
				}
			})
		})
	}
}
