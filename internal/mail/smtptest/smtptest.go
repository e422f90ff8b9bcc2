// Package smtptest runs a real SMTP server in process for tests
// (github.com/emersion/go-smtp): it records every message it accepts, can
// refuse for a while with a temporary error, and decodes what it received
// (headers, subject, text part) so that tests read the messages as a
// recipient would.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Received is one message the server accepted.
type Received struct {
	From      string   // the envelope sender
	To        []string // the envelope recipients
	Raw       []byte   // the message as transmitted
	Header    mail.Header
	MessageID string // without angle brackets
	Subject   string // decoded
	Text      string // the decoded text/plain part
	HTML      string // the decoded text/html part, if any
}

// Server is a running SMTP server; Start returns one closed at the end of
// the test.
type Server struct {
	srv  *smtp.Server
	addr *net.TCPAddr

	opts      Options
	clientTLS *tls.Config

	mu       sync.Mutex
	received []Received
	refuse   int // how many MAIL commands to refuse still
	code     int
	refused  int
	changed  chan struct{}
}

// Options make the server closer to a submission server.
type Options struct {
	// TLS is "" (plain SMTP), "starttls" (STARTTLS offered) or "tls"
	// (TLS from the first byte), with a certificate for 127.0.0.1 that
	// ClientTLS trusts.
	TLS string
	// Username and Password, when set, are required (AUTH PLAIN) before
	// MAIL.
	Username, Password string
}

// Start listens on a loopback port with plain SMTP and serves until the
// test ends.
func Start(t testing.TB) *Server { return StartWith(t, Options{}) }

// StartWith is Start with options.
func StartWith(t testing.TB, o Options) *Server {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{addr: lis.Addr().(*net.TCPAddr), changed: make(chan struct{}), opts: o}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }))
	s.srv.Domain = "smtptest.localhost"
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.MaxMessageBytes = 1 << 20
	if o.TLS != "" {
		cert, pool := certificate(t)
		s.clientTLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if o.TLS == "tls" {
			lis = tls.NewListener(lis, s.srv.TLSConfig)
		}
	}
	go func() { _ = s.srv.Serve(lis) }()
	t.Cleanup(func() { _ = s.srv.Close() })
	return s
}

// ClientTLS returns a client configuration that trusts the server's
// certificate; nil without TLS.
func (s *Server) ClientTLS() *tls.Config { return s.clientTLS }

// certificate makes a self-signed certificate for 127.0.0.1.
func certificate(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("smtptest: key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "smtptest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("smtptest: certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// Host returns the server's address without port.
func (s *Server) Host() string { return s.addr.IP.String() }

// Port returns the server's port.
func (s *Server) Port() int { return s.addr.Port }

// Refuse makes the server answer the next n MAIL commands with code (a 4xx
// is a temporary failure, a 5xx a permanent one).
func (s *Server) Refuse(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse, s.code = n, code
}

// Refused returns how many MAIL commands the server has refused.
func (s *Server) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// Messages returns the messages accepted so far, in order.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// CountByID returns how many times each Message-ID was accepted.
func (s *Server) CountByID() map[string]int {
	counts := map[string]int{}
	for _, m := range s.Messages() {
		counts[m.MessageID]++
	}
	return counts
}

// WaitFor waits until the server has accepted at least n messages and
// returns them; it fails the test after timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, changed := len(s.received), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("smtptest: %d messages received after %s, want %d", got, timeout, n)
		}
	}
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

type session struct {
	s      *Server
	from   string
	to     []string
	authed bool
}

// AuthMechanisms implements smtp.AuthSession: PLAIN when the server has a
// user.
func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

// Auth implements smtp.AuthSession.
func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "smtptest: bad credentials"}
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Reset()        { ss.from, ss.to = "", nil }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.refuse > 0 {
		ss.s.refuse--
		ss.s.refused++
		class := ss.s.code / 100
		return &smtp.SMTPError{Code: ss.s.code, EnhancedCode: smtp.EnhancedCode{class, 3, 0}, Message: "smtptest: refused on purpose"}
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := Parse(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: err.Error()}
	}
	rec.From, rec.To = ss.from, append([]string(nil), ss.to...)
	ss.s.record(rec)
	return nil
}

// Parse decodes a message as transmitted (or as written to a pickup
// folder): headers, subject, and the text/plain and text/html parts.
func Parse(raw []byte) (Received, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, fmt.Errorf("smtptest: %w", err)
	}
	rec := Received{Raw: raw, Header: m.Header,
		MessageID: strings.Trim(m.Header.Get("Message-Id"), "<>")}
	dec := new(mime.WordDecoder)
	if rec.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("smtptest: subject: %w", err)
	}
	if err := rec.readPart(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body); err != nil {
		return Received{}, err
	}
	if rec.Text == "" {
		return Received{}, errors.New("smtptest: no text/plain part")
	}
	return rec, nil
}

func (rec *Received) readPart(contentType, encoding string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("smtptest: content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("smtptest: multipart: %w", err)
			}
			if err := rec.readPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "us-ascii" {
		return fmt.Errorf("smtptest: charset %q, want UTF-8", cs)
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		return errors.New("smtptest: base64 bodies are not decoded")
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("smtptest: body: %w", err)
	}
	switch mediaType {
	case "text/plain":
		rec.Text = string(b)
	case "text/html":
		rec.HTML = string(b)
	}
	return nil
}
