package devcerts_test

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/devcerts"
)

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	b, _ := pem.Decode(data)
	require.NotNil(t, b, path)
	c, err := x509.ParseCertificate(b.Bytes)
	require.NoError(t, err)
	return c
}

func TestGenerateWritesVerifiableCertificatesAndPrivateKeys(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "certs")
	res, err := devcerts.Generate(dir, devcerts.Options{Hosts: []string{"node1.internal", "10.0.0.7"}, Days: 30})
	require.NoError(t, err)
	require.True(t, res.NewCA)
	require.Len(t, res.Files, 2+2*len(devcerts.Servers)+2)

	for _, f := range res.Files {
		st, err := os.Stat(f)
		require.NoError(t, err)
		if filepath.Ext(f) == ".key" {
			require.Equal(t, os.FileMode(0o600), st.Mode().Perm(), f)
		}
	}
	ca := readCert(t, filepath.Join(dir, "ca.crt"))
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, name := range []string{"candidate", "portfolio", "assessment", "certification", "nats", "gateway"} {
		c := readCert(t, filepath.Join(dir, name+".crt"))
		for _, host := range []string{"localhost", "127.0.0.1", "::1", name, "node1.internal", "10.0.0.7"} {
			require.NoError(t, c.VerifyHostname(host), "%s for %s", name, host)
		}
		_, err := c.Verify(x509.VerifyOptions{Roots: roots, DNSName: name, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		require.NoError(t, err, name)
		require.WithinDuration(t, time.Now().AddDate(0, 0, 30), c.NotAfter, time.Hour)
	}
	client := readCert(t, filepath.Join(dir, "gateway-client.crt"))
	_, err = client.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	require.NoError(t, err)
	_, err = client.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	require.Error(t, err, "the gateway's client certificate is not a server certificate")
	require.Error(t, client.VerifyHostname("127.0.0.1"))
	require.Len(t, readCert(t, filepath.Join(dir, "nats.crt")).IPAddresses, 3)
}

func TestGenerateKeepsAnExistingAuthorityUnlessForced(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	caBefore, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	require.NoError(t, err)
	leafBefore := readCert(t, filepath.Join(dir, "candidate.crt"))

	res, err := devcerts.Generate(dir, devcerts.Options{})
	require.NoError(t, err)
	require.False(t, res.NewCA)
	caAfter, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	require.NoError(t, err)
	require.Equal(t, caBefore, caAfter, "the authority is kept")
	leafAfter := readCert(t, filepath.Join(dir, "candidate.crt"))
	require.NotEqual(t, leafBefore.SerialNumber, leafAfter.SerialNumber, "the certificates are reissued")
	require.NoError(t, leafAfter.CheckSignatureFrom(readCert(t, filepath.Join(dir, "ca.crt"))))

	res, err = devcerts.Generate(dir, devcerts.Options{Force: true})
	require.NoError(t, err)
	require.True(t, res.NewCA)
	caForced, err := os.ReadFile(filepath.Join(dir, "ca.crt"))
	require.NoError(t, err)
	require.False(t, bytes.Equal(caBefore, caForced), "--force makes a new authority")

	require.NoError(t, os.Remove(filepath.Join(dir, "ca.key")))
	_, err = devcerts.Generate(dir, devcerts.Options{})
	require.ErrorContains(t, err, "go together")
	_, err = devcerts.Generate(dir, devcerts.Options{Days: -1, Force: true})
	require.Error(t, err)
}
