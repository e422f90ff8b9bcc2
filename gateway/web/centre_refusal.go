package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// centreRefusal is a service's refusal of a centre's action, shown at the
// top of the page of the form that asked for it, so that the person keeps
// what they typed and sees what to change.
type centreRefusal struct {
	Title, Detail, Rule string // describe(err)
	// Hint says what to do in the page's own terms (the juror's name, the
	// session's dates) and names the rule; empty when describe says enough.
	Hint string
	// Others are the field errors of fields the form does not have.
	Others []string
	// Reload is the page to reload after a concurrent change (409).
	Reload string
	// Reason is the API's reason code, shown small for support.
	Reason string
}

// centreFormField ties an API field path (or the start of one: "candidate.given_names"
// covers "candidate.given_names[1]") to the id of the form's field. A
// form's list is in the order of its fields: the order of the error
// summary.
type centreFormField struct{ api, id string }

// centreHint returns the hint for a refusal's reason and metadata, "" for none.
type centreHint func(reason string, meta map[string]string) string

// centreRefusalOf sorts a service's error. ok is false for an error the
// page cannot show (an expired session, an internal error, a service
// down): the caller answers with a.fail. Otherwise it returns the refusal
// (nil when the form's error summary says it all), the errors of the
// form's fields (in the form's order) and the HTTP status of the page.
func centreRefusalOf(err error, fields []centreFormField, hint centreHint) (*centreRefusal, []Field, int, bool) {
	st, ok := status.FromError(err)
	if !ok {
		return nil, nil, 0, false
	}
	switch st.Code() {
	case codes.InvalidArgument, codes.OutOfRange, codes.FailedPrecondition, codes.Aborted,
		codes.AlreadyExists, codes.NotFound, codes.PermissionDenied, codes.ResourceExhausted:
	default:
		return nil, nil, 0, false
	}
	m := describe(err)
	ref := &centreRefusal{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Reason: centreReason(err)}
	if hint != nil {
		ref.Hint = hint(centreReason(err), centreErrorMeta(err))
	}
	// Each refused field goes to the form field of the longest API path
	// that covers it; the errors follow the order of fields.
	byID := map[string]string{}
	for path, msg := range m.Fields {
		best := -1
		for i, f := range fields {
			if centreCoversPath(f.api, path) && (best < 0 || len(f.api) > len(fields[best].api)) {
				best = i
			}
		}
		switch {
		case best < 0:
			ref.Others = append(ref.Others, msg)
		case byID[fields[best].id] == "":
			byID[fields[best].id] = msg
		}
	}
	var errs []Field
	for _, f := range fields {
		if msg := byID[f.id]; msg != "" {
			errs = append(errs, Field{ID: f.id, Message: msg})
			delete(byID, f.id)
		}
	}
	sort.Strings(ref.Others)
	if len(errs) > 0 && len(ref.Others) == 0 && ref.Hint == "" && st.Code() == codes.InvalidArgument {
		ref = nil // the form's error summary says it all
	}
	code := runtime.HTTPStatusFromCode(st.Code())
	if st.Code() == codes.InvalidArgument {
		code = http.StatusUnprocessableEntity
	}
	return ref, errs, code, true
}

// centreCoversPath reports whether the API field prefix covers path.
func centreCoversPath(prefix, path string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[")
}

// centreReason returns the ErrorInfo reason of err, "" when it has none.
func centreReason(err error) string { return centreErrorInfo(err).GetReason() }

// centreErrorMeta returns the ErrorInfo metadata of err (the juror, candidacy or
// link a refusal names), nil when it has none.
func centreErrorMeta(err error) map[string]string { return centreErrorInfo(err).GetMetadata() }

// centreErrorInfo returns the ErrorInfo detail of err, nil when it has none.
func centreErrorInfo(err error) *errdetails.ErrorInfo {
	var s interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &s) {
		return nil
	}
	for _, d := range s.GRPCStatus().Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}
