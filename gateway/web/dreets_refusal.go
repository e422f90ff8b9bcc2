package web

import (
	"net/http"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// dreetsFormRefusal sorts a service's refusal of one of the DREETS officer's
// forms (registers, withdrawals, appeals, sanctions), once the caller has
// answered the errors that fail the whole page (failsThePage). It returns
// the errors of the form's fields, in the order of fields (pairs of API
// path and form field id, the form's order; a form field named once even
// when two paths lead to it), the refusal to show above the form (nil when
// the fields' errors say all of it) and the page's HTTP status: 422 for an
// invalid input, the refusal's own otherwise.
func dreetsFormRefusal(err error, fields []centreFormField) ([]Field, *Message, int) {
	st, _ := status.FromError(err)
	m := describe(err)
	var errs []Field
	named := map[string]bool{}
	for _, f := range fields {
		if msg, ok := m.Fields[f.api]; ok && !named[f.id] {
			named[f.id] = true
			errs = append(errs, Field{ID: f.id, Message: msg})
		}
	}
	var refusal *Message
	if len(errs) == 0 || len(errs) < len(m.Fields) || st.Code() != codes.InvalidArgument {
		refusal = &m
	}
	code := runtime.HTTPStatusFromCode(st.Code())
	if st.Code() == codes.InvalidArgument {
		code = http.StatusUnprocessableEntity
	}
	return errs, refusal, code
}
