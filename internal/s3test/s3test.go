// Package s3test runs a real S3-compatible server for tests: versitygw
// (Apache-2.0, ADR 0019) with its posix backend, built from the version
// pinned in tools/go.mod, so that tests reach an object store without a
// container engine or the internet once the module cache holds it.
//
//	srv := s3test.Start(t)
//	store, err := blobstore.Open(ctx, srv.BlobURL, ...)
//
// Start builds the server (once per test process, and the binary is kept
// in the user cache directory under the hash of tools/go.mod and go.sum, so
// later runs reuse it), starts it on a free port over a temporary folder
// with the bucket created, waits until it answers and stops it at the end
// of the test. Without a server it skips the test with the reason, or fails
// it when CI=true: CI must not silently lose the object store coverage.
//
// Binary, Build, Command, CreateBucket, BlobURL and Env are for programs
// that run the server themselves (the cluster launcher).
package s3test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/s3server"
)

// Package is the server's main package, pinned as a tool in tools/go.mod.
const Package = s3server.Package

// The server's root credentials, region and the bucket Start creates.
// They are test values: the server listens on the loopback only.
const (
	AccessKey = "titrepro-test"
	SecretKey = "titrepro-test-secret"
	Region    = s3server.Region
	Bucket    = "evidence"
)

// RepoRoot returns the repository's root: the nearest folder from dir
// upwards that holds tools/go.mod.
func RepoRoot(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "tools", "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("s3test: no tools/go.mod above %s", dir)
		}
	}
}

// Build builds the server binary to path (s3server.Build).
func Build(ctx context.Context, repo, path string) error { return s3server.Build(ctx, repo, path) }

// Command returns the command line that serves dataDir on addr (host:port):
// every subfolder of dataDir is a bucket, and the root credentials are
// AccessKey and SecretKey.
func Command(bin, addr, dataDir string) []string {
	return append([]string{bin}, s3server.Args(addr, dataDir, AccessKey, SecretKey)...)
}

// BlobURL returns the BLOB_URL of a bucket of the server on addr.
func BlobURL(addr, bucket string) string { return s3server.BlobURL(addr, bucket) }

// Env returns the environment a client of the server needs, as KEY=VALUE.
func Env() []string {
	return []string{
		"AWS_ACCESS_KEY_ID=" + AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + SecretKey,
		"AWS_EC2_METADATA_DISABLED=true", // no look-up of a cloud instance's role
	}
}

// CreateBucket creates a bucket of a server serving dataDir.
func CreateBucket(dataDir, bucket string) error { return s3server.CreateBucket(dataDir, bucket) }

// Server is a running server.
type Server struct {
	Addr    string // host:port
	Dir     string // the posix folder: <Dir>/<Bucket>/<key>
	BlobURL string // BLOB_URL of Bucket

	cmd     *exec.Cmd
	out     *syncBuffer
	exited  chan struct{}
	stopped sync.Once
}

var built struct {
	once sync.Once
	path string
	err  error
}

// Binary returns the path of the server binary, built the first time it is
// called in the process (repository found from the working directory) and
// cached across processes: see cachedBuild.
func Binary() (string, error) {
	built.once.Do(func() {
		wd, err := os.Getwd()
		if err != nil {
			built.err = err
			return
		}
		repo, err := RepoRoot(wd)
		if err != nil {
			built.err = err
			return
		}
		built.path, built.err = cachedBuild(repo)
	})
	return built.path, built.err
}

// cachedBuild builds the server into the user cache directory, named after
// the hash of tools/go.mod and go.sum: the same pins reuse the binary, new
// pins build a new one. go test runs the test processes of several packages
// at once: a lock file makes one of them build while the others wait, and
// the binary is written under a temporary name and renamed, so that none
// ever runs a partial one.
func cachedBuild(repo string) (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum"} {
		b, err := os.ReadFile(filepath.Join(repo, "tools", f))
		if err != nil {
			return "", err
		}
		h.Write(b)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "titrepro", "s3test")
	path := filepath.Join(dir, "versitygw-"+hex.EncodeToString(h.Sum(nil))[:16])
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	lock, err := os.OpenFile(filepath.Join(dir, "build.lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", err
	}
	defer lock.Close() // releases the lock
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", err
	}
	if _, err := os.Stat(path); err == nil {
		return path, nil // built by another process while this one waited
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	if err := Build(ctx, repo, filepath.Join(tmp, "versitygw")); err != nil {
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "versitygw"), path); err != nil {
		return "", err
	}
	return path, nil
}

// setEnv gives the test process the server's credentials, once: every
// server it starts has the same.
var setEnv sync.Once

// Start starts a server with Bucket created and stops it when the test
// ends. It sets AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY of the test
// process to the server's keys (the same for every server), so that
// blob.OpenBucket finds them as it would in production.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("S3 server required in CI: %v", err)
		}
		t.Skipf("no S3 server (%s could not be built; the module cache may lack it: run `go mod download` in tools/): %v", Package, err)
	}
	setEnv.Do(func() {
		for _, kv := range Env() {
			k, v, _ := strings.Cut(kv, "=")
			if err := os.Setenv(k, v); err != nil {
				t.Fatal(err)
			}
		}
	})
	dir := t.TempDir()
	if err := CreateBucket(dir, Bucket); err != nil {
		t.Fatal(err)
	}
	// A free port may be taken between its look-up and the server's
	// listen: try again on another one.
	var errs []error
	for range 3 {
		s, err := start(bin, dir)
		if err == nil {
			t.Cleanup(s.Stop)
			return s
		}
		errs = append(errs, err)
	}
	t.Fatalf("s3test: start: %v", errors.Join(errs...))
	return nil
}

func start(bin, dir string) (*Server, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	args := Command(bin, addr, dir)
	s := &Server{
		Addr: addr, Dir: dir, BlobURL: BlobURL(addr, Bucket),
		cmd: exec.Command(args[0], args[1:]...), out: &syncBuffer{}, exited: make(chan struct{}),
	}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }()
	if err := s.waitReady(30 * time.Second); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w\n%s", err, s.out.String())
	}
	return s, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady waits until the server answers HTTP: an unsigned request gets
// 403, which is enough to know it serves.
func (s *Server) waitReady(limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for {
		resp, err := client.Get("http://" + s.Addr + "/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("s3test: server on %s exited", s.Addr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("s3test: server on %s not answering after %v: %w", s.Addr, limit, err)
		}
	}
}

// Stop stops the server (SIGTERM, then SIGKILL after 5 s) and waits for
// it. Calling it again does nothing; Start calls it at the end of the test.
func (s *Server) Stop() {
	s.stopped.Do(func() {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-s.exited:
		case <-time.After(5 * time.Second):
			_ = s.cmd.Process.Kill()
			<-s.exited
		}
	})
}

// buckets numbers the buckets NewBucket creates.
var buckets atomic.Int64

// NewBucket creates another bucket of the server and returns its BLOB_URL:
// tests that need a bucket each share one server.
func (s *Server) NewBucket(t testing.TB) string {
	t.Helper()
	name := fmt.Sprintf("bucket-%d", buckets.Add(1))
	if err := CreateBucket(s.Dir, name); err != nil {
		t.Fatal(err)
	}
	return BlobURL(s.Addr, name)
}

// Output returns what the server printed so far.
func (s *Server) Output() string { return s.out.String() }

// syncBuffer is a bytes.Buffer the server's two output streams share.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
