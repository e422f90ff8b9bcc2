// Package devcerts makes the certificates of a development deployment: a
// certificate authority, a server certificate for each service, the NATS
// servers and the gateway, and the gateway's client certificate. It is for
// development and tests only; production uses the organisation's PKI.
//
// It uses the standard library only (crypto/x509, ECDSA P-256): issuing a
// handful of certificates is a few lines of it, and a dependency would add
// nothing but code to review.
package devcerts

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// Servers are the names of the server certificates Generate writes
// (<name>.crt and <name>.key). Each also allows client authentication, so
// that a service may present it to the NATS servers and a NATS node to its
// cluster peers.
var Servers = []string{"candidate", "portfolio", "assessment", "certification", "nats", "gateway"}

// GatewayClient is the name of the gateway's client certificate, presented
// to the services (gateway-client.crt, gateway-client.key).
const GatewayClient = "gateway-client"

// DefaultDays is how long certificates are valid when Options.Days is 0.
const DefaultDays = 365

// Options configure Generate.
type Options struct {
	// Hosts are added to every server certificate's names, besides
	// localhost, 127.0.0.1, ::1 and the certificate's own name.
	Hosts []string
	// Days is how long the issued certificates are valid (default
	// DefaultDays). A new authority is valid ten times as long, so that
	// reissuing the certificates keeps it.
	Days int
	// Force replaces an existing authority. Without it, an authority found
	// in the folder is kept and signs the new certificates: services that
	// trust it go on trusting the new ones.
	Force bool
	// Now is the clock (default time.Now), for tests.
	Now func() time.Time
}

// Result says what Generate did.
type Result struct {
	NewCA bool     // the authority was created (false: the existing one was used)
	Files []string // the files written, in order
}

// Generate writes ca.crt and ca.key (unless an authority exists there and
// opts.Force is false), then a certificate and key for each of Servers and
// for GatewayClient, into dir (created 0700 when missing). Keys are 0600;
// files are written to a temporary file and renamed, so that a service
// reloading its certificate never reads half a file.
func Generate(dir string, opts Options) (Result, error) {
	var res Result
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	days := opts.Days
	if days == 0 {
		days = DefaultDays
	}
	if days < 0 {
		return res, fmt.Errorf("devcerts: days must be positive, got %d", days)
	}
	for _, h := range opts.Hosts {
		if h == "" {
			return res, errors.New("devcerts: empty host name")
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("devcerts: %w", err)
	}
	caCrt, caKey := filepath.Join(dir, "ca.crt"), filepath.Join(dir, "ca.key")
	var ca *CA
	switch crtErr, keyErr := exists(caCrt), exists(caKey); {
	case !opts.Force && crtErr == nil && keyErr == nil:
		var err error
		if ca, err = LoadCA(caCrt, caKey); err != nil {
			return res, err
		}
	case !opts.Force && (crtErr == nil || keyErr == nil):
		return res, fmt.Errorf("devcerts: %s and %s go together: one is missing (use --force to make a new authority)", caCrt, caKey)
	default:
		var err error
		if ca, err = NewCA("titrepro development CA", now(), now().AddDate(0, 0, 10*days)); err != nil {
			return res, err
		}
		if err := writeFile(caCrt, ca.CertPEM, 0o644); err != nil {
			return res, err
		}
		if err := writeFile(caKey, ca.KeyPEM, 0o600); err != nil {
			return res, err
		}
		res.NewCA = true
		res.Files = append(res.Files, caCrt, caKey)
	}
	notAfter := now().AddDate(0, 0, days)
	if notAfter.After(ca.Cert.NotAfter) {
		notAfter = ca.Cert.NotAfter
	}
	issue := func(name string, usages []x509.ExtKeyUsage, hosts []string) error {
		crt, key, err := ca.Issue(name, hosts, usages, now(), notAfter)
		if err != nil {
			return err
		}
		crtFile, keyFile := filepath.Join(dir, name+".crt"), filepath.Join(dir, name+".key")
		// The key first: a reloading service that sees the new certificate
		// finds its key already there.
		if err := writeFile(keyFile, key, 0o600); err != nil {
			return err
		}
		if err := writeFile(crtFile, crt, 0o644); err != nil {
			return err
		}
		res.Files = append(res.Files, crtFile, keyFile)
		return nil
	}
	for _, name := range Servers {
		hosts := append([]string{"localhost", "127.0.0.1", "::1", name}, opts.Hosts...)
		if err := issue(name, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, hosts); err != nil {
			return res, err
		}
	}
	if err := issue(GatewayClient, []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil); err != nil {
		return res, err
	}
	return res, nil
}

func exists(path string) error {
	_, err := os.Stat(path)
	return err
}

// CA is a certificate authority that issues certificates.
type CA struct {
	Cert    *x509.Certificate
	Key     *ecdsa.PrivateKey
	CertPEM []byte
	KeyPEM  []byte
}

// NewCA makes a self-signed authority valid from notBefore (less a minute,
// for clocks a little behind) to notAfter.
func NewCA(name string, notBefore, notAfter time.Time) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"titrepro development"}},
		NotBefore:             notBefore.Add(-time.Minute),
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	keyPEM, err := encodeKey(key)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key, CertPEM: pemBlock("CERTIFICATE", der), KeyPEM: keyPEM}, nil
}

// LoadCA reads an authority written by Generate.
func LoadCA(certFile, keyFile string) (*CA, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, fmt.Errorf("devcerts: %s or %s is not PEM", certFile, keyFile)
	}
	cert, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %s: %w", certFile, err)
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %s: %w", keyFile, err)
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("devcerts: %s is not the key of %s", keyFile, certFile)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("devcerts: %s is not an authority", certFile)
	}
	return &CA{Cert: cert, Key: key, CertPEM: certPEM, KeyPEM: keyPEM}, nil
}

// Issue returns a certificate (PEM, followed by nothing: the authority is
// distributed as ca.crt) and its PKCS#8 key (PEM) for name, valid for hosts
// (DNS names or IP addresses) and the given usages.
func (ca *CA) Issue(name string, hosts []string, usages []x509.ExtKeyUsage, notBefore, notAfter time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("devcerts: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: name, Organization: []string{"titrepro development"}},
		NotBefore:    notBefore.Add(-time.Minute),
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usages,
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("devcerts: %s: %w", name, err)
	}
	keyPEM, err = encodeKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pemBlock("CERTIFICATE", der), keyPEM, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n
}

func encodeKey(key *ecdsa.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("devcerts: %w", err)
	}
	return pemBlock("PRIVATE KEY", der), nil
}

func pemBlock(typ string, der []byte) []byte {
	var b bytes.Buffer
	_ = pem.Encode(&b, &pem.Block{Type: typ, Bytes: der})
	return b.Bytes()
}

// writeFile writes data to a temporary file of mode perm in path's folder
// and renames it to path.
func writeFile(path string, data []byte, perm fs.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("devcerts: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(data)
	err = errors.Join(err, f.Chmod(perm), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("devcerts: write %s: %w", path, err)
	}
	return nil
}
