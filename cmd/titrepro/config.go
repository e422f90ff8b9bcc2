package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/gateway"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/internal/telemetry"
	"github.com/titrepro/titrepro/services/candidate"
)

// config is the all-in-one configuration, read from TITREPRO_* variables.
// Every variable and its default is listed in README.md.
type config struct {
	DataDir           string        // TITREPRO_DATA_DIR
	HTTPAddr          string        // TITREPRO_HTTP_ADDR
	PublicURL         string        // TITREPRO_PUBLIC_URL: issuer of local tokens, base of the CLI's calls
	Audience          string        // TITREPRO_AUDIENCE
	NATSAddr          string        // TITREPRO_NATS_ADDR
	CandidateAddr     string        // TITREPRO_CANDIDATE_ADDR
	CertificationAddr string        // TITREPRO_CERTIFICATION_ADDR
	AssessmentAddr    string        // TITREPRO_ASSESSMENT_ADDR
	PortfolioAddr     string        // TITREPRO_PORTFOLIO_ADDR
	ShutdownTimeout   time.Duration // TITREPRO_SHUTDOWN_TIMEOUT
	MaxTokenLifetime  time.Duration // TITREPRO_MAX_TOKEN_LIFETIME: longest exp − iat the services accept and `token` mints
	LogLevel          slog.Level    // TITREPRO_LOG_LEVEL
	LogFormat         string        // TITREPRO_LOG_FORMAT: json | text
	// Web login (OpenID Connect, authorization code + PKCE).
	OIDCIssuer       string // TITREPRO_OIDC_ISSUER: external identity provider; empty: the local issuer
	OIDCClientID     string // TITREPRO_OIDC_CLIENT_ID: the web application's client
	OIDCClientSecret string // TITREPRO_OIDC_CLIENT_SECRET: only for a confidential client at an external provider
	DevLogin         bool   // TITREPRO_DEV_LOGIN: serve the development login page (default: when no external issuer)
	WebMarianne      bool   // TITREPRO_WEB_MARIANNE: the web pages use the Marianne font (vendored with make web-vendor WEB_MARIANNE=1)
	// Gateway bounds requests and connections: TITREPRO_HTTP_MAX_BODY_BYTES,
	// TITREPRO_RATE_LIMIT_ANONYMOUS… (gateway.LoadLimits, prefixed).
	Gateway gateway.Limits
	// Mail is where the notifications go: TITREPRO_SMTP_HOST, _PORT,
	// _USERNAME, _PASSWORD or _PASSWORD_FILE, _TLS, _FROM, _TIMEOUT; without
	// TITREPRO_SMTP_HOST, .eml files in TITREPRO_MAIL_PICKUP_DIR (default
	// <data>/mail/outgoing) — mail.LoadConfig, prefixed.
	Mail mail.Config
	// MaxBanMonths is the longest ban the ministry may pronounce (R58):
	// TITREPRO_SANCTION_MAX_BAN_MONTHS, the candidate service's
	// SANCTION_MAX_BAN_MONTHS (default 12).
	MaxBanMonths int
	// otelEnv reads the standard OTEL_* variables of tracing (not
	// prefixed: they are the OpenTelemetry SDK's), for telemetry.Setup.
	otelEnv func(string) string
	// cpfEnv reads the certifier's identifiers for the CPF deposit,
	// CPF_EMITTER_CLIENT_ID, CPF_CERTIFIER_CLIENT_ID, CPF_CONTRACT_ID and
	// CPF_DEPOSITOR (not prefixed: the certification service's own names,
	// as the cluster passes them on).
	cpfEnv func(string) string
}

func loadConfig(getenv func(string) string) (config, error) {
	or := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		otelEnv:           getenv,
		cpfEnv:            getenv,
		DataDir:           or("TITREPRO_DATA_DIR", "var"),
		HTTPAddr:          or("TITREPRO_HTTP_ADDR", ":8080"),
		Audience:          or("TITREPRO_AUDIENCE", "titrepro"),
		NATSAddr:          or("TITREPRO_NATS_ADDR", "127.0.0.1:14222"),
		CandidateAddr:     or("TITREPRO_CANDIDATE_ADDR", "127.0.0.1:9091"),
		CertificationAddr: or("TITREPRO_CERTIFICATION_ADDR", "127.0.0.1:9094"),
		AssessmentAddr:    or("TITREPRO_ASSESSMENT_ADDR", "127.0.0.1:9093"),
		PortfolioAddr:     or("TITREPRO_PORTFOLIO_ADDR", "127.0.0.1:9092"),
		LogFormat:         or("TITREPRO_LOG_FORMAT", "json"),
		OIDCIssuer:        strings.TrimSpace(getenv("TITREPRO_OIDC_ISSUER")),
		OIDCClientID:      or("TITREPRO_OIDC_CLIENT_ID", "titrepro-web"),
		OIDCClientSecret:  getenv("TITREPRO_OIDC_CLIENT_SECRET"), // as given: a secret may hold spaces
	}
	var errs []error
	c.PublicURL = strings.TrimRight(or("TITREPRO_PUBLIC_URL", "http://localhost"+portSuffix(c.HTTPAddr)), "/")
	if err := checkBaseURL(c.PublicURL, false); err != nil {
		errs = append(errs, fmt.Errorf("TITREPRO_PUBLIC_URL: %w", err))
	}
	errs = append(errs, c.loadLogin(getenv("TITREPRO_DEV_LOGIN")))
	var err error
	if c.ShutdownTimeout, err = time.ParseDuration(or("TITREPRO_SHUTDOWN_TIMEOUT", "15s")); err != nil || c.ShutdownTimeout <= 0 {
		errs = append(errs, fmt.Errorf("TITREPRO_SHUTDOWN_TIMEOUT: want a positive duration such as 15s"))
	}
	if c.MaxTokenLifetime, err = time.ParseDuration(or("TITREPRO_MAX_TOKEN_LIFETIME", auth.DefaultMaxLifetime.String())); err != nil || c.MaxTokenLifetime <= 0 {
		errs = append(errs, fmt.Errorf("TITREPRO_MAX_TOKEN_LIFETIME: want a positive duration such as 12h"))
	}
	if err := c.LogLevel.UnmarshalText([]byte(or("TITREPRO_LOG_LEVEL", "info"))); err != nil {
		errs = append(errs, fmt.Errorf("TITREPRO_LOG_LEVEL: want debug, info, warn or error"))
	}
	if c.WebMarianne, err = strconv.ParseBool(or("TITREPRO_WEB_MARIANNE", "false")); err != nil {
		errs = append(errs, fmt.Errorf("TITREPRO_WEB_MARIANNE: want true or false"))
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		errs = append(errs, fmt.Errorf("TITREPRO_LOG_FORMAT: want json or text"))
	}
	c.Gateway, err = gateway.LoadLimits("TITREPRO_", getenv)
	errs = append(errs, err)
	c.Mail, err = mail.LoadConfig("TITREPRO_", getenv, filepath.Join(c.DataDir, "mail", "outgoing"))
	errs = append(errs, err)
	cand, err := candidate.LoadConfig(func(key string) string {
		if key == "SANCTION_MAX_BAN_MONTHS" {
			return getenv("TITREPRO_SANCTION_MAX_BAN_MONTHS")
		}
		return ""
	})
	if err != nil {
		errs = append(errs, errors.New("TITREPRO_"+err.Error()))
	}
	c.MaxBanMonths = cand.MaxBanMonths
	for key, addr := range map[string]string{"TITREPRO_HTTP_ADDR": c.HTTPAddr, "TITREPRO_NATS_ADDR": c.NATSAddr,
		"TITREPRO_CANDIDATE_ADDR": c.CandidateAddr, "TITREPRO_CERTIFICATION_ADDR": c.CertificationAddr,
		"TITREPRO_ASSESSMENT_ADDR": c.AssessmentAddr, "TITREPRO_PORTFOLIO_ADDR": c.PortfolioAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: want host:port, got %q", key, addr))
		}
	}
	return c, errors.Join(errs...)
}

// loadLogin checks the web login settings and sets DevLogin: on by default
// with the local issuer, refused with an external one (the services verify
// only that issuer's tokens, so a local login would open nothing).
func (c *config) loadLogin(devLogin string) error {
	var errs []error
	if c.OIDCIssuer != "" {
		if err := checkBaseURL(c.OIDCIssuer, true); err != nil {
			errs = append(errs, fmt.Errorf("TITREPRO_OIDC_ISSUER: %w", err))
		}
	}
	if len(c.OIDCClientID) > 128 || strings.ContainsFunc(c.OIDCClientID, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		errs = append(errs, errors.New("TITREPRO_OIDC_CLIENT_ID: want at most 128 visible ASCII characters"))
	}
	c.DevLogin = c.OIDCIssuer == ""
	if v := strings.TrimSpace(devLogin); v != "" {
		on, err := strconv.ParseBool(v)
		switch {
		case err != nil:
			errs = append(errs, errors.New("TITREPRO_DEV_LOGIN: want true or false"))
		case on && c.OIDCIssuer != "":
			errs = append(errs, errors.New("TITREPRO_DEV_LOGIN=true with TITREPRO_OIDC_ISSUER: the services accept only the external issuer's tokens; unset one of them"))
		default:
			c.DevLogin = on
		}
	}
	if c.OIDCClientSecret != "" && c.OIDCIssuer == "" {
		errs = append(errs, errors.New("TITREPRO_OIDC_CLIENT_SECRET is only for an external issuer (TITREPRO_OIDC_ISSUER): the development login has a public client"))
	}
	return errors.Join(errs...)
}

// checkBaseURL accepts an absolute http or https URL without query,
// fragment or credentials; with httpsOnly, plain http only on loopback
// (an identity provider on the developer's machine).
func checkBaseURL(raw string, httpsOnly bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(raw, "?#") {
		return fmt.Errorf("want an absolute http(s) URL without query, fragment or credentials, got %q", raw)
	}
	if httpsOnly && u.Scheme == "http" && !isLoopback(u.Hostname()) {
		return fmt.Errorf("want https (plain http only for localhost), got %q", raw)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WebLogin is what the web application needs to log people in with
// OpenID Connect (authorization code with PKCE S256, scope openid).
type WebLogin struct {
	// IssuerURL is the provider to discover: TITREPRO_OIDC_ISSUER, or the
	// public URL when the all-in-one serves the development login; empty
	// when neither is on (no web login).
	IssuerURL    string
	ClientID     string
	ClientSecret string // empty for a public client (the development login's)
	// RedirectURL is where the provider sends the code back:
	// {public URL}/auth/callback, registered exactly with the provider.
	RedirectURL string
	// PostLogoutRedirectURL is where the provider sends people after
	// logout: {public URL}/, registered with the provider.
	PostLogoutRedirectURL string
	DevLogin              bool // the provider is the all-in-one's development login
}

// String leaves the secret out, so that printing the value cannot leak it.
func (w WebLogin) String() string {
	secret := "none"
	if w.ClientSecret != "" {
		secret = "set"
	}
	return fmt.Sprintf("issuer=%s client=%s secret=%s redirect=%s dev_login=%t", w.IssuerURL, w.ClientID, secret, w.RedirectURL, w.DevLogin)
}

// LogValue leaves the secret out of structured logs too.
func (w WebLogin) LogValue() slog.Value {
	return slog.StringValue(w.String())
}

// webLogin returns the web login settings of the configuration.
func (c config) webLogin() WebLogin {
	w := WebLogin{
		IssuerURL:             c.OIDCIssuer,
		ClientID:              c.OIDCClientID,
		ClientSecret:          c.OIDCClientSecret,
		RedirectURL:           c.PublicURL + "/auth/callback",
		PostLogoutRedirectURL: c.PublicURL + "/",
		DevLogin:              c.DevLogin,
	}
	if c.DevLogin {
		w.IssuerURL = c.PublicURL
	}
	return w
}

func portSuffix(addr string) string {
	if _, port, err := net.SplitHostPort(addr); err == nil && port != "" {
		return ":" + port
	}
	return ""
}

func (c config) logger() *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "text" {
		return slog.New(telemetry.LogHandler(slog.NewTextHandler(os.Stderr, opts)))
	}
	return slog.New(telemetry.LogHandler(slog.NewJSONHandler(os.Stderr, opts)))
}
