package holder_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	stored := &holder.Holder{CandidateID: "c1", SourceVersion: 3}
	tests := []struct {
		name     string
		stored   *holder.Holder
		incoming int64
		want     holder.Outcome
	}{
		{name: "first identity of a person is applied", stored: nil, incoming: 1, want: holder.Apply},
		{name: "first identity seen is a later version: applied", stored: nil, incoming: 4, want: holder.Apply},
		{name: "next version is applied", stored: stored, incoming: 4, want: holder.Apply},
		{name: "a version skipped ahead is applied", stored: stored, incoming: 9, want: holder.Apply},
		{name: "same version again is a duplicate, ignored", stored: stored, incoming: 3, want: holder.Duplicate},
		{name: "older version arriving late is stale, ignored", stored: stored, incoming: 2, want: holder.Stale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := holder.Decide(tt.stored, holder.Holder{CandidateID: "c1", SourceVersion: tt.incoming})
			if got != tt.want {
				t.Fatalf("Decide(%v, v%d) = %v; want %v", tt.stored, tt.incoming, got, tt.want)
			}
		})
	}
}

// TestDecideAnyOrderConverges applies every permutation of three versions
// and checks that the highest one always wins, each version applied at most
// once: the property the projection relies on.
func TestDecideAnyOrderConverges(t *testing.T) {
	t.Parallel()
	orders := [][]int64{{1, 2, 3}, {1, 3, 2}, {2, 1, 3}, {2, 3, 1}, {3, 1, 2}, {3, 2, 1}, {1, 1, 2, 2, 3, 3}, {3, 3, 1}}
	for _, order := range orders {
		var stored *holder.Holder
		applied := map[int64]int{}
		for _, v := range order {
			in := holder.Holder{CandidateID: "c1", SourceVersion: v}
			if holder.Decide(stored, in) == holder.Apply {
				applied[v]++
				stored = &in
			}
		}
		if stored == nil || stored.SourceVersion != 3 {
			t.Fatalf("order %v: ended with %v; want version 3", order, stored)
		}
		for v, n := range applied {
			if n > 1 {
				t.Fatalf("order %v: version %d applied %d times", order, v, n)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		h          holder.Holder
		wantFields []string
	}{
		{name: "id and version are enough", h: holder.Holder{CandidateID: "c1", SourceVersion: 1}},
		{name: "missing id", h: holder.Holder{CandidateID: " ", SourceVersion: 1}, wantFields: []string{"candidate_id"}},
		{name: "version 0 is not a state of a candidate record", h: holder.Holder{CandidateID: "c1"}, wantFields: []string{"source_version"}},
		{name: "every problem at once", h: holder.Holder{SourceVersion: -1}, wantFields: []string{"candidate_id", "source_version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.h.Validate()
			if len(tt.wantFields) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v; want nil", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
				t.Fatalf("Validate() = %v; want an invalid-argument error", err)
			}
			var fields []string
			for _, v := range ae.Violations {
				fields = append(fields, v.Field)
			}
			if len(fields) != len(tt.wantFields) {
				t.Fatalf("violations = %v; want %v", fields, tt.wantFields)
			}
			for i := range fields {
				if fields[i] != tt.wantFields[i] {
					t.Fatalf("violations = %v; want %v", fields, tt.wantFields)
				}
			}
		})
	}
}
