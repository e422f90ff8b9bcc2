package natsauth_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/stretchr/testify/require"

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
	opts, err := server.ProcessConfigFile(path)
	require.NoError(t, err)
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

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
