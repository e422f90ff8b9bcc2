package cluster

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// TestNATSConfig checks a generated node configuration as nats-server
// reads it: the node's ports, fsync on every write, routes to the two
// other nodes, TLS for clients with the topology's certificates, and
// exactly natsauth's identities and permissions.
func TestNATSConfig(t *testing.T) {
	opts := Options{Root: t.TempDir(), DataDir: t.TempDir(), PortOffset: 100}
	if err := opts.defaults(); err != nil {
		t.Fatal(err)
	}
	creds, err := natsauth.Generate()
	if err != nil {
		t.Fatal(err)
	}
	c := &Cluster{opts: opts, ports: layout(opts.PortOffset), creds: creds}
	if err := c.prepareTLS(); err != nil {
		t.Fatal(err)
	}
	conf, err := c.natsConfig(1)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "nats-2.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := server.ProcessConfigFile(path)
	if err != nil {
		t.Fatalf("nats-server refuses the generated configuration: %v\n%s", err, conf)
	}
	if got.ServerName != "nats-2" || got.Port != 4352 || got.Cluster.Port != 6352 || got.HTTPPort != 8352 {
		t.Errorf("name %s, ports %d %d %d; want nats-2 on 4352, 6352, 8352", got.ServerName, got.Port, got.Cluster.Port, got.HTTPPort)
	}
	if got.TLSConfig == nil || got.TLSConfig.MinVersion < tls.VersionTLS12 || len(got.TLSConfig.Certificates) != 1 {
		t.Errorf("client TLS %+v; want the node's certificate", got.TLSConfig)
	}
	if !got.JetStream || !got.SyncAlways || got.StoreDir != filepath.Join(opts.DataDir, "nats", "nats-2") {
		t.Errorf("jetstream %t, sync always %t, store %s", got.JetStream, got.SyncAlways, got.StoreDir)
	}
	var routes []string
	for _, r := range got.Routes {
		routes = append(routes, r.Host)
	}
	slices.Sort(routes)
	if want := []string{"127.0.0.1:6351", "127.0.0.1:6353"}; !slices.Equal(routes, want) {
		t.Errorf("routes %v; want %v", routes, want)
	}
	if len(got.Nkeys) != len(natsauth.Names()) || len(got.Users) != 0 || got.NoAuthUser != "" {
		t.Fatalf("%d nkey users, %d password users, no-auth %q; want only the %d identities", len(got.Nkeys), len(got.Users), got.NoAuthUser, len(natsauth.Names()))
	}
	byKey := map[string]*server.NkeyUser{}
	for _, u := range got.Nkeys {
		byKey[u.Nkey] = u
	}
	for _, name := range natsauth.Names() {
		pub, _ := creds.PublicKey(name)
		u, ok := byKey[pub]
		if !ok {
			t.Fatalf("identity %s missing", name)
		}
		want, _ := natsauth.PermissionsFor(name)
		if want == nil {
			if u.Permissions != nil {
				t.Errorf("%s: permissions %+v; want none (everything)", name, u.Permissions)
			}
			continue
		}
		if u.Permissions == nil || !slices.Equal(sorted(u.Permissions.Publish.Allow), sorted(want.Publish)) ||
			!slices.Equal(sorted(u.Permissions.Subscribe.Allow), sorted(want.Subscribe)) {
			t.Errorf("%s: permissions differ from natsauth's", name)
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestStopLeavesNoOrphan: stopping a process ends its whole group, the
// children it started included, and a process that ignores SIGTERM is
// killed after the grace period.
func TestStopLeavesNoOrphan(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	p := &Process{Name: "shell", Path: "/bin/sh", Args: []string{"-c", `trap "" TERM; sleep 300 & echo $! > ` + pidFile + `; wait`},
		Log: filepath.Join(dir, "shell.log")}
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	var child int
	deadline := time.Now().Add(5 * time.Second)
	for child == 0 {
		raw, _ := os.ReadFile(pidFile)
		child, _ = strconv.Atoi(strings.TrimSpace(string(raw)))
		if time.Now().After(deadline) {
			t.Fatal("the child never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	began := time.Now()
	if err := p.stop(500 * time.Millisecond); err != nil {
		t.Fatal(err)
	}
	if p.Running() {
		t.Fatal("still running after stop")
	}
	if time.Since(began) < 400*time.Millisecond {
		t.Errorf("stopped in %s although it ignores SIGTERM: the grace period was skipped", time.Since(began))
	}
	// The child (sleep, which ignores SIGTERM too) died with its group.
	deadline = time.Now().Add(5 * time.Second)
	for {
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(child))); os.IsNotExist(err) {
			break
		}
		if raw, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(child), "stat")); strings.Contains(string(raw), ") Z ") {
			break // a zombie waiting for init: dead
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d survived its group's stop", child)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Started again, it runs with the same settings.
	if err := p.start(); err != nil {
		t.Fatal(err)
	}
	if err := p.kill(); err != nil || p.Running() {
		t.Fatalf("kill: %v, running %t", err, p.Running())
	}
}
