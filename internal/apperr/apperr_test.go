package apperr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
)

var errThing = apperr.New(apperr.KindNotFound, "THING_NOT_FOUND", "thing not found")

func TestIsMatchesOnReasonThroughCopiesAndWrapping(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"same sentinel", errThing, true},
		{"copy with meta", errThing.WithMeta("id", "1"), true},
		{"copy with rule, wrapped", fmt.Errorf("load: %w", errThing.WithRule("R1")), true},
		{"other reason", apperr.New(apperr.KindNotFound, "OTHER", "x"), false},
		{"plain error", errors.New("THING_NOT_FOUND: thing not found"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := errors.Is(tt.err, errThing); got != tt.want {
				t.Fatalf("errors.Is(%v, errThing) = %v; want %v", tt.err, got, tt.want)
			}
		})
	}
}

func TestCopiesDoNotAliasTheSentinel(t *testing.T) {
	t.Parallel()
	_ = errThing.WithMeta("a", "b").WithRule("R9")
	if errThing.Meta != nil || errThing.Rule != "" {
		t.Fatalf("sentinel changed: %+v", errThing)
	}
}

func TestInvalidListsEveryField(t *testing.T) {
	t.Parallel()
	err := apperr.Invalid(
		apperr.FieldViolation{Field: "email", Description: "not an email address"},
		apperr.FieldViolation{Field: "birth_date", Description: "required"},
	)
	if err.Kind != apperr.KindInvalidArgument || len(err.Violations) != 2 {
		t.Fatalf("Invalid() = %+v", err)
	}
	if want := "invalid fields: email, birth_date"; err.Message != want {
		t.Fatalf("Message = %q; want %q", err.Message, want)
	}
}

// TestViolationsCollectAllThenErr: an empty collector is no error (a nil
// interface, not a typed nil); a filled one is Invalid listing every
// violation in the order added.
func TestViolationsCollectAllThenErr(t *testing.T) {
	t.Parallel()
	var v apperr.Violations
	if err := v.Err(); err != nil {
		t.Fatalf("empty Violations.Err() = %#v; want nil", err)
	}
	v.Add("email", "not an email address")
	v.Add("birth_date", "required")
	var got *apperr.Error
	if !errors.As(v.Err(), &got) || got.Kind != apperr.KindInvalidArgument || len(got.Violations) != 2 ||
		got.Violations[1] != (apperr.FieldViolation{Field: "birth_date", Description: "required"}) {
		t.Fatalf("Violations.Err() = %+v", got)
	}
	if want := "invalid fields: email, birth_date"; got.Message != want {
		t.Fatalf("Message = %q; want %q", got.Message, want)
	}
}

func TestKindOfAndRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err       error
		kind      apperr.Kind
		retryable bool
	}{
		{errThing, apperr.KindNotFound, false},
		{fmt.Errorf("x: %w", apperr.New(apperr.KindUnavailable, "DB_DOWN", "db")), apperr.KindUnavailable, true},
		{errors.New("boom"), apperr.KindInternal, true},
		{apperr.Invalid(), apperr.KindInvalidArgument, false},
	}
	for _, tt := range tests {
		if got := apperr.KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%v) = %v; want %v", tt.err, got, tt.kind)
		}
		if got := apperr.IsRetryable(tt.err); got != tt.retryable {
			t.Errorf("IsRetryable(%v) = %v; want %v", tt.err, got, tt.retryable)
		}
	}
}
