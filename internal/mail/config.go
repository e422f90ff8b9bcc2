package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"
)

// TLSMode is how the connection to the SMTP server is protected.
type TLSMode string

// The TLS modes.
const (
	TLSNone     TLSMode = "none"     // plain SMTP: only for a relay on the same host or network
	TLSStartTLS TLSMode = "starttls" // STARTTLS required (submission, port 587)
	TLSImplicit TLSMode = "tls"      // TLS from the first byte (port 465)
)

// DefaultFrom is the sender when none is configured and messages go to the
// pickup folder.
const DefaultFrom = "titrepro <ne-pas-repondre@titrepro.localhost>"

// Config says where messages go: an SMTP server when Host is set, the
// pickup folder PickupDir otherwise.
type Config struct {
	Host     string  // SMTP_HOST; empty: write to PickupDir
	Port     int     // SMTP_PORT; default 465 with tls, 587 with starttls, 25 with none
	Username string  // SMTP_USERNAME; empty: no authentication
	Password string  // SMTP_PASSWORD, or the content of SMTP_PASSWORD_FILE
	TLS      TLSMode // SMTP_TLS: none | starttls | tls (default starttls)
	// From is the sender, "Name <address>" or an address (SMTP_FROM);
	// required with an SMTP server, DefaultFrom for the pickup folder.
	From string
	// PickupDir is where messages are written as .eml files when no SMTP
	// server is set (MAIL_PICKUP_DIR).
	PickupDir string
	// Timeout bounds connecting to the server and each exchange (SMTP_TIMEOUT,
	// default 30s).
	Timeout time.Duration
}

// LoadConfig reads prefix+SMTP_HOST, SMTP_PORT, SMTP_USERNAME,
// SMTP_PASSWORD or SMTP_PASSWORD_FILE, SMTP_TLS, SMTP_FROM, SMTP_TIMEOUT and
// MAIL_PICKUP_DIR (default defaultPickupDir) through getenv, and reports
// every problem at once. The prefix is "" for a service run alone and
// "TITREPRO_" for the all-in-one server.
func LoadConfig(prefix string, getenv func(string) string, defaultPickupDir string) (Config, error) {
	get := func(key string) string { return strings.TrimSpace(getenv(prefix + key)) }
	c := Config{
		Host:      get("SMTP_HOST"),
		Username:  get("SMTP_USERNAME"),
		Password:  getenv(prefix + "SMTP_PASSWORD"), // as given: a password may hold spaces
		TLS:       TLSMode(strings.ToLower(get("SMTP_TLS"))),
		From:      get("SMTP_FROM"),
		PickupDir: get("MAIL_PICKUP_DIR"),
		Timeout:   30 * time.Second,
	}
	var errs []error
	if c.TLS == "" {
		c.TLS = TLSStartTLS
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		errs = append(errs, fmt.Errorf("%sSMTP_TLS: want none, starttls or tls, got %q", prefix, c.TLS))
	}
	if file := get("SMTP_PASSWORD_FILE"); file != "" {
		if c.Password != "" {
			errs = append(errs, fmt.Errorf("%sSMTP_PASSWORD and %sSMTP_PASSWORD_FILE: set only one", prefix, prefix))
		} else if b, err := os.ReadFile(file); err != nil {
			errs = append(errs, fmt.Errorf("%sSMTP_PASSWORD_FILE: %w", prefix, err))
		} else {
			c.Password = strings.TrimRight(string(b), "\r\n")
		}
	}
	if v := get("SMTP_PORT"); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("%sSMTP_PORT: want a port number, got %q", prefix, v))
		}
		c.Port = p
	} else {
		c.Port = map[TLSMode]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[c.TLS]
	}
	if v := get("SMTP_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%sSMTP_TIMEOUT: want a positive duration such as 30s, got %q", prefix, v))
		} else {
			c.Timeout = d
		}
	}
	if c.Host != "" {
		if strings.ContainsAny(c.Host, ":/ ") && net.ParseIP(c.Host) == nil {
			errs = append(errs, fmt.Errorf("%sSMTP_HOST: want a host name or address without port, got %q", prefix, c.Host))
		}
		if c.From == "" {
			errs = append(errs, fmt.Errorf("%sSMTP_FROM is required with %sSMTP_HOST, e.g. \"Titre professionnel <ne-pas-repondre@example.gouv.fr>\"", prefix, prefix))
		}
	} else {
		if c.PickupDir == "" {
			c.PickupDir = defaultPickupDir
		}
		if c.PickupDir == "" {
			errs = append(errs, fmt.Errorf("%sSMTP_HOST or %sMAIL_PICKUP_DIR is required", prefix, prefix))
		}
		if c.From == "" {
			c.From = DefaultFrom
		}
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, fmt.Errorf("%sSMTP_USERNAME and %sSMTP_PASSWORD go together", prefix, prefix))
	}
	if _, err := mail.ParseAddress(c.From); err != nil {
		errs = append(errs, fmt.Errorf("%sSMTP_FROM: want \"Name <address>\" or an address, got %q", prefix, c.From))
	}
	return c, errors.Join(errs...)
}

// String describes the configuration without the password.
func (c Config) String() string {
	if c.Host == "" {
		return fmt.Sprintf("pickup folder %s, from %s", c.PickupDir, c.From)
	}
	auth := "no authentication"
	if c.Username != "" {
		auth = "user " + c.Username
	}
	return fmt.Sprintf("smtp %s (tls %s, %s), from %s", net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), c.TLS, auth, c.From)
}
