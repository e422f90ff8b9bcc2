package sqldb_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/devcerts"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// TestPostgresTLSParametersOfTheURLAreHonoured: DATABASE_URL's sslmode and
// sslrootcert reach pgx unchanged (docs/tls.md). Against the local server:
// with ssl on, sslmode=require gives an encrypted session (pg_stat_ssl) and
// verify-full checks the server's certificate and name; with ssl off,
// sslmode=require fails with a clear error instead of falling back to
// plaintext.
func TestPostgresTLSParametersOfTheURLAreHonoured(t *testing.T) {
	base := os.Getenv("TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("TEST_POSTGRES_URL is not set (source scripts/postgres-env.sh)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	withParams := func(params map[string]string) string {
		u, err := url.Parse(base)
		require.NoError(t, err)
		q := u.Query()
		for k, v := range params {
			q.Set(k, v)
		}
		u.RawQuery = q.Encode()
		return u.String()
	}
	plain, err := sqldb.Open(ctx, withParams(map[string]string{"sslmode": "disable"}))
	require.NoError(t, err)
	defer plain.Close()
	var ssl, certFile string
	require.NoError(t, plain.QueryRowContext(ctx, `SHOW ssl`).Scan(&ssl))
	require.NoError(t, plain.QueryRowContext(ctx, `SHOW ssl_cert_file`).Scan(&certFile))

	// An authority that did not sign the server's certificate.
	dir := t.TempDir()
	_, err = devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	_, err = sqldb.Open(ctx, onLocalhost(t, withParams(map[string]string{"sslmode": "verify-full", "sslrootcert": filepath.Join(dir, "ca.crt")})))
	require.Error(t, err, "verify-full against another authority")
	t.Logf("verify-full, another authority: %v", err)
	_, err = sqldb.Open(ctx, withParams(map[string]string{"sslmode": "verify-full", "sslrootcert": filepath.Join(dir, "missing.crt")}))
	require.ErrorContains(t, err, "missing.crt", "the root certificate file is read")

	if ssl != "on" {
		_, err := sqldb.Open(ctx, withParams(map[string]string{"sslmode": "require"}))
		require.ErrorContains(t, err, "server refused TLS connection")
		t.Logf("ssl off, sslmode=require: %v", err)
		return
	}
	db, err := sqldb.Open(ctx, withParams(map[string]string{"sslmode": "require"}))
	require.NoError(t, err)
	defer db.Close()
	var encrypted bool
	var version string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()`).Scan(&encrypted, &version))
	require.True(t, encrypted, "sslmode=require gave a plaintext session")
	t.Logf("sslmode=require: %s", version)

	// verify-full with the server's own (self-signed) certificate as the
	// root, when this machine can read it: it names localhost only.
	if _, err := os.Stat(certFile); err != nil {
		t.Logf("server certificate %s not readable here: verify-full with it not tried", certFile)
		return
	}
	verify := onLocalhost(t, withParams(map[string]string{"sslmode": "verify-full", "sslrootcert": certFile}))
	good, err := sqldb.Open(ctx, verify)
	if err != nil {
		t.Logf("verify-full with %s as root failed (not a self-signed certificate for localhost?): %v", certFile, err)
		return
	}
	good.Close()
	u, err := url.Parse(verify)
	require.NoError(t, err)
	u.Host = "127.0.0.1:" + u.Port()
	_, err = sqldb.Open(ctx, u.String())
	require.Error(t, err, "verify-full checks the host name too")
	t.Logf("verify-full, wrong name: %v", err)
}

// onLocalhost names the server "localhost", the name a local server's
// certificate usually carries.
func onLocalhost(t *testing.T, rawURL string) string {
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	u.Host = "localhost:" + u.Port()
	return u.String()
}
