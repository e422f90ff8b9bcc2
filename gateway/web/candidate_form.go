package web

import (
	"net/http"
	"slices"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// The form pieces of the candidate's screens. Pages build their inputs in
// Go (label, value, bound, error) and the partials of
// templates/partials/candidate_forms.html render them the DSFR way: a
// label tied to its input, the hint and the error announced with it
// (aria-describedby), radios in a fieldset with a legend.

// input is one text input, date or textarea of a form.
type input struct {
	ID, Name, Label, Hint string
	Value                 string
	Type                  string // "text" when empty; "date", "email", "tel"
	Autocomplete          string
	Max                   int // maxlength in characters, the API's bound; 0: none
	Rows                  int // > 0: a textarea of that many rows
	Error                 string
}

// choice is a group of radio buttons, or a select when Select is set.
type choice struct {
	ID, Name, Legend, Hint string
	Options                []option
	Select                 bool
	Error                  string
}

// option is one radio button or one option of a select. Its ID is the
// radio's id (the group's ID with the option's index when empty).
type option struct {
	ID, Value, Label, Hint string
	Checked                bool
}

// alert is a message box above a form or a list: a refusal, a success,
// a piece of information.
type alert struct {
	Kind   string // "error", "success", "info", "warning"
	Title  string
	Detail string
	Rule   string
	Items  []string // more to say, one line each
	Link   *link
}

// formErrors collects a form's errors, in the order of the form, for the
// error summary (Page.Errors) and the inputs.
type formErrors struct{ list []Field }

func (e *formErrors) add(id, message string) {
	if id == "" || message == "" || e.get(id) != "" {
		return
	}
	e.list = append(e.list, Field{ID: id, Message: message})
}

func (e *formErrors) get(id string) string {
	for _, f := range e.list {
		if f.ID == id {
			return f.Message
		}
	}
	return ""
}

// empty reports whether no error was collected.
func (e *formErrors) empty() bool { return len(e.list) == 0 }

// inOrder sorts the errors in the order of ids, the order of the fields
// on the page, so that the summary reads like the form; errors of other
// ids go last.
func (e *formErrors) inOrder(ids []string) {
	rank := func(id string) int {
		if i := slices.Index(ids, id); i >= 0 {
			return i
		}
		return len(ids)
	}
	slices.SortStableFunc(e.list, func(a, b Field) int { return rank(a.ID) - rank(b.ID) })
}

// setErrors copies the collected errors onto the inputs and choices.
func (e *formErrors) setErrors(ins []*input, chs ...*choice) {
	for _, in := range ins {
		in.Error = e.get(in.ID)
	}
	for _, ch := range chs {
		ch.Error = e.get(ch.ID)
	}
}

// onForm is a form's answer to a service refusal it can show beside the
// fields: the HTTP status to answer with, and the alert to show above the
// form (nil when the field errors say it all).
type onForm struct {
	status int
	alert  *alert
}

// refusalOnForm sorts the refusal err of a form's action: the field
// violations the form has an input for go to errs (inputOf maps the API's
// field path to the input id, "" when the form has none); the rest goes to
// an alert. ok is false for an error that is not a refusal the person can
// act on in the form (a denial, a missing record, an outage): show it with
// a.fail instead.
func refusalOnForm(err error, inputOf func(apiField string) string, errs *formErrors) (onForm, bool) {
	st, isStatus := status.FromError(err)
	if !isStatus {
		return onForm{}, false
	}
	switch st.Code() {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.Aborted, codes.AlreadyExists, codes.ResourceExhausted, codes.OutOfRange:
	default:
		return onForm{}, false
	}
	m := describe(err)
	paths := make([]string, 0, len(m.Fields))
	for p := range m.Fields {
		paths = append(paths, p)
	}
	slices.Sort(paths) // a stable order; the page puts its fields in its own (inOrder)
	var unplaced []string
	for _, p := range paths {
		if id := inputOf(p); id != "" {
			errs.add(id, m.Fields[p])
		} else {
			unplaced = append(unplaced, m.Fields[p])
		}
	}
	out := onForm{status: http.StatusUnprocessableEntity}
	switch st.Code() {
	case codes.Aborted, codes.AlreadyExists:
		out.status = runtime.HTTPStatusFromCode(st.Code())
	case codes.ResourceExhausted:
		out.status = http.StatusRequestEntityTooLarge
	}
	if st.Code() != codes.InvalidArgument || len(unplaced) > 0 || errs.empty() {
		out.alert = &alert{Kind: "error", Title: m.Title, Detail: m.Detail, Rule: m.Rule, Items: unplaced}
	}
	return out, true
}

// conflictAlert is the alert of a change refused because another change
// came first (etag, 409): what happened, and a way to see the latest
// version. The person's input stays in the form.
func conflictAlert(reload string) *alert {
	return &alert{
		Kind:   "error",
		Title:  "Modification concurrente",
		Detail: "Ces informations ont été modifiées entre-temps (dans un autre onglet ou par une autre personne) : votre enregistrement a été refusé pour ne pas écraser cette modification. Vos saisies sont encore affichées ci-dessous ; copiez ce que vous voulez garder, puis rechargez la page pour partir de la dernière version.",
		Link:   &link{Label: "Recharger la dernière version", Href: reload},
	}
}

// isConflict reports whether err is a refusal because the etag sent is no
// longer the current one.
func isConflict(err error) bool { return hasCode(err, codes.Aborted) }

// formValue returns the trimmed value of a form field, cut to max
// characters (max > 0) so that a hostile request cannot make the page echo
// megabytes; the services check the real bounds.
func formValue(r *http.Request, name string, max int) string {
	v := strings.TrimSpace(r.PostFormValue(name))
	if max > 0 {
		v = cutRunes(v, max+1) // one more: the service still sees it is too long
	}
	return v
}

// cutRunes returns s cut to n characters.
func cutRunes(s string, n int) string {
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}
