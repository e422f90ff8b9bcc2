package natsauth_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nkeys"
	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/natsauth"
)

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "data", natsauth.CredentialsFile)

	first, err := natsauth.LoadOrCreate(path)
	require.NoError(t, err)
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm(), "the file holds private keys")

	// Reused after: the same keys at every start.
	again, err := natsauth.LoadOrCreate(path)
	require.NoError(t, err)
	users, err := first.Users()
	require.NoError(t, err)
	require.Len(t, users, len(natsauth.Names()))
	for _, u := range users {
		require.True(t, nkeys.IsValidPublicUserKey(u.PublicKey), u.Name)
		pub, err := again.PublicKey(u.Name)
		require.NoError(t, err)
		require.Equal(t, u.PublicKey, pub, u.Name)
		seed, err := again.Seed(u.Name)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(seed, "SU"), "a user seed")
	}
	_, err = first.Seed("nobody")
	require.ErrorContains(t, err, "unknown identity")
}

func TestLoadOrCreateAddsMissingIdentities(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), natsauth.CredentialsFile)
	c, err := natsauth.LoadOrCreate(path)
	require.NoError(t, err)
	ministry, err := c.Seed(natsauth.Ministry)
	require.NoError(t, err)
	// A file written before the portfolio identity existed.
	var f struct {
		Seeds map[string]string `json:"seeds"`
	}
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &f))
	delete(f.Seeds, "portfolio")
	data, err = json.Marshal(f)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(path, data, 0o600))

	c, err = natsauth.LoadOrCreate(path)
	require.NoError(t, err)
	_, err = c.PublicKey("portfolio")
	require.NoError(t, err)
	kept, err := c.Seed(natsauth.Ministry)
	require.NoError(t, err)
	require.Equal(t, ministry, kept, "existing keys never change")
	data, err = os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(data), `"portfolio"`, "the new key is saved")
}

func TestLoadOrCreateRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		content string
		mode    os.FileMode
		want    string
	}{
		{"readable by others", `{"seeds":{}}`, 0o644, "chmod 600"},
		{"not JSON", `seeds`, 0o600, "credentials file"},
		{"bad seed", `{"seeds":{"ministry":"SUnope"}}`, 0o600, "seed of ministry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), natsauth.CredentialsFile)
			require.NoError(t, os.WriteFile(path, []byte(tt.content), tt.mode))
			require.NoError(t, os.Chmod(path, tt.mode))
			_, err := natsauth.LoadOrCreate(path)
			require.ErrorContains(t, err, tt.want)
		})
	}
}

// TestLoadOrCreateConcurrently: processes starting together (serve and
// nats-credentials) end up with the same keys, those of the file.
func TestLoadOrCreateConcurrently(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), natsauth.CredentialsFile)
	const n = 8
	seeds := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			c, err := natsauth.LoadOrCreate(path)
			if err != nil {
				errs <- err
				return
			}
			seed, err := c.Seed(natsauth.Ministry)
			if err != nil {
				errs <- err
				return
			}
			seeds <- seed
		}()
	}
	var got []string
	for range n {
		select {
		case err := <-errs:
			t.Fatal(err)
		case s := <-seeds:
			got = append(got, s)
		}
	}
	onDisk, err := natsauth.LoadOrCreate(path)
	require.NoError(t, err)
	want, err := onDisk.Seed(natsauth.Ministry)
	require.NoError(t, err)
	for _, s := range got {
		require.Equal(t, want, s)
	}
}
