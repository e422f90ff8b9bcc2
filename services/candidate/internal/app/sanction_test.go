package app_test

import (
	"context"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// TestR58_WhoPronouncesAndReadsSanctions: only the ministry pronounces a
// sanction, on a candidate that exists; the ministry, the admin and the
// candidate themself read them, not the centre that registered the
// candidate nor another candidate.
func TestR58_WhoPronouncesAndReadsSanctions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ban := sanction.Input{Kind: sanction.KindBan, DurationMonths: 12, NotifiedOn: "2026-03-15", Reference: "fr-1", Motivation: "Fraude avérée."}
	pronounce := func(ctx context.Context, id string) error {
		_, err := f.app.Commands.PronounceSanction.Handle(ctx, command.PronounceSanction{CandidateID: id, Input: ban})
		return err
	}
	for _, ctx := range []context.Context{as(centre1), as(cand2), as(admin), as(juror)} {
		wantKind(t, pronounce(ctx, f.bound.ID()), apperr.KindPermissionDenied)
	}
	wantKind(t, pronounce(as(ministry), "0197a5d0-0000-7000-8000-00000000dead"), apperr.KindNotFound)
	requireNoError(t, pronounce(as(ministry), f.bound.ID()))

	tests := []struct {
		name string
		ctx  context.Context
		want apperr.Kind
	}{
		{"the ministry", as(ministry), allowed},
		{"the admin", as(admin), allowed},
		{"the candidate themself", as(cand2), allowed},
		{"the centre that registered them", as(centre1), apperr.KindPermissionDenied},
		{"another candidate", as(cand1), apperr.KindPermissionDenied},
		{"a juror", as(juror), apperr.KindPermissionDenied},
	}
	for _, tt := range tests {
		got, err := f.app.Queries.Sanctions.Handle(tt.ctx, f.bound.ID())
		if tt.want != allowed {
			wantKind(t, err, tt.want)
			continue
		}
		requireNoError(t, err)
		if len(got) != 1 || got[0].EndsOn.String() != "2027-03-15" {
			t.Errorf("%s reads %+v; want the one-year ban ending 2027-03-15", tt.name, got)
		}
	}
}
