// Package grpcx is the gRPC plumbing shared by the titrepro services: the
// server with its interceptor chain (recovery, request id, logging and
// metrics, authentication, error mapping) and health service, graceful
// serving, client connections, and the mapping between *apperr.Error and
// gRPC statuses with google.rpc error details (AIP-193).
package grpcx

import (
	"context"
	"errors"
	"maps"
	"strings"
	"unicode"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/protoadapt"

	"github.com/titrepro/titrepro/internal/apperr"
)

// internalMessage is the only text an Internal status carries: the cause of a
// bug is for the logs, not for clients.
const internalMessage = "internal error"

// ruleMetaKey is the ErrorInfo metadata key that carries apperr.Error.Rule.
const ruleMetaKey = "rule"

// ruleViolationType is the PreconditionFailure violation type of a domain rule.
const ruleViolationType = "RULE"

var kindCodes = map[apperr.Kind]codes.Code{
	apperr.KindInvalidArgument:    codes.InvalidArgument,
	apperr.KindFailedPrecondition: codes.FailedPrecondition,
	apperr.KindNotFound:           codes.NotFound,
	apperr.KindAlreadyExists:      codes.AlreadyExists,
	apperr.KindAborted:            codes.Aborted,
	apperr.KindPermissionDenied:   codes.PermissionDenied,
	apperr.KindUnauthenticated:    codes.Unauthenticated,
	apperr.KindUnavailable:        codes.Unavailable,
	apperr.KindResourceExhausted:  codes.ResourceExhausted,
	apperr.KindDataLoss:           codes.DataLoss,
}

// ToStatus converts an error returned by a handler into the status sent to the
// client (house style §3.5). domain is the ErrorInfo domain of the service,
// e.g. "candidate.titrepro".
//
//   - nil gives an OK status;
//   - context.Canceled and context.DeadlineExceeded give Canceled and
//     DeadlineExceeded, whatever wraps them;
//   - an *apperr.Error gives the code of its Kind and its Message, with an
//     ErrorInfo (Reason, domain, Meta plus "rule"), a BadRequest when it has
//     Violations and a PreconditionFailure when it names a Rule;
//   - a gRPC status error (from a peer or grpc itself) passes through unchanged;
//   - anything else, and KindInternal, gives Internal "internal error" with an
//     ErrorInfo of reason INTERNAL and no trace of the cause.
func ToStatus(domain string, err error) *status.Status {
	if err == nil {
		return status.New(codes.OK, "")
	}
	// The message of a wrapped context error would leak the wrappers' text.
	if errors.Is(err, context.DeadlineExceeded) {
		return status.FromContextError(context.DeadlineExceeded)
	}
	if errors.Is(err, context.Canceled) {
		return status.FromContextError(context.Canceled)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return appStatus(domain, ae)
	}
	var se interface{ GRPCStatus() *status.Status }
	if errors.As(err, &se) {
		return se.GRPCStatus()
	}
	return internalStatus(domain)
}

func appStatus(domain string, ae *apperr.Error) *status.Status {
	code, ok := kindCodes[ae.Kind]
	if !ok {
		return internalStatus(domain)
	}
	meta := maps.Clone(ae.Meta)
	if ae.Rule != "" {
		if meta == nil {
			meta = map[string]string{}
		}
		meta[ruleMetaKey] = ae.Rule
	}
	details := []protoadapt.MessageV1{
		&errdetails.ErrorInfo{Reason: ae.Reason, Domain: domain, Metadata: meta},
	}
	if len(ae.Violations) > 0 {
		br := &errdetails.BadRequest{}
		for _, v := range ae.Violations {
			br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{
				Field: v.Field, Description: v.Description,
			})
		}
		details = append(details, br)
	}
	if ae.Rule != "" {
		details = append(details, &errdetails.PreconditionFailure{
			Violations: []*errdetails.PreconditionFailure_Violation{
				{Type: ruleViolationType, Subject: ae.Rule, Description: ae.Message},
			},
		})
	}
	return withDetails(status.New(code, ae.Message), details...)
}

func internalStatus(domain string) *status.Status {
	return withDetails(status.New(codes.Internal, internalMessage),
		&errdetails.ErrorInfo{Reason: apperr.KindInternal.String(), Domain: domain})
}

// withDetails attaches details, or returns st without them in the unexpected
// case that they cannot be marshalled: the code and message matter most.
func withDetails(st *status.Status, details ...protoadapt.MessageV1) *status.Status {
	withDetails, err := st.WithDetails(details...)
	if err != nil {
		return st
	}
	return withDetails
}

var codeKinds = map[codes.Code]apperr.Kind{
	codes.InvalidArgument:    apperr.KindInvalidArgument,
	codes.OutOfRange:         apperr.KindInvalidArgument,
	codes.FailedPrecondition: apperr.KindFailedPrecondition,
	codes.NotFound:           apperr.KindNotFound,
	codes.AlreadyExists:      apperr.KindAlreadyExists,
	codes.Aborted:            apperr.KindAborted,
	codes.PermissionDenied:   apperr.KindPermissionDenied,
	codes.Unauthenticated:    apperr.KindUnauthenticated,
	codes.Unavailable:        apperr.KindUnavailable,
	codes.ResourceExhausted:  apperr.KindResourceExhausted,
	codes.Canceled:           apperr.KindUnavailable,
	codes.DeadlineExceeded:   apperr.KindUnavailable,
	codes.DataLoss:           apperr.KindDataLoss,
}

// FromStatus is the client-side reverse of ToStatus, for peer adapters: a gRPC
// status error becomes an *apperr.Error with the kind of its code and the
// reason, metadata, rule and field violations of its details. Without an
// ErrorInfo the reason is the code's name ("DEADLINE_EXCEEDED"). Codes without a
// kind (Unknown, Unimplemented, Internal) give KindInternal.
// Canceled and DeadlineExceeded give KindUnavailable whose cause also matches
// the context error, so errors.Is(err, context.DeadlineExceeded) holds. The
// status error is kept as the cause. Errors that are not statuses and nil are
// returned unchanged.
//
// Adapters usually translate further: a peer's NOT_FOUND is a failed
// precondition of the caller, not a NotFound of its own (house style §3.5).
func FromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	kind, ok := codeKinds[st.Code()]
	if !ok {
		kind = apperr.KindInternal
	}
	ae := &apperr.Error{Kind: kind, Reason: codeReason(st.Code()), Message: st.Message(), Err: err}
	switch st.Code() {
	case codes.Canceled:
		ae.Err = errors.Join(context.Canceled, err)
	case codes.DeadlineExceeded:
		ae.Err = errors.Join(context.DeadlineExceeded, err)
	}
	for _, d := range st.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if d.GetReason() != "" {
				ae.Reason = d.GetReason()
			}
			for k, v := range d.GetMetadata() {
				if k == ruleMetaKey {
					ae.Rule = v
					continue
				}
				if ae.Meta == nil {
					ae.Meta = map[string]string{}
				}
				ae.Meta[k] = v
			}
		case *errdetails.BadRequest:
			for _, v := range d.GetFieldViolations() {
				ae.Violations = append(ae.Violations, apperr.FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
			}
		case *errdetails.PreconditionFailure:
			for _, v := range d.GetViolations() {
				if v.GetType() == ruleViolationType && ae.Rule == "" {
					ae.Rule = v.GetSubject()
				}
			}
		}
	}
	return ae
}

// codeReason spells a code the way reasons are spelled: DeadlineExceeded
// becomes DEADLINE_EXCEEDED.
func codeReason(c codes.Code) string {
	var b strings.Builder
	prev := ' '
	for _, r := range c.String() {
		if unicode.IsUpper(r) && unicode.IsLower(prev) {
			b.WriteByte('_')
		}
		b.WriteRune(unicode.ToUpper(r))
		prev = r
	}
	return b.String()
}
