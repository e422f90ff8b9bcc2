package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/titrepro/titrepro/internal/devcerts"
)

// devCerts writes the certificates of a development deployment with mutual
// TLS (internal/devcerts) and prints the variables that use them. It is for
// development and tests only: production certificates come from the
// organisation's PKI (docs/tls.md). It asks nothing, so scripts can run it.
func devCerts(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("dev-certs", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	hosts := fs.String("hosts", "", "more names or IP addresses for every server certificate, comma-separated")
	days := fs.Int("days", devcerts.DefaultDays, "validity of the certificates, in days")
	force := fs.Bool("force", false, "replace an existing certificate authority (every certificate it signed stops being trusted)")
	// The folder comes first (`dev-certs certs --hosts a,b`); the flag
	// package stops at the first non-flag argument.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if dir == "" && fs.NArg() == 1 {
		dir = fs.Arg(0)
	} else if fs.NArg() > 0 || dir == "" {
		return fmt.Errorf("dev-certs: want one folder: titrepro dev-certs DIR [--hosts h1,h2] [--days N] [--force]")
	}
	if *days <= 0 {
		return fmt.Errorf("dev-certs: --days must be positive, got %d", *days)
	}
	opts := devcerts.Options{Days: *days, Force: *force}
	for _, h := range strings.Split(*hosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			opts.Hosts = append(opts.Hosts, h)
		}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	res, err := devcerts.Generate(abs, opts)
	if err != nil {
		return err
	}
	w := &errWriter{w: stdout}
	w.printf("# Development certificates only: production uses the organisation's PKI (docs/tls.md).\n")
	if res.NewCA {
		w.printf("# New certificate authority %s (valid %d days).\n", filepath.Join(abs, "ca.crt"), 10**days)
	} else {
		w.printf("# Kept the existing certificate authority %s (--force replaces it).\n", filepath.Join(abs, "ca.crt"))
	}
	w.printf("# Wrote (keys 0600, certificates valid %d days):\n", *days)
	for _, f := range res.Files {
		w.printf("#   %s\n", f)
	}
	file := func(name string) string { return filepath.Join(abs, name) }
	for _, svc := range []string{"candidate", "portfolio", "assessment", "certification"} {
		w.printf("\n# %s service\n", svc)
		w.printf("GRPC_TLS_CERT_FILE=%s\n", file(svc+".crt"))
		w.printf("GRPC_TLS_KEY_FILE=%s\n", file(svc+".key"))
		w.printf("GRPC_TLS_CLIENT_CA_FILE=%s\n", file("ca.crt"))
		w.printf("NATS_TLS_CA_FILE=%s\n", file("ca.crt"))
		w.printf("NATS_TLS_CERT_FILE=%s\n", file(svc+".crt"))
		w.printf("NATS_TLS_KEY_FILE=%s\n", file(svc+".key"))
	}
	w.printf("\n# gateway (dials the services)\n")
	w.printf("SERVICES_TLS_CA_FILE=%s\n", file("ca.crt"))
	w.printf("SERVICES_TLS_CERT_FILE=%s\n", file(devcerts.GatewayClient+".crt"))
	w.printf("SERVICES_TLS_KEY_FILE=%s\n", file(devcerts.GatewayClient+".key"))
	w.printf("\n# nats-server (deploy/nats/nats-server.conf, tls block)\n")
	w.printf("#   cert_file: %q\n", file("nats.crt"))
	w.printf("#   key_file:  %q\n", file("nats.key"))
	w.printf("#   ca_file:   %q\n", file("ca.crt"))
	w.printf("\n# PostgreSQL: DATABASE_URL=postgres://...?sslmode=verify-full&sslrootcert=<your server's CA>\n")
	return w.err
}
