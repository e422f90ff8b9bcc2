package result_test

import (
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func received() result.SessionResult {
	return result.SessionResult{
		SessionID: "s1", CentreID: "centre-1", Type: result.SessionTitre, TitleCode: "TP-00495", TitleVersion: "2008",
		JuryDate: "2026-03-01", MinutesHash: hash,
		Lines: []result.Line{{CandidacyID: "c1", CandidateID: "cand-1", Decisions: []result.CcpDecision{
			{CcpCode: "CCP1", Outcome: result.Obtained},
			{CcpCode: "CCP2", Outcome: result.NotObtained, Motivation: "m"},
			{CcpCode: "CCP3", Outcome: result.Obtained},
			{CcpCode: "CCP1", Outcome: result.Obtained},
		}}},
		Signatures: []result.Signature{{JurorSubject: "j1", ContentHash: hash}, {JurorSubject: "j2", ContentHash: hash}},
		State:      result.AwaitingValidation,
	}
}

func TestObtained(t *testing.T) {
	t.Parallel()
	if got := received().Lines[0].Obtained(); !reflect.DeepEqual(got, []string{"CCP1", "CCP3"}) {
		t.Fatalf("Obtained() = %v; want [CCP1 CCP3]", got)
	}
}

func TestCheckReceived(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		change     func(r *result.SessionResult)
		wantFields []string
	}{
		{"complete minutes", func(*result.SessionResult) {}, nil},
		{"unsigned minutes are still recorded: checked at validation", func(r *result.SessionResult) { r.Signatures = nil }, nil},
		{"every problem at once", func(r *result.SessionResult) {
			*r = result.SessionResult{JuryDate: "1 March", Lines: []result.Line{{}}}
		}, []string{"session_id", "title_id", "title_version", "content_hash", "jury_date", "type", "lines[0].candidate_id"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := received()
			tt.change(&r)
			err := r.CheckReceived()
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("CheckReceived() = %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
				t.Fatalf("CheckReceived() = %v; want invalid argument", err)
			}
			var fields []string
			for _, v := range ae.Violations {
				fields = append(fields, v.Field)
			}
			if !reflect.DeepEqual(fields, tt.wantFields) {
				t.Fatalf("violations %v; want %v", fields, tt.wantFields)
			}
		})
	}
}

func TestMarkValidated(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	validated := received()
	validated.State, validated.ValidatedBy, validated.ValidatedAt = result.Validated, "officer-0", at.Add(-time.Hour)
	tests := []struct {
		name     string
		r        result.SessionResult
		hash     string
		want     error
		wantRule string
	}{
		{name: "R51: awaiting result validated by the officer", r: received()},
		{name: "R51: with the hash the officer examined", r: received(), hash: hash},
		{name: "hash compared without regard to case", r: received(), hash: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"},
		{name: "R51: other minutes than the ones examined", r: received(), hash: "00", want: result.ErrMinutesHashMismatch, wantRule: "R51"},
		{name: "R51: validating twice is refused: awards happen once", r: validated, want: result.ErrAlreadyValidated, wantRule: "R51"},
		{name: "R50: minutes without signatures", r: func() result.SessionResult { r := received(); r.Signatures = nil; return r }(),
			want: result.ErrMinutesUnsigned, wantRule: "R50"},
		{name: "R50: a juror signed other content", r: func() result.SessionResult {
			r := received()
			r.Signatures[1].ContentHash = "other"
			return r
		}(), want: result.ErrMinutesUnsigned, wantRule: "R50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := tt.r
			before := r.State
			err := r.MarkValidated("officer-1", at, tt.hash)
			if tt.want != nil {
				var ae *apperr.Error
				if !errors.Is(err, tt.want) || !errors.As(err, &ae) || ae.Rule != tt.wantRule {
					t.Fatalf("MarkValidated() = %v; want %v with rule %s", err, tt.want, tt.wantRule)
				}
				if r.State != before {
					t.Fatalf("state changed to %s after a refusal", r.State)
				}
				return
			}
			if err != nil || r.State != result.Validated || r.ValidatedBy != "officer-1" || !r.ValidatedAt.Equal(at) {
				t.Fatalf("MarkValidated() = %v; result %+v", err, r)
			}
		})
	}
}

func TestSameMinutes(t *testing.T) {
	t.Parallel()
	other := received()
	other.MinutesHash = "other"
	if !received().SameMinutes(received()) || received().SameMinutes(other) {
		t.Fatal("SameMinutes compares session and hash")
	}
}
