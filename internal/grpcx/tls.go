package grpcx

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
)

// TLSFiles name the PEM files of one side of a TLS connection. A server
// needs CertFile and KeyFile, and CAFile to require client certificates
// signed by it; a client needs CAFile (the authority of the servers), and
// CertFile and KeyFile to present a client certificate.
type TLSFiles struct {
	CertFile string
	KeyFile  string
	CAFile   string
}

// IsZero reports whether no file is set: plaintext.
func (f TLSFiles) IsZero() bool { return f == TLSFiles{} }

// ServerTLS returns the server side of mutual TLS: TLS 1.3 at least, the
// certificate of CertFile and KeyFile, and, when CAFile is set, client
// certificates required and verified against it. The certificate is read
// again at the next handshake after either file changes, so that a renewed
// certificate is served without a restart (a failed read keeps the previous
// one); the authority is read once.
func ServerTLS(f TLSFiles) (*tls.Config, error) {
	if f.CertFile == "" || f.KeyFile == "" {
		return nil, errors.New("grpcx: TLS needs a certificate file and a key file")
	}
	certs, err := newCertReloader(f.CertFile, f.KeyFile)
	if err != nil {
		return nil, err
	}
	cfg := &tls.Config{
		MinVersion: tls.VersionTLS13,
		GetCertificate: func(*tls.ClientHelloInfo) (*tls.Certificate, error) {
			return certs.get(), nil
		},
	}
	if f.CAFile != "" {
		pool, err := loadPool(f.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// ClientTLS returns the client side: TLS 1.3 at least, servers verified
// against CAFile (the system's authorities when empty), and the client
// certificate of CertFile and KeyFile when set (both or neither), read again
// when they change like ServerTLS's.
func ClientTLS(f TLSFiles) (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS13}
	if f.CAFile != "" {
		pool, err := loadPool(f.CAFile)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	switch {
	case f.CertFile != "" && f.KeyFile != "":
		certs, err := newCertReloader(f.CertFile, f.KeyFile)
		if err != nil {
			return nil, err
		}
		cfg.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			return certs.get(), nil
		}
	case f.CertFile != "" || f.KeyFile != "":
		return nil, errors.New("grpcx: a client certificate needs both its certificate file and its key file")
	}
	return cfg, nil
}

// TransportCredentials is the dial option of cfg: TLS, or plaintext when cfg
// is nil.
func TransportCredentials(cfg *tls.Config) grpc.DialOption {
	if cfg == nil {
		return grpc.WithTransportCredentials(insecure.NewCredentials())
	}
	return grpc.WithTransportCredentials(credentials.NewTLS(cfg))
}

func loadPool(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("grpcx: certificate authority: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("grpcx: certificate authority: no PEM certificate in %s", caFile)
	}
	return pool, nil
}

// certReloader holds a key pair and reads it again when the files' change
// times move. Handshakes are per connection, not per call, so one stat of
// each file per handshake costs nothing that matters.
type certReloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	cert    *tls.Certificate
	certMod time.Time
	keyMod  time.Time
}

func newCertReloader(certFile, keyFile string) (*certReloader, error) {
	r := &certReloader{certFile: certFile, keyFile: keyFile}
	if err := r.reload(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *certReloader) get() *tls.Certificate {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.changed() {
		_ = r.reload() // half-rotated or unreadable: keep serving the previous pair
	}
	return r.cert
}

func (r *certReloader) changed() bool {
	c, err1 := os.Stat(r.certFile)
	k, err2 := os.Stat(r.keyFile)
	return err1 == nil && err2 == nil && (!c.ModTime().Equal(r.certMod) || !k.ModTime().Equal(r.keyMod))
}

func (r *certReloader) reload() error {
	c, err := os.Stat(r.certFile)
	if err != nil {
		return fmt.Errorf("grpcx: certificate: %w", err)
	}
	k, err := os.Stat(r.keyFile)
	if err != nil {
		return fmt.Errorf("grpcx: key: %w", err)
	}
	pair, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("grpcx: certificate %s and key %s: %w", r.certFile, r.keyFile, err)
	}
	r.cert, r.certMod, r.keyMod = &pair, c.ModTime(), k.ModTime()
	return nil
}

// handshakeLog logs the TLS handshakes a server refuses, which grpc-go
// otherwise reports only to its own logger, off by default: without it an
// expired or foreign client certificate leaves no trace in the service's
// log. A connection closed before any byte (a TCP probe) is not logged.
type handshakeLog struct {
	credentials.TransportCredentials
	log *slog.Logger
}

func (h handshakeLog) ServerHandshake(conn net.Conn) (net.Conn, credentials.AuthInfo, error) {
	c, info, err := h.TransportCredentials.ServerHandshake(conn)
	if err != nil && !errors.Is(err, io.EOF) {
		h.log.Warn("TLS handshake refused", "remote", conn.RemoteAddr().String(), "err", err)
	}
	return c, info, err
}

func (h handshakeLog) Clone() credentials.TransportCredentials {
	return handshakeLog{TransportCredentials: h.TransportCredentials.Clone(), log: h.log}
}
