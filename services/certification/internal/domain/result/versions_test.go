package result_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

var at = time.Date(2026, 6, 10, 9, 0, 0, 0, time.UTC)

func signedV1() result.SessionResult {
	return result.SessionResult{
		SessionID: "s1", Version: 1, MinutesHash: "h1", State: result.AwaitingValidation,
		Lines:      []result.Line{{CandidacyID: "cy-1", CandidateID: "c1"}, {CandidacyID: "cy-2", CandidateID: "c2"}},
		Signatures: []result.Signature{{JurorSubject: "j1", ContentHash: "h1"}, {JurorSubject: "j2", ContentHash: "h1"}},
		History:    []result.Version{{Number: 1, Hash: "h1", State: result.AwaitingValidation}},
	}
}

func TestR51Return(t *testing.T) {
	t.Parallel()
	validated := func() result.SessionResult {
		r := signedV1()
		if err := r.MarkValidated("dreets", at, "h1"); err != nil {
			t.Fatal(err)
		}
		return r
	}
	returned := func() result.SessionResult {
		r := signedV1()
		if err := r.MarkReturned("dreets", at, "h1", "motif", []string{"cy-1"}); err != nil {
			t.Fatal(err)
		}
		return r
	}
	tests := []struct {
		name      string
		result    result.SessionResult
		hash      string
		reason    string
		ids       []string
		wantErr   error
		wantRule  string
		wantAfter bool
	}{
		{name: "R51: the ministry returns signed minutes with a reason and the cited candidacies",
			result: signedV1(), hash: "h1", reason: "CCP2 non motivé", ids: []string{"cy-2"}},
		{name: "R51: validated minutes are returned to correct a material error",
			result: validated(), hash: "h1", reason: "erreur matérielle", ids: []string{"cy-1"}, wantAfter: true},
		{name: "R51: a return has a reason",
			result: signedV1(), hash: "h1", reason: " ", ids: []string{"cy-1"}, wantRule: "R51"},
		{name: "R51: a return cites candidacies",
			result: signedV1(), hash: "h1", reason: "motif", wantRule: "R51"},
		{name: "R51: a return cites candidacies of the minutes",
			result: signedV1(), hash: "h1", reason: "motif", ids: []string{"cy-9"}, wantRule: "R51"},
		{name: "R51: a return names the minutes examined",
			result: signedV1(), hash: "h0", reason: "motif", ids: []string{"cy-1"}, wantErr: result.ErrMinutesHashMismatch, wantRule: "R51"},
		{name: "R51: minutes are returned once",
			result: returned(), hash: "h1", reason: "motif", ids: []string{"cy-1"}, wantErr: result.ErrAlreadyReturned, wantRule: "R51"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.result
			err := r.MarkReturned("dreets", at, tt.hash, tt.reason, tt.ids)
			if tt.wantErr == nil && tt.wantRule == "" {
				if err != nil {
					t.Fatalf("MarkReturned() = %v", err)
				}
				if r.State != result.Returned || r.Return == nil || r.Return.AfterValidation != tt.wantAfter {
					t.Fatalf("after return: %+v", r)
				}
				return
			}
			var ae *apperr.Error
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) || !errors.As(err, &ae) || ae.Rule != tt.wantRule {
				t.Fatalf("MarkReturned() = %v; want %v (rule %s)", err, tt.wantErr, tt.wantRule)
			}
		})
	}
}

func TestR51ValidatingAReturnedOrSupersededVersionIsRefused(t *testing.T) {
	t.Parallel()
	r := signedV1()
	if err := r.MarkReturned("dreets", at, "h1", "motif", []string{"cy-1"}); err != nil {
		t.Fatal(err)
	}
	if err := r.MarkValidated("dreets", at, "h1"); !errors.Is(err, result.ErrMinutesReturned) {
		t.Fatalf("R51: validating returned minutes = %v", err)
	}
	next := result.SessionResult{SessionID: "s1", Version: 2, PreviousHash: "h1", MinutesHash: "h2"}
	if err := r.Replaces(next); err != nil {
		t.Fatalf("R51: the next version replaces the returned one: %v", err)
	}
	if err := r.Replaces(result.SessionResult{SessionID: "s1", Version: 3, MinutesHash: "h3"}); !errors.Is(err, result.ErrMinutesConflict) {
		t.Fatalf("a version skipping one = %v", err)
	}
	v2 := next
	v2.State = result.AwaitingValidation
	v2.Signatures = []result.Signature{{JurorSubject: "j1", ContentHash: "h2"}}
	v2.History = []result.Version{{Number: 1, Hash: "h1", State: result.Returned}, {Number: 2, Hash: "h2", State: result.AwaitingValidation}}
	if err := v2.MarkValidated("dreets", at, "h1"); !errors.Is(err, result.ErrVersionSuperseded) {
		t.Fatalf("R51: validating a superseded version = %v; want MINUTES_VERSION_SUPERSEDED", err)
	}
	if err := v2.MarkValidated("dreets", at, "h2"); err != nil || v2.ValidatedVersion != 2 {
		t.Fatalf("validating the current version = %v (validated version %d)", err, v2.ValidatedVersion)
	}
	if _, ok := r.Correction(); ok {
		t.Fatal("a first validation is no correction")
	}
	corrected := result.SessionResult{Version: 2, ValidatedVersion: 1}
	if v, ok := corrected.Correction(); !ok || v != 1 {
		t.Fatalf("Correction() = %d, %v", v, ok)
	}
}
