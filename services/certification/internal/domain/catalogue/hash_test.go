package catalogue

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
)

func mustHash(t *testing.T, tv TitleVersion) string {
	t.Helper()
	h, err := tv.ContentHash()
	if err != nil {
		t.Fatalf("ContentHash: %v", err)
	}
	return h
}

func mustParse(t *testing.T, src string) TitleVersion {
	t.Helper()
	tv, err := Parse("t.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tv
}

func TestContentHash(t *testing.T) {
	t.Parallel()
	base := mustHash(t, mustParse(t, baseYAML))
	if len(base) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", base)
	}
	cases := []struct {
		name string
		src  string
		same bool
	}{
		{"same file", baseYAML, true},
		{"comments and key order do not count", "# a comment\nversion: \"2024\"\n" + strings.Replace(baseYAML, "version: \"2024\"\n", "", 1), true},
		{"quoting does not count", strings.Replace(baseYAML, "label: Titre de test", `label: "Titre de test"`, 1), true},
		{"competence label changes", strings.Replace(baseYAML, "label: Compétence 1", "label: Compétence 1 bis", 1), false},
		{"title label changes", strings.Replace(baseYAML, "label: Titre de test", "label: Titre de test modifié", 1), false},
		{"épreuve duration becomes known", strings.Replace(baseYAML, "session_types: [TITRE]\n", "session_types: [TITRE]\n    duration_minutes: 20\n", 1), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := mustHash(t, mustParse(t, tc.src))
			if (got == base) != tc.same {
				t.Fatalf("hash equal = %v, want %v", got == base, tc.same)
			}
		})
	}
}

func TestDurationZeroDiffersFromUnknown(t *testing.T) {
	t.Parallel()
	unknown := mustParse(t, baseYAML)
	zero := mustParse(t, strings.Replace(baseYAML, "session_types: [TITRE]\n", "session_types: [TITRE]\n    duration_minutes: 0\n", 1))
	if mustHash(t, unknown) == mustHash(t, zero) {
		t.Fatal("a zero duration must not hash like an unknown one")
	}
	if d, known := zero.Epreuves[1].Duration(); !known || d != 0 {
		t.Fatalf("Duration = %v, %v", d, known)
	}
}

func TestVerifyUnchanged(t *testing.T) {
	t.Parallel()
	tv := mustParse(t, baseYAML)
	if err := tv.VerifyUnchanged(mustHash(t, tv)); err != nil {
		t.Fatalf("same content: %v", err)
	}
	changed := mustParse(t, strings.Replace(baseYAML, "label: Compétence 1", "label: Autre", 1))
	err := changed.VerifyUnchanged(mustHash(t, tv))
	if !errors.Is(err, ErrTitleVersionChanged) || apperr.KindOf(err) != apperr.KindFailedPrecondition {
		t.Fatalf("want ErrTitleVersionChanged (FAILED_PRECONDITION), got %v", err)
	}
}

func TestUnmarshalTitleVersionRoundTrip(t *testing.T) {
	t.Parallel()
	tv := loadSeed(t)
	data, err := tv.CanonicalJSON()
	if err != nil {
		t.Fatalf("CanonicalJSON: %v", err)
	}
	back, err := UnmarshalTitleVersion(data)
	if err != nil {
		t.Fatalf("UnmarshalTitleVersion: %v", err)
	}
	if !reflect.DeepEqual(back, tv) {
		t.Fatalf("round trip differs:\n got %+v\nwant %+v", back, tv)
	}
	if mustHash(t, back) != mustHash(t, tv) {
		t.Fatal("round trip changes the hash")
	}
}

func TestUnmarshalTitleVersionRejectsCorruptData(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"not JSON":      "{",
		"unknown field": `{"code":"TP-00001","colour":"red"}`,
		"invalid title": `{"code":"TP-00001","version":"1","label":"x","level":5,"valid_from":"2024-01-01","status":"ACTIVE"}`,
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := UnmarshalTitleVersion([]byte(data))
			if !errors.Is(err, ErrCorruptTitleVersion) || apperr.KindOf(err) != apperr.KindInternal {
				t.Fatalf("want ErrCorruptTitleVersion (INTERNAL), got %v", err)
			}
		})
	}
}
