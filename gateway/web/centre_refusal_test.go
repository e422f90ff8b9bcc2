package web

import (
	"net/http"
	"reflect"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

func centreRefusedWith(t *testing.T, c codes.Code, reason string, meta map[string]string, fields ...string) error {
	t.Helper()
	br := &errdetails.BadRequest{}
	for _, f := range fields {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: f, Description: "bad " + f})
	}
	st, err := status.New(c, "refused").WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: "test", Metadata: meta}, br)
	if err != nil {
		t.Fatal(err)
	}
	return st.Err()
}

func TestCentreRefusalMapsFieldsInTheFormsOrder(t *testing.T) {
	t.Parallel()
	fields := []centreFormField{
		{"candidate.birth_name", "nom"},
		{"candidate.postal_address", "ligne1"},
		{"candidate.postal_address.lines[1]", "ligne2"},
		{"candidate.training", "organisme"},
		{"candidate.training.start_date", "debut"},
	}
	err := centreRefusedWith(t, codes.InvalidArgument, "INVALID_ARGUMENT", nil,
		"candidate.training.start_date", "candidate.postal_address.lines[1]", "candidate.training", "candidate.postal_address.lines[0]",
		"candidate.birth_name", "candidate.nowhere")
	ref, errs, code, ok := centreRefusalOf(err, fields, nil)
	if !ok || code != http.StatusUnprocessableEntity {
		t.Fatalf("ok %t, status %d", ok, code)
	}
	var ids []string
	for _, f := range errs {
		ids = append(ids, f.ID)
	}
	if want := []string{"nom", "ligne1", "ligne2", "organisme", "debut"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("fields %v; want %v (the longest path wins, in the form's order)", ids, want)
	}
	// A field the form does not have is said in the refusal.
	if ref == nil || len(ref.Others) != 1 {
		t.Errorf("refusal %+v; want the unknown field in Others", ref)
	}

	// Every field on the form: the error summary says it all.
	ref, errs, _, _ = centreRefusalOf(centreRefusedWith(t, codes.InvalidArgument, "", nil, "candidate.birth_name"), fields, nil)
	if ref != nil || len(errs) != 1 {
		t.Errorf("refusal %+v, errors %v; want no refusal and one error", ref, errs)
	}
}

func TestCentreRefusalSortsCodes(t *testing.T) {
	t.Parallel()
	hint := func(reason string, meta map[string]string) string { return reason + "/" + meta["juror"] }
	for _, tc := range []struct {
		code   codes.Code
		ok     bool
		status int
	}{
		{codes.FailedPrecondition, true, http.StatusBadRequest},
		{codes.Aborted, true, http.StatusConflict},
		{codes.AlreadyExists, true, http.StatusConflict},
		{codes.PermissionDenied, true, http.StatusForbidden},
		{codes.NotFound, true, http.StatusNotFound},
		// The page cannot help with these: a.fail answers (login, error page).
		{codes.Unauthenticated, false, 0},
		{codes.Internal, false, 0},
		{codes.Unavailable, false, 0},
	} {
		ref, _, status, ok := centreRefusalOf(centreRefusedWith(t, tc.code, "JUROR_CONFLICT_OF_INTEREST", map[string]string{"juror": "alice"}), nil, hint)
		if ok != tc.ok || status != tc.status {
			t.Errorf("%s: ok %t status %d; want %t %d", tc.code, ok, status, tc.ok, tc.status)
		}
		if ok && ref.Hint != "JUROR_CONFLICT_OF_INTEREST/alice" {
			t.Errorf("%s: hint %q", tc.code, ref.Hint)
		}
	}
}
