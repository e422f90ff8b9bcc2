package auth_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/auth"
)

func TestLocalIssuerTokensVerifyInProcess(t *testing.T) {
	t.Parallel()
	li, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), testIssuer, testAudience)
	require.NoError(t, err)
	v, err := auth.NewJWKSVerifier(li.VerifierOptions())
	require.NoError(t, err)

	want := auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror, auth.RoleCentre}, Centre: "c-9"}
	tok, err := li.Issue(want, time.Minute)
	require.NoError(t, err)
	got, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, want, got)
}

func TestLocalIssuerRefusesBadPrincipals(t *testing.T) {
	t.Parallel()
	li, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), testIssuer, testAudience)
	require.NoError(t, err)
	tests := []struct {
		name string
		p    auth.Principal
		ttl  time.Duration
	}{
		{"no subject", auth.Principal{Roles: []auth.Role{auth.RoleAdmin}}, time.Minute},
		{"no role", auth.Principal{Subject: "s"}, time.Minute},
		{"unknown role", auth.Principal{Subject: "s", Roles: []auth.Role{"root"}}, time.Minute},
		{"no lifetime", auth.Principal{Subject: "s", Roles: []auth.Role{auth.RoleAdmin}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := li.Issue(tt.p, tt.ttl)
			require.Error(t, err)
		})
	}
}

func TestLocalIssuerKeyIsPersistedPrivately(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first, err := auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
	require.NoError(t, err)
	second, err := auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
	require.NoError(t, err)
	require.Equal(t, first.KeyID(), second.KeyID())
	require.Len(t, first.KeyID(), 43, "base64url SHA-256 thumbprint")

	// A token of the first instance verifies with the second one's keys.
	tok, err := first.Issue(auth.Principal{Subject: "a", Roles: []auth.Role{auth.RoleAdmin}}, time.Minute)
	require.NoError(t, err)
	v, err := auth.NewJWKSVerifier(second.VerifierOptions())
	require.NoError(t, err)
	_, err = v.Verify(context.Background(), tok)
	require.NoError(t, err)

	if runtime.GOOS == "windows" {
		return
	}
	info, err := os.Stat(filepath.Join(dir, auth.IssuerKeyFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left behind")
}

func TestLocalIssuerRefusesAnExposedKeyFile(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits on Windows")
	}
	dir := t.TempDir()
	_, err := auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
	require.NoError(t, err)
	require.NoError(t, os.Chmod(filepath.Join(dir, auth.IssuerKeyFile), 0o644))
	_, err = auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
	require.ErrorContains(t, err, "chmod 600")
}

func TestLocalIssuerRefusesAGarbledKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, auth.IssuerKeyFile), []byte("not a key"), 0o600))
	_, err := auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
	require.Error(t, err)
}

// TestLocalIssuerServesDiscovery verifies tokens in another "process" that only
// knows the issuer URL, the way a service verifies the tokens of titrepro serve.
func TestLocalIssuerServesDiscovery(t *testing.T) {
	t.Parallel()
	var handler http.Handler
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	li, err := auth.LoadOrCreateLocalIssuer(t.TempDir(), srv.URL, testAudience)
	require.NoError(t, err)
	handler = li.Handler()

	resp, err := http.Get(srv.URL + "/.well-known/openid-configuration")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(body, &doc))
	require.Equal(t, srv.URL, doc["issuer"])
	require.Equal(t, srv.URL+"/.well-known/jwks.json", doc["jwks_uri"])
	require.Equal(t, []any{"EdDSA"}, doc["id_token_signing_alg_values_supported"])

	resp, err = http.Post(srv.URL+"/.well-known/jwks.json", "text/plain", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	v, err := auth.NewJWKSVerifier(auth.VerifierOptions{
		Issuer: srv.URL, Audience: testAudience, DiscoveryURL: srv.URL + "/.well-known/openid-configuration",
	})
	require.NoError(t, err)
	tok, err := li.Issue(auth.Principal{Subject: "m", Roles: []auth.Role{auth.RoleMinistry}}, time.Minute)
	require.NoError(t, err)
	p, err := v.Verify(context.Background(), tok)
	require.NoError(t, err)
	require.Equal(t, "m", p.Subject)
}

func TestLocalIssuerConcurrentFirstStartsAgreeOnOneKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	kids := make(chan string, 8)
	var wg sync.WaitGroup
	for range cap(kids) {
		wg.Go(func() {
			li, err := auth.LoadOrCreateLocalIssuer(dir, testIssuer, testAudience)
			if err != nil {
				t.Error(err)
				return
			}
			kids <- li.KeyID()
		})
	}
	wg.Wait()
	close(kids)
	first := <-kids
	for kid := range kids {
		require.Equal(t, first, kid)
	}
}
