// Package s3server builds and runs the S3-compatible object store of the
// tests and of the distributed topology on one machine: versitygw
// (Apache-2.0, ADR 0019) with its posix backend, pinned as a tool in
// tools/go.mod so that it builds offline from the module cache. The test
// helper (internal/s3test) and the cluster launcher (internal/cluster) both
// start it through this package, so they run the same server the same way.
package s3server

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Package is the server's main package, pinned as a tool in tools/go.mod.
const Package = "github.com/versity/versitygw/cmd/versitygw"

// Region is the region the server announces and its clients sign for.
const Region = "us-east-1"

// Build builds the server binary to path from the version pinned in
// repo's tools/go.mod (go build -modfile=tools/go.mod, outside the
// workspace), as `go tool -modfile=tools/go.mod versitygw` would.
func Build(ctx context.Context, repo, path string) error {
	// Absolute: the command runs in tools/, where a relative repo or path
	// would mean something else.
	repo, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	if path, err = filepath.Abs(path); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-modfile="+filepath.Join(repo, "tools", "go.mod"), "-o", path, Package)
	cmd.Dir = filepath.Join(repo, "tools")
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("s3server: build %s: %w\n%s", Package, err, out)
	}
	return nil
}

// Args are the arguments that serve dataDir on addr (host:port) with the
// root credentials accessKey and secretKey: every subfolder of dataDir is
// a bucket.
func Args(addr, dataDir, accessKey, secretKey string) []string {
	return []string{
		"--access", accessKey, "--secret", secretKey, "--region", Region,
		"--port", addr, "--quiet",
		"posix", dataDir}
}

// BlobURL returns the portfolio service's BLOB_URL for a bucket of the
// server on addr (path-style requests: the bucket is not a host name).
func BlobURL(addr, bucket string) string {
	return "s3://" + bucket + "?endpoint=http://" + addr + "&use_path_style=true&region=" + Region
}

// CreateBucket creates a bucket of a server serving dataDir, before or
// while it runs: with the posix backend a bucket is a folder.
func CreateBucket(dataDir, bucket string) error {
	return os.MkdirAll(filepath.Join(dataDir, bucket), 0o700)
}
