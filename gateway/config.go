package gateway

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Limits bound what one client may make the gateway do: the size and pace
// of requests, the time a connection may stay open, and how often an
// address may call the anonymous routes or fail to authenticate.
// LoadLimits reads them from the environment; a zero field means its
// default.
type Limits struct {
	// MaxBodyBytes bounds the body of every request but a document upload
	// (HTTP_MAX_BODY_BYTES): a larger one is refused with 413 as soon as
	// it goes over, whether it declares a Content-Length or is chunked.
	MaxBodyBytes int64
	// MaxHeaderBytes bounds the request line and headers
	// (HTTP_MAX_HEADER_BYTES); net/http answers 431 beyond.
	MaxHeaderBytes int
	// ReadHeaderTimeout is the time allowed to send the request line and
	// headers (HTTP_READ_HEADER_TIMEOUT).
	ReadHeaderTimeout time.Duration
	// BodyTimeout and MinBodyRate pace request bodies
	// (HTTP_BODY_TIMEOUT, HTTP_MIN_BODY_RATE): n bytes of body must have
	// arrived BodyTimeout + n/MinBodyRate seconds after the headers, so a
	// 25 MiB upload at a normal speed goes through while a client sending
	// one byte now and then is cut off.
	BodyTimeout time.Duration
	MinBodyRate int64 // bytes per second
	// WriteTimeout is the time allowed to answer once the body is read
	// (HTTP_WRITE_TIMEOUT); downloads are paced by MinBodyRate instead.
	WriteTimeout time.Duration
	// IdleTimeout closes keep-alive connections idle for that long
	// (HTTP_IDLE_TIMEOUT).
	IdleTimeout time.Duration
	// AnonymousPerMinute is the number of requests per minute one client
	// address may make to the routes open without a token: the catalogue
	// and certificate verification (RATE_LIMIT_ANONYMOUS). Negative
	// disables the limit.
	AnonymousPerMinute int
	// AuthFailuresPerMinute is the number of failed authentications (401)
	// per minute one client address may make before its requests with a
	// token are refused for a while (RATE_LIMIT_AUTH_FAILURES). Negative
	// disables the limit.
	AuthFailuresPerMinute int
	// MaxClients bounds the client addresses whose rates are tracked
	// (RATE_LIMIT_MAX_CLIENTS); the least recently seen are forgotten.
	MaxClients int
}

// Defaults of Limits.
const (
	DefaultMaxBodyBytes          = 1 << 20  // 1 MiB
	DefaultMaxHeaderBytes        = 64 << 10 // a bearer token is a few KiB
	DefaultReadHeaderTimeout     = 10 * time.Second
	DefaultBodyTimeout           = 30 * time.Second
	DefaultMinBodyRate           = 32 << 10 // 32 KiB/s: 25 MiB in at most 13.5 minutes
	DefaultWriteTimeout          = 60 * time.Second
	DefaultIdleTimeout           = 120 * time.Second
	DefaultAnonymousPerMinute    = 300
	DefaultAuthFailuresPerMinute = 20
	DefaultMaxClients            = 10000
)

// WithDefaults returns l with every zero field set to its default.
func (l Limits) WithDefaults() Limits {
	or := func(v, def int64) int64 {
		if v == 0 {
			return def
		}
		return v
	}
	l.MaxBodyBytes = or(l.MaxBodyBytes, DefaultMaxBodyBytes)
	l.MaxHeaderBytes = int(or(int64(l.MaxHeaderBytes), DefaultMaxHeaderBytes))
	l.ReadHeaderTimeout = time.Duration(or(int64(l.ReadHeaderTimeout), int64(DefaultReadHeaderTimeout)))
	l.BodyTimeout = time.Duration(or(int64(l.BodyTimeout), int64(DefaultBodyTimeout)))
	l.MinBodyRate = or(l.MinBodyRate, DefaultMinBodyRate)
	l.WriteTimeout = time.Duration(or(int64(l.WriteTimeout), int64(DefaultWriteTimeout)))
	l.IdleTimeout = time.Duration(or(int64(l.IdleTimeout), int64(DefaultIdleTimeout)))
	l.AnonymousPerMinute = int(or(int64(l.AnonymousPerMinute), DefaultAnonymousPerMinute))
	l.AuthFailuresPerMinute = int(or(int64(l.AuthFailuresPerMinute), DefaultAuthFailuresPerMinute))
	l.MaxClients = int(or(int64(l.MaxClients), DefaultMaxClients))
	return l
}

// LoadLimits reads Limits through getenv, from the variables named in the
// field comments, each with prefix before it (the all-in-one server reads
// TITREPRO_HTTP_MAX_BODY_BYTES, the standalone gateway HTTP_MAX_BODY_BYTES).
// Unset variables keep their defaults; the error names every bad one. A
// rate limit of 0 disables it.
func LoadLimits(prefix string, getenv func(string) string) (Limits, error) {
	var l Limits
	var errs []error
	value := func(key string) string { return strings.TrimSpace(getenv(prefix + key)) }
	size := func(key string, dst *int64) {
		if v := value(key); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				errs = append(errs, fmt.Errorf("%s%s: want a positive number of bytes, got %q", prefix, key, v))
				return
			}
			*dst = n
		}
	}
	duration := func(key string, dst *time.Duration) {
		if v := value(key); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				errs = append(errs, fmt.Errorf("%s%s: want a positive duration such as 30s, got %q", prefix, key, v))
				return
			}
			*dst = d
		}
	}
	perMinute := func(key string, dst *int) {
		if v := value(key); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				errs = append(errs, fmt.Errorf("%s%s: want a number of requests per minute (0: no limit), got %q", prefix, key, v))
				return
			}
			if n == 0 {
				n = -1
			}
			*dst = n
		}
	}
	var headerBytes, maxClients int64
	size("HTTP_MAX_BODY_BYTES", &l.MaxBodyBytes)
	size("HTTP_MAX_HEADER_BYTES", &headerBytes)
	size("HTTP_MIN_BODY_RATE", &l.MinBodyRate)
	size("RATE_LIMIT_MAX_CLIENTS", &maxClients)
	l.MaxHeaderBytes, l.MaxClients = int(headerBytes), int(maxClients)
	duration("HTTP_READ_HEADER_TIMEOUT", &l.ReadHeaderTimeout)
	duration("HTTP_BODY_TIMEOUT", &l.BodyTimeout)
	duration("HTTP_WRITE_TIMEOUT", &l.WriteTimeout)
	duration("HTTP_IDLE_TIMEOUT", &l.IdleTimeout)
	perMinute("RATE_LIMIT_ANONYMOUS", &l.AnonymousPerMinute)
	perMinute("RATE_LIMIT_AUTH_FAILURES", &l.AuthFailuresPerMinute)
	return l.WithDefaults(), errors.Join(errs...)
}
