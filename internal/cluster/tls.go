package cluster

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/titrepro/titrepro/internal/devcerts"
)

// The topology runs with TLS between its parts unless Options.PlainText:
// gRPC between the gateway and the services with client certificates, and
// the services' NATS connections over TLS (besides their nkeys). The
// certificates are development ones (devcerts, as `titrepro dev-certs`
// writes them), made at the first start and kept in DataDir/tls.

// TLS reports whether the parts talk over TLS.
func (c *Cluster) TLS() bool { return !c.opts.PlainText }

// TLSDir holds the topology's certificates.
func (c *Cluster) TLSDir() string { return filepath.Join(c.opts.DataDir, "tls") }

func (c *Cluster) tlsFile(name string) string { return filepath.Join(c.TLSDir(), name) }

// prepareTLS writes the authority and the certificates when the folder
// has none yet; an existing authority and its certificates are kept.
func (c *Cluster) prepareTLS() error {
	if c.opts.PlainText {
		return nil
	}
	if _, err := os.Stat(c.tlsFile("ca.crt")); err == nil {
		return nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return err
	}
	_, err := devcerts.Generate(c.TLSDir(), devcerts.Options{})
	return err
}

// serviceTLSEnv: the service serves gRPC with its certificate, requires
// the gateway's, and verifies the NATS servers against the authority.
func (c *Cluster) serviceTLSEnv(svc string, env map[string]string) {
	if c.opts.PlainText {
		return
	}
	env["GRPC_TLS_CERT_FILE"] = c.tlsFile(svc + ".crt")
	env["GRPC_TLS_KEY_FILE"] = c.tlsFile(svc + ".key")
	env["GRPC_TLS_CLIENT_CA_FILE"] = c.tlsFile("ca.crt")
	env["NATS_TLS_CA_FILE"] = c.tlsFile("ca.crt")
}

// gatewayTLSEnv: the gateway verifies the services and presents its
// client certificate.
func (c *Cluster) gatewayTLSEnv(env map[string]string) {
	if c.opts.PlainText {
		return
	}
	env["SERVICES_TLS_CA_FILE"] = c.tlsFile("ca.crt")
	env["SERVICES_TLS_CERT_FILE"] = c.tlsFile(devcerts.GatewayClient + ".crt")
	env["SERVICES_TLS_KEY_FILE"] = c.tlsFile(devcerts.GatewayClient + ".key")
}
