// Package apperr classifies errors so that transports can map them to status
// codes without knowing the domain. It deliberately does not import gRPC: the
// domain and application layers return *Error, and grpcx turns it into a
// status with ErrorInfo, BadRequest and PreconditionFailure details.
package apperr

import (
	"errors"
	"maps"
	"strings"
)

// Kind is the class of an error; it decides the gRPC code and the HTTP status.
type Kind uint8

// The kinds, in the order of the table in docs/errors.md.
const (
	KindInternal Kind = iota
	KindInvalidArgument
	KindFailedPrecondition
	KindNotFound
	KindAlreadyExists
	KindAborted // optimistic-lock conflict; retrying the whole call is safe
	KindPermissionDenied
	KindUnauthenticated
	KindUnavailable
	KindResourceExhausted
	// KindDataLoss is stored data found damaged (a content whose bytes no
	// longer match their hash): not the caller's fault, and retrying does
	// not help; operators restore from a backup.
	KindDataLoss
)

var kindNames = [...]string{
	KindInternal:           "INTERNAL",
	KindInvalidArgument:    "INVALID_ARGUMENT",
	KindFailedPrecondition: "FAILED_PRECONDITION",
	KindNotFound:           "NOT_FOUND",
	KindAlreadyExists:      "ALREADY_EXISTS",
	KindAborted:            "ABORTED",
	KindPermissionDenied:   "PERMISSION_DENIED",
	KindUnauthenticated:    "UNAUTHENTICATED",
	KindUnavailable:        "UNAVAILABLE",
	KindResourceExhausted:  "RESOURCE_EXHAUSTED",
	KindDataLoss:           "DATA_LOSS",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "UNKNOWN"
}

// FieldViolation names one bad request field. Field is the request field path
// in snake_case ("birth_place.country"), as google.rpc.BadRequest expects.
type FieldViolation struct {
	Field       string
	Description string
}

// Error is a classified error. Reason is a stable UPPER_SNAKE_CASE identifier
// (AIP-193 ErrorInfo.reason); Message is safe to show to API clients; Rule names
// the rule of docs/domain.md that the error enforces ("R25"), when there is one.
type Error struct {
	Kind       Kind
	Reason     string
	Message    string
	Rule       string
	Meta       map[string]string
	Violations []FieldViolation
	Err        error // cause; logged, never sent to clients
}

// New returns an error of the given kind. Sentinels are built with New at
// package level and specialised with the With* copies.
func New(kind Kind, reason, message string) *Error {
	return &Error{Kind: kind, Reason: reason, Message: message}
}

// Invalid reports every bad field of a request at once, so that a client can
// fix them all in one round trip.
func Invalid(violations ...FieldViolation) *Error {
	fields := make([]string, 0, len(violations))
	for _, v := range violations {
		fields = append(fields, v.Field)
	}
	return &Error{
		Kind:       KindInvalidArgument,
		Reason:     "INVALID_ARGUMENT",
		Message:    "invalid fields: " + strings.Join(fields, ", "),
		Violations: violations,
	}
}

// Violations collects the bad fields of a request as they are found, so
// that all of them are reported at once. The zero value is empty.
type Violations []FieldViolation

// Add records that field is bad, for the reason description.
func (v *Violations) Add(field, description string) {
	*v = append(*v, FieldViolation{Field: field, Description: description})
}

// Err returns nil when nothing was added, and otherwise the Invalid error
// listing every violation in the order added.
func (v Violations) Err() error {
	if len(v) == 0 {
		return nil
	}
	return Invalid(v...)
}

func (e *Error) Error() string {
	msg := e.Reason + ": " + e.Message
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Is matches on Reason, so errors.Is(err, candidate.ErrNotFound) holds even
// after the error was copied with metadata or wrapped.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Reason == e.Reason
}

func (e *Error) clone() *Error {
	c := *e
	c.Meta = maps.Clone(e.Meta)
	c.Violations = append([]FieldViolation(nil), e.Violations...)
	return &c
}

// WithRule returns a copy that names the domain rule it enforces.
func (e *Error) WithRule(rule string) *Error {
	c := e.clone()
	c.Rule = rule
	return c
}

// WithMeta returns a copy with one more ErrorInfo metadata entry.
func (e *Error) WithMeta(key, value string) *Error {
	c := e.clone()
	if c.Meta == nil {
		c.Meta = map[string]string{}
	}
	c.Meta[key] = value
	return c
}

// WithMessage returns a copy with a more specific client-facing message.
func (e *Error) WithMessage(message string) *Error {
	c := e.clone()
	c.Message = message
	return c
}

// WithCause returns a copy that wraps the underlying error for the logs.
func (e *Error) WithCause(err error) *Error {
	c := e.clone()
	c.Err = err
	return c
}

// KindOf returns the kind of err, or KindInternal when err is unclassified.
func KindOf(err error) Kind {
	var ae *Error
	if errors.As(err, &ae) {
		return ae.Kind
	}
	return KindInternal
}

// IsRetryable tells a consumer or client whether trying the same thing again
// may succeed: true for unavailability, conflicts and unclassified failures,
// false for errors that describe the request itself.
func IsRetryable(err error) bool {
	switch KindOf(err) {
	case KindInternal, KindUnavailable, KindAborted, KindResourceExhausted:
		return true
	default:
		return false
	}
}
