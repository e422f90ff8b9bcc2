package messages_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/gateway/web/messages"
)

func statusWith(t *testing.T, code codes.Code, msg string, details ...*errdetails.ErrorInfo) error {
	t.Helper()
	st := status.New(code, msg)
	for _, d := range details {
		var err error
		if st, err = st.WithDetails(d); err != nil {
			t.Fatal(err)
		}
	}
	return st.Err()
}

func TestForErrorGivesTheSentenceOfTheReasonAndItsRule(t *testing.T) {
	err := statusWith(t, codes.PermissionDenied, "you declared a link with this candidate",
		&errdetails.ErrorInfo{Reason: "JUROR_CONFLICT_OF_INTEREST", Metadata: map[string]string{"rule": "R21"}})
	m := messages.ForError(err)
	if !strings.Contains(m.Title, "lien avec ce candidat") || m.Rule != "R21" || m.Reason != "JUROR_CONFLICT_OF_INTEREST" || m.Code != codes.PermissionDenied {
		t.Fatalf("ForError = %+v", m)
	}
	if strings.Contains(m.Title+m.Detail, "declared") {
		t.Fatalf("the English message leaked into %+v", m)
	}
}

func TestForErrorNeverCopiesTheStatusText(t *testing.T) {
	for _, err := range []error{
		statusWith(t, codes.Internal, "pq: relation \"sessions\" does not exist"),
		statusWith(t, codes.FailedPrecondition, "secret detail", &errdetails.ErrorInfo{Reason: "SOME_NEW_REASON"}),
		errors.New("dial tcp 10.0.0.1:9093: connection refused"),
	} {
		m := messages.ForError(err)
		if m.Title == "" || strings.Contains(m.Title+m.Detail, "relation") || strings.Contains(m.Title+m.Detail, "secret") || strings.Contains(m.Title+m.Detail, "10.0.0.1") {
			t.Errorf("ForError(%v) = %+v", err, m)
		}
	}
}

func TestForErrorOfContextErrors(t *testing.T) {
	if m := messages.ForError(fmt.Errorf("call: %w", context.DeadlineExceeded)); m.Code != codes.DeadlineExceeded || !strings.Contains(m.Title, "trop de temps") {
		t.Fatalf("deadline: %+v", m)
	}
}

func TestForErrorGivesASentencePerField(t *testing.T) {
	st := status.New(codes.InvalidArgument, "invalid fields: candidate.email, candidate.phone")
	st, err := st.WithDetails(&errdetails.ErrorInfo{Reason: "INVALID_ARGUMENT"}, &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{
		{Field: "candidate.email", Description: "not an email address"},
		{Field: "candidate.phone", Description: "must be in international form without spaces, e.g. +33612345678"},
		{Field: "candidate.birth_name", Description: "must be at most 200 characters long"},
		{Field: "candidate.x", Description: "something no one wrote yet"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	m := messages.ForStatus(st)
	want := map[string]string{
		"candidate.email":      "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
		"candidate.phone":      "Saisissez le numéro au format international, par exemple +33612345678.",
		"candidate.birth_name": "Ce texte est trop long.",
		"candidate.x":          "Cette valeur n’est pas acceptée.",
	}
	for f, s := range want {
		if m.Fields[f] != s {
			t.Errorf("Fields[%q] = %q, want %q", f, m.Fields[f], s)
		}
	}
	if m.Title != "Certains champs sont à corriger." {
		t.Errorf("Title = %q", m.Title)
	}
}

// repoRoot is the repository's root, two folders above this module's.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.work")); err != nil {
		t.Fatalf("repository root not found at %s: %v", root, err)
	}
	return root
}

// sources calls fn with the text of every non-test Go file of the
// services, internal packages and gateway.
func sources(t *testing.T, fn func(path, text string), dirs ...string) {
	t.Helper()
	root := repoRoot(t)
	for _, dir := range dirs {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			fn(path, string(b))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

var (
	reasonPattern = regexp.MustCompile(`apperr\.New\(\s*apperr\.Kind\w+,\s*"([A-Z][A-Z0-9_]+)"`)
	gatewayReason = regexp.MustCompile(`(?:gatewayStatus\([^,]+|writeTooMany\([^,]+,[^,]+),\s*"([A-Z][A-Z0-9_]+)"`)
	// A violation with a literal description: v.Add(field, "…"),
	// FieldViolation{…, Description: "…"} or a local bad("field", "…"),
	// in the services and shared packages (the gateway's own .Add calls
	// are HTTP headers).
	literalField = regexp.MustCompile(`(?:(?:\.Add|\bbad)\((?:"[^"\n]*"|[^,()"\n]+),|FieldViolation\{[^}]*?Description:)\s*"([^"%\n]+)"`)
)

func TestEveryReasonHasASentence(t *testing.T) {
	found := 0
	sources(t, func(path, text string) {
		for _, re := range []*regexp.Regexp{reasonPattern, gatewayReason} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				found++
				err := statusWith(t, codes.FailedPrecondition, "x", &errdetails.ErrorInfo{Reason: m[1]})
				if got := messages.ForError(err); got.Title == messages.ForError(statusWith(t, codes.FailedPrecondition, "x")).Title {
					t.Errorf("%s: reason %s has no French sentence in reasons.go", path, m[1])
				}
			}
		}
	}, "services", "internal", "gateway")
	if found < 90 {
		t.Fatalf("found only %d reasons in the code: the patterns no longer match it", found)
	}
}

func TestEveryFieldDescriptionHasASentence(t *testing.T) {
	found := 0
	sources(t, func(path, text string) {
		for _, m := range literalField.FindAllStringSubmatch(text, -1) {
			found++
			if messages.Field(m[1]) == messages.Field("") {
				t.Errorf("%s: field description %q has no French sentence in fields.go", path, m[1])
			}
		}
	}, "services", "internal")
	if found < 30 {
		t.Fatalf("found only %d field descriptions in the code: the pattern no longer matches it", found)
	}
}
