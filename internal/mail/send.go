package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// New returns the sender of cfg: an SMTP client when cfg.Host is set, the
// pickup folder otherwise (created, mode 0700).
func New(cfg Config) (Sender, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("mail: from %q: %w", cfg.From, err)
	}
	if cfg.Host == "" {
		if err := os.MkdirAll(cfg.PickupDir, 0o700); err != nil {
			return nil, fmt.Errorf("mail: pickup folder: %w", err)
		}
		return &Pickup{dir: cfg.PickupDir, from: from}, nil
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// SMTP sends each message over its own connection to the configured server.
type SMTP struct {
	cfg  Config
	from *mail.Address
	// tlsConfig replaces the default (server name checked against the
	// system roots); tests set it to trust their own certificate.
	tlsConfig *tls.Config
}

// Describe implements Sender.
func (s *SMTP) Describe() string { return s.cfg.String() }

// Send implements Sender. A 5xx reply of the server is a PermanentError;
// everything else (connection, TLS, 4xx) is temporary.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	opts := []gomail.Option{gomail.WithPort(s.cfg.Port), gomail.WithTimeout(s.cfg.Timeout)}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if s.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	if s.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tlsConfig))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return &PermanentError{Err: fmt.Errorf("mail: smtp client: %w", err)}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *gomail.SendError
		if errors.As(err, &se) && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
			return &PermanentError{Err: fmt.Errorf("smtp %s: %w", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)), err)}
		}
		return fmt.Errorf("mail: smtp %s: %w", net.JoinHostPort(s.cfg.Host, strconv.Itoa(s.cfg.Port)), err)
	}
	return nil
}

// Pickup writes each message as <Message-ID>.eml into a folder, complete
// (written to a temporary name, flushed, then renamed), for a local mail
// system or a person to pick up. Writing the same message again replaces
// its file: a message is there once.
type Pickup struct {
	dir  string
	from *mail.Address
}

// Describe implements Sender.
func (p *Pickup) Describe() string { return "pickup folder " + p.dir + ", from " + p.from.String() }

// Dir returns the folder messages are written to.
func (p *Pickup) Dir() string { return p.dir }

// FileName returns the name of the file message id is written to.
func FileName(id string) string {
	return strings.NewReplacer("/", "_", "\\", "_", "@", "_at_").Replace(id) + ".eml"
}

// Send implements Sender.
func (p *Pickup) Send(_ context.Context, m Message) error {
	msg, err := build(p.from, m)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(p.dir, ".tmp-*.eml")
	if err != nil {
		return fmt.Errorf("mail: pickup: %w", err)
	}
	tmp := f.Name()
	_, err = msg.WriteTo(f)
	err = errors.Join(err, f.Chmod(0o600), f.Sync(), f.Close())
	if err == nil {
		err = os.Rename(tmp, filepath.Join(p.dir, FileName(m.ID)))
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("mail: pickup: %w", err)
	}
	if d, err := os.Open(p.dir); err == nil {
		err = errors.Join(d.Sync(), d.Close())
		if err != nil {
			return fmt.Errorf("mail: pickup: %w", err)
		}
	}
	return nil
}
