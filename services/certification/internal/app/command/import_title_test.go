package command_test

import (
	"context"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
)

func TestImportTitleAuthorisation(t *testing.T) {
	t.Parallel()
	doc := []byte(titleYAML("TP-00001", "2024", "Titre"))
	tests := []struct {
		name       string
		ctx        context.Context
		wantKind   apperr.Kind
		wantReason string
	}{
		{"no token: unauthenticated", context.Background(), apperr.KindUnauthenticated, "UNAUTHENTICATED"},
		{"centre may not publish", as(auth.RoleCentre), apperr.KindPermissionDenied, "PERMISSION_DENIED"},
		{"candidate may not publish", as(auth.RoleCandidate), apperr.KindPermissionDenied, "PERMISSION_DENIED"},
		{"juror may not publish", as(auth.RoleJuror), apperr.KindPermissionDenied, "PERMISSION_DENIED"},
		{"ministry publishes", as(auth.RoleMinistry), 0, ""},
		{"admin, an operator role, may not publish", as(auth.RoleAdmin), apperr.KindPermissionDenied, "PERMISSION_DENIED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqliteDB(t)
			res, err := command.NewImportTitleHandler(titleRepo(db), fixedNow).Handle(tt.ctx, command.ImportTitle{YAML: doc})
			if tt.wantReason != "" {
				requireKind(t, err, tt.wantKind, tt.wantReason)
				if n := titles(t, db); n != 0 {
					t.Fatalf("%d titles stored after a refusal", n)
				}
				return
			}
			if err != nil || !res.Created || res.Title.Title.Code != "TP-00001" {
				t.Fatalf("Handle() = %+v, %v; want TP-00001 created", res, err)
			}
			if n := events(t, db); n != 1 {
				t.Fatalf("%d events; want 1", n)
			}
		})
	}
}

func TestImportTitle(t *testing.T) {
	t.Parallel()
	ministry := as(auth.RoleMinistry)
	t.Run("same content again is not created and emits nothing", func(t *testing.T) {
		t.Parallel()
		db := sqliteDB(t)
		h := command.NewImportTitleHandler(titleRepo(db), fixedNow)
		doc := []byte(titleYAML("TP-00001", "2024", "Titre"))
		for i, wantCreated := range []bool{true, false} {
			res, err := h.Handle(ministry, command.ImportTitle{YAML: doc, SourceName: "tp.yaml"})
			if err != nil || res.Created != wantCreated {
				t.Fatalf("import %d: created %v, %v; want %v", i, res.Created, err, wantCreated)
			}
		}
		if n := events(t, db); n != 1 {
			t.Fatalf("%d events; want 1", n)
		}
	})
	t.Run("other content for the same version is refused", func(t *testing.T) {
		t.Parallel()
		db := sqliteDB(t)
		h := command.NewImportTitleHandler(titleRepo(db), fixedNow)
		if _, err := h.Handle(ministry, command.ImportTitle{YAML: []byte(titleYAML("TP-00001", "2024", "Titre"))}); err != nil {
			t.Fatalf("first import: %v", err)
		}
		_, err := h.Handle(ministry, command.ImportTitle{YAML: []byte(titleYAML("TP-00001", "2024", "Titre modifié"))})
		requireKind(t, err, apperr.KindFailedPrecondition, "TITLE_VERSION_IMMUTABLE")
		if n := events(t, db); n != 1 {
			t.Fatalf("%d events; want 1", n)
		}
	})
	tests := []struct {
		name     string
		cmd      command.ImportTitle
		wantText string
	}{
		{"empty document", command.ImportTitle{}, "referentiel_yaml"},
		{"document over 1 MiB", command.ImportTitle{YAML: []byte(titleYAML("TP-00001", "2024", strings.Repeat("x", command.MaxReferentialSize)))}, "must be at most 1 MiB"},
		{"invalid document named by its source", command.ImportTitle{
			YAML: []byte(strings.Replace(titleYAML("TP-00001", "2024", "T"), "level: 5", "level: 0", 1)), SourceName: "tp-01281.yaml"},
			"tp-01281.yaml:4: level"},
		{"invalid document without a name", command.ImportTitle{YAML: []byte("code: [")}, "import.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			db := sqliteDB(t)
			_, err := command.NewImportTitleHandler(titleRepo(db), fixedNow).Handle(ministry, tt.cmd)
			if apperr.KindOf(err) != apperr.KindInvalidArgument || !strings.Contains(err.Error(), tt.wantText) {
				t.Fatalf("Handle() = %v; want invalid argument mentioning %q", err, tt.wantText)
			}
			if n := titles(t, db); n != 0 {
				t.Fatalf("%d titles stored", n)
			}
		})
	}
}
