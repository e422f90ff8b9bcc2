package catalogue

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadDirRepositoryReferentials(t *testing.T) {
	t.Parallel()
	titles, err := LoadDir(os.DirFS(referentiels))
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	var found bool
	for _, tv := range titles {
		found = found || (tv.Code == "TP-00495" && tv.Version == "2008")
	}
	if !found {
		t.Fatalf("TP-00495 version 2008 not loaded from %s", referentiels)
	}
}

func TestLoadDir(t *testing.T) {
	t.Parallel()
	other := strings.Replace(baseYAML, "TP-00001", "TP-00002", 1)
	invalid := strings.Replace(baseYAML, "level: 5", "level: 0", 1)
	cases := []struct {
		name      string
		fsys      fstest.MapFS
		wantCodes []string
		wantErr   error
		wantText  string
	}{
		{
			name: "valid files in name order, other files ignored",
			fsys: fstest.MapFS{
				"b.yaml":        {Data: []byte(baseYAML)},
				"a.yaml":        {Data: []byte(other)},
				"README.md":     {Data: []byte("not a title")},
				"old.yml":       {Data: []byte("not read: only *.yaml")},
				"drafts/c.yaml": {Data: []byte("not read: top level only")},
			},
			wantCodes: []string{"TP-00002", "TP-00001"},
		},
		{
			name: "one invalid file fails the whole load",
			fsys: fstest.MapFS{
				"a.yaml": {Data: []byte(other)},
				"b.yaml": {Data: []byte(invalid)},
			},
			wantErr:  ErrInvalidTitleVersion,
			wantText: "b.yaml:4: level: must be a level of the cadre national",
		},
		{
			name: "violations of every file are reported",
			fsys: fstest.MapFS{
				"a.yaml": {Data: []byte(strings.Replace(other, "level: 5", "level: 0", 1))},
				"b.yaml": {Data: []byte(invalid)},
			},
			wantErr:  ErrInvalidTitleVersion,
			wantText: "a.yaml:4: level: must be a level of the cadre national, 1 to 8, got 0; b.yaml:4: level:",
		},
		{
			name: "same code and version in two files",
			fsys: fstest.MapFS{
				"a.yaml": {Data: []byte(baseYAML)},
				"b.yaml": {Data: []byte(strings.Replace(baseYAML, "Titre de test", "Autre", 1))},
			},
			wantErr:  ErrInvalidTitleVersion,
			wantText: "b.yaml:2: version: title TP-00001 version 2024 is also defined in a.yaml",
		},
		{
			name:    "no yaml file",
			fsys:    fstest.MapFS{"README.md": {Data: []byte("x")}},
			wantErr: ErrNoReferentials,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			titles, err := LoadDir(tc.fsys)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || titles != nil {
					t.Fatalf("got %d titles, err %v; want none and %v", len(titles), err, tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantText) {
					t.Fatalf("error %q does not contain %q", err, tc.wantText)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadDir: %v", err)
			}
			var codes []string
			for _, tv := range titles {
				codes = append(codes, tv.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tc.wantCodes, ",") {
				t.Fatalf("codes = %v, want %v", codes, tc.wantCodes)
			}
		})
	}
}

func TestLoadDirMissingFolder(t *testing.T) {
	t.Parallel()
	_, err := LoadDir(os.DirFS(t.TempDir() + "/missing"))
	if err == nil || errors.Is(err, ErrNoReferentials) {
		t.Fatalf("a missing folder must be a read error, got %v", err)
	}
}
