package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDevCertsWritesTheCertificatesAndPrintsTheVariables(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "certs")
	var out bytes.Buffer
	if err := devCerts([]string{dir, "--hosts", "node1.internal, 10.0.0.7", "--days", "30"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Development certificates only", "New certificate authority",
		"GRPC_TLS_CERT_FILE=" + filepath.Join(dir, "candidate.crt"),
		"GRPC_TLS_CLIENT_CA_FILE=" + filepath.Join(dir, "ca.crt"),
		"SERVICES_TLS_CERT_FILE=" + filepath.Join(dir, "gateway-client.crt"),
		"NATS_TLS_CA_FILE=" + filepath.Join(dir, "ca.crt"),
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	for _, name := range []string{"ca", "candidate", "portfolio", "assessment", "certification", "nats", "gateway", "gateway-client"} {
		st, err := os.Stat(filepath.Join(dir, name+".key"))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s.key: %v, %v; want mode 0600", name, st, err)
		}
		if _, err := os.Stat(filepath.Join(dir, name+".crt")); err != nil {
			t.Error(err)
		}
	}
	ca, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))

	out.Reset()
	if err := devCerts([]string{dir}, &out); err != nil {
		t.Fatal(err)
	}
	again, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if !strings.Contains(out.String(), "Kept the existing certificate authority") || !bytes.Equal(ca, again) {
		t.Errorf("a second run replaced the authority:\n%s", out.String())
	}
	if err := devCerts([]string{"--force", dir}, &out); err != nil {
		t.Fatal(err)
	}
	forced, _ := os.ReadFile(filepath.Join(dir, "ca.crt"))
	if bytes.Equal(ca, forced) {
		t.Error("--force kept the authority")
	}

	for name, args := range map[string][]string{
		"no folder":    nil,
		"two folders":  {dir, "other"},
		"zero days":    {dir, "--days", "0"},
		"unknown flag": {dir, "--ca", "x"},
	} {
		if err := devCerts(args, &out); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
