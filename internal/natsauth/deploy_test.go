package natsauth_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// TestDeployConfigMatches checks that the NATS server configuration shipped
// for deployments (deploy/nats/nats-server.conf) gives every identity
// exactly the permissions the code needs, no more.
func TestDeployConfigMatches(t *testing.T) {
	path := filepath.Join("..", "..", "deploy", "nats", "nats-server.conf")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no deploy folder beside this module: %v", err)
	}
	creds, err := natsauth.Generate()
	require.NoError(t, err)
	byKey := map[string]string{}
	for _, name := range natsauth.Names() {
		pub, err := creds.PublicKey(name)
		require.NoError(t, err)
		t.Setenv("TITREPRO_"+strings.ToUpper(name)+"_NKEY", pub)
		byKey[pub] = name
	}
	setRouteEnv(t)
	opts, err := server.ProcessConfigFile(path)
	require.NoError(t, err)
	require.Equal(t, "route", opts.Cluster.Username, "routes need a password")
	require.NotEmpty(t, opts.Cluster.Password)
	require.Len(t, opts.Routes, 3)
	require.Empty(t, opts.Users, "no password users in the shipped file")
	require.Empty(t, opts.NoAuthUser, "no anonymous access")
	require.Len(t, opts.Nkeys, len(natsauth.Names()))
	for _, u := range opts.Nkeys {
		name, ok := byKey[u.Nkey]
		require.True(t, ok, "unknown nkey %s", u.Nkey)
		want, err := natsauth.PermissionsFor(name)
		require.NoError(t, err)
		if want == nil {
			require.Nil(t, u.Permissions, name)
			continue
		}
		require.NotNil(t, u.Permissions, name)
		require.Empty(t, u.Permissions.Publish.Deny, name)
		require.Empty(t, u.Permissions.Subscribe.Deny, name)
		require.Equal(t, sorted(want.Publish), sorted(u.Permissions.Publish.Allow), "%s publish", name)
		require.Equal(t, sorted(want.Subscribe), sorted(u.Permissions.Subscribe.Allow), "%s subscribe", name)
	}
}

// setRouteEnv sets the route password and URLs every node gets.
func setRouteEnv(t *testing.T) {
	t.Setenv("TITREPRO_NATS_ROUTE_PASSWORD", "c0ffee42")
	t.Setenv("TITREPRO_NATS_ROUTES", "[nats-route://route:c0ffee42@nats-1:6222, nats-route://route:c0ffee42@nats-2:6222, nats-route://route:c0ffee42@nats-3:6222]")
}

// TestDeployConfigTLSBlocksAreValid uncomments the tls blocks of the shipped
// configuration, points them at development certificates, and checks that
// the server reads them as mutual TLS for clients and routes.
func TestDeployConfigTLSBlocksAreValid(t *testing.T) {
	path := filepath.Join("..", "..", "deploy", "nats", "nats-server.conf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("no deploy folder beside this module: %v", err)
	}
	dir := t.TempDir()
	_, err = devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	var out []string
	in := false
	blocks := 0
	for _, line := range strings.Split(string(data), "\n") {
		trimmed := strings.TrimSpace(line)
		if trimmed == "#tls {" {
			in = true
			blocks++
		}
		if in {
			line = strings.Replace(line, "#", "", 1)
			line = strings.ReplaceAll(line, "/etc/nats/tls", dir)
		}
		if in && trimmed == "#}" {
			in = false
		}
		out = append(out, line)
	}
	require.Equal(t, 2, blocks, "a tls block for clients and one for routes")
	conf := filepath.Join(t.TempDir(), "nats-server.conf")
	require.NoError(t, os.WriteFile(conf, []byte(strings.Join(out, "\n")), 0o600))
	creds, err := natsauth.Generate()
	require.NoError(t, err)
	for _, name := range natsauth.Names() {
		pub, err := creds.PublicKey(name)
		require.NoError(t, err)
		t.Setenv("TITREPRO_"+strings.ToUpper(name)+"_NKEY", pub)
	}
	setRouteEnv(t)
	opts, err := server.ProcessConfigFile(conf)
	require.NoError(t, err)
	require.NotNil(t, opts.TLSConfig)
	require.Equal(t, tls.RequireAndVerifyClientCert, opts.TLSConfig.ClientAuth, "clients must present a certificate")
	require.Equal(t, uint16(tls.VersionTLS13), opts.TLSConfig.MinVersion)
	require.NotNil(t, opts.Cluster.TLSConfig, "routes over TLS")
	require.Equal(t, tls.RequireAndVerifyClientCert, opts.Cluster.TLSConfig.ClientAuth)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
