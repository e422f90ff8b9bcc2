package s3test_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/s3test"
)

// A started server answers S3 requests (an unsigned one is refused with
// 403, the S3 way) and serves its bucket as a folder; once stopped it
// answers nothing.
func TestStartServesUntilStopped(t *testing.T) {
	t.Parallel()
	srv := s3test.Start(t)
	resp, err := http.Get("http://" + srv.Addr + "/" + s3test.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("unsigned GET = %s; want 403 Forbidden", resp.Status)
	}
	if fi, err := os.Stat(filepath.Join(srv.Dir, s3test.Bucket)); err != nil || !fi.IsDir() {
		t.Errorf("bucket folder: %v", err)
	}
	if want := "s3://evidence?endpoint=http://" + srv.Addr + "&use_path_style=true&region=us-east-1"; srv.BlobURL != want {
		t.Errorf("BlobURL = %q; want %q", srv.BlobURL, want)
	}
	srv.Stop()
	if resp, err := http.Get("http://" + srv.Addr + "/"); err == nil {
		resp.Body.Close()
		t.Errorf("stopped server answered %s", resp.Status)
	}
	srv.Stop() // a second Stop does nothing
}

func TestRepoRootAndCommand(t *testing.T) {
	t.Parallel()
	root, err := s3test.RepoRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "tools", "go.mod")); err != nil {
		t.Errorf("RepoRoot = %s: %v", root, err)
	}
	if _, err := s3test.RepoRoot("/"); err == nil {
		t.Error("RepoRoot(/) found a repository")
	}
	got := strings.Join(s3test.Command("/bin/vgw", "127.0.0.1:7070", "/data"), " ")
	if want := "/bin/vgw --access titrepro-test --secret titrepro-test-secret --region us-east-1 --port 127.0.0.1:7070 --quiet posix /data"; got != want {
		t.Errorf("Command = %q; want %q", got, want)
	}
}
