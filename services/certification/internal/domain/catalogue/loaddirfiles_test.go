package catalogue

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadDirFilesKeepsFileNames(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"b.yaml": {Data: []byte(baseYAML)},
		"a.yaml": {Data: []byte(strings.Replace(baseYAML, "TP-00001", "TP-00002", 1))},
	}
	files, err := LoadDirFiles(fsys)
	if err != nil {
		t.Fatalf("LoadDirFiles: %v", err)
	}
	if len(files) != 2 || files[0].Name != "a.yaml" || files[0].Title.Code != "TP-00002" ||
		files[1].Name != "b.yaml" || files[1].Title.Code != "TP-00001" {
		t.Fatalf("LoadDirFiles() = %+v; want a.yaml TP-00002 then b.yaml TP-00001", files)
	}
}
