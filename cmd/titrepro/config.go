package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/gateway"
	"github.com/titrepro/titrepro/internal/auth"
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
	WebMarianne       bool          // TITREPRO_WEB_MARIANNE: the web pages use the Marianne font (vendored with make web-vendor WEB_MARIANNE=1)
	// Gateway bounds requests and connections: TITREPRO_HTTP_MAX_BODY_BYTES,
	// TITREPRO_RATE_LIMIT_ANONYMOUS… (gateway.LoadLimits, prefixed).
	Gateway gateway.Limits
}

func loadConfig(getenv func(string) string) (config, error) {
	or := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := config{
		DataDir:           or("TITREPRO_DATA_DIR", "var"),
		HTTPAddr:          or("TITREPRO_HTTP_ADDR", ":8080"),
		Audience:          or("TITREPRO_AUDIENCE", "titrepro"),
		NATSAddr:          or("TITREPRO_NATS_ADDR", "127.0.0.1:14222"),
		CandidateAddr:     or("TITREPRO_CANDIDATE_ADDR", "127.0.0.1:9091"),
		CertificationAddr: or("TITREPRO_CERTIFICATION_ADDR", "127.0.0.1:9094"),
		AssessmentAddr:    or("TITREPRO_ASSESSMENT_ADDR", "127.0.0.1:9093"),
		PortfolioAddr:     or("TITREPRO_PORTFOLIO_ADDR", "127.0.0.1:9092"),
		LogFormat:         or("TITREPRO_LOG_FORMAT", "json"),
	}
	var errs []error
	c.PublicURL = strings.TrimRight(or("TITREPRO_PUBLIC_URL", "http://localhost"+portSuffix(c.HTTPAddr)), "/")
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
	for key, addr := range map[string]string{"TITREPRO_HTTP_ADDR": c.HTTPAddr, "TITREPRO_NATS_ADDR": c.NATSAddr,
		"TITREPRO_CANDIDATE_ADDR": c.CandidateAddr, "TITREPRO_CERTIFICATION_ADDR": c.CertificationAddr,
		"TITREPRO_ASSESSMENT_ADDR": c.AssessmentAddr, "TITREPRO_PORTFOLIO_ADDR": c.PortfolioAddr} {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			errs = append(errs, fmt.Errorf("%s: want host:port, got %q", key, addr))
		}
	}
	return c, errors.Join(errs...)
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
		return slog.New(slog.NewTextHandler(os.Stderr, opts))
	}
	return slog.New(slog.NewJSONHandler(os.Stderr, opts))
}
