package app_test

import (
	"context"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/app/query"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// allowed marks a table row that must succeed.
const allowed = apperr.Kind(255)

func TestCreateCandidate_Authorisation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		ctx         context.Context
		subject     string // requested subject
		want        apperr.Kind
		wantErr     error
		wantSubject string
		wantCentre  string
	}{
		{name: "candidate registers themself; subject from the token", ctx: as(cand3), want: allowed,
			wantSubject: "cand-3"},
		{name: "candidate may name their own subject", ctx: as(cand3), subject: "cand-3", want: allowed,
			wantSubject: "cand-3"},
		{name: "candidate may not register someone else", ctx: as(cand3), subject: "cand-9", want: apperr.KindPermissionDenied},
		{name: "candidate with a record already", ctx: as(cand1), want: apperr.KindAlreadyExists,
			wantErr: candidate.ErrAlreadyRegistered},
		{name: "centre registers for its centre", ctx: as(centre1), want: allowed, wantCentre: "C1"},
		{name: "centre may bind a subject", ctx: as(centre1), subject: "cand-7", want: allowed,
			wantSubject: "cand-7", wantCentre: "C1"},
		{name: "centre may not bind a subject already bound", ctx: as(centre1), subject: "cand-1",
			want: apperr.KindAlreadyExists, wantErr: candidate.ErrAlreadyRegistered},
		{name: "centre token without centre claim", ctx: as(centreNoClaim), want: apperr.KindPermissionDenied},
		{name: "ministry does not register", ctx: as(ministry), want: apperr.KindPermissionDenied},
		{name: "admin does not register", ctx: as(admin), want: apperr.KindPermissionDenied},
		{name: "juror does not register", ctx: as(juror), want: apperr.KindPermissionDenied},
		{name: "no caller", ctx: context.Background(), want: apperr.KindUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			c, err := f.app.Commands.CreateCandidate.Handle(tt.ctx, command.CreateCandidate{Details: details(tt.subject)})
			if tt.want != allowed {
				wantKind(t, err, tt.want)
				if tt.wantErr != nil {
					requireIs(t, err, tt.wantErr)
				}
				return
			}
			requireNoError(t, err)
			if c.Subject() != tt.wantSubject || c.CentreID() != tt.wantCentre {
				t.Errorf("subject, centre = %q, %q; want %q, %q", c.Subject(), c.CentreID(), tt.wantSubject, tt.wantCentre)
			}
		})
	}
}

func TestCandidateByID_Authorisation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	const unknown = "0197a5d0-0000-7000-8000-00000000ffff"
	tests := []struct {
		name   string
		caller auth.Principal
		id     string
		want   apperr.Kind
	}{
		{name: "candidate reads their own record", caller: cand1, id: f.self.ID(), want: allowed},
		{name: "candidate reads the record a centre bound to them", caller: cand2, id: f.bound.ID(), want: allowed},
		{name: "candidate may not read another's record", caller: cand1, id: f.bound.ID(), want: apperr.KindPermissionDenied},
		{name: "candidate asking for an unknown id: PermissionDenied, not NotFound", caller: cand1, id: unknown, want: apperr.KindPermissionDenied},
		{name: "centre reads what it registered", caller: centre1, id: f.bound.ID(), want: allowed},
		{name: "centre may not read another centre's candidate", caller: centre1, id: f.unbound.ID(), want: apperr.KindPermissionDenied},
		{name: "centre may not read a self-registered candidate", caller: centre1, id: f.self.ID(), want: apperr.KindPermissionDenied},
		{name: "centre asking for an unknown id: PermissionDenied", caller: centre1, id: unknown, want: apperr.KindPermissionDenied},
		{name: "centre token without centre claim", caller: centreNoClaim, id: f.bound.ID(), want: apperr.KindPermissionDenied},
		{name: "ministry reads every record", caller: ministry, id: f.unbound.ID(), want: allowed},
		{name: "admin reads every record", caller: admin, id: f.self.ID(), want: allowed},
		{name: "ministry asking for an unknown id: NotFound", caller: ministry, id: unknown, want: apperr.KindNotFound},
		{name: "juror reads nothing", caller: juror, id: f.self.ID(), want: apperr.KindPermissionDenied},
		{name: "juror asking for an unknown id: PermissionDenied", caller: juror, id: unknown, want: apperr.KindPermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := f.app.Queries.CandidateByID.Handle(as(tt.caller), query.CandidateByID{ID: tt.id})
			if tt.want != allowed {
				wantKind(t, err, tt.want)
				return
			}
			requireNoError(t, err)
			if c.ID() != tt.id {
				t.Errorf("id = %s; want %s", c.ID(), tt.id)
			}
		})
	}
	_, err := f.app.Queries.CandidateByID.Handle(context.Background(), query.CandidateByID{ID: f.self.ID()})
	wantKind(t, err, apperr.KindUnauthenticated)
}

func TestListCandidates_Authorisation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		caller  auth.Principal
		want    apperr.Kind
		wantIDs []string
	}{
		{name: "candidate lists only their own record", caller: cand1, want: allowed, wantIDs: []string{f.self.ID()}},
		{name: "candidate without a record lists nothing", caller: cand3, want: allowed, wantIDs: []string{}},
		{name: "centre lists what it registered", caller: centre1, want: allowed, wantIDs: []string{f.bound.ID()}},
		{name: "other centre lists its own", caller: centre2, want: allowed, wantIDs: []string{f.unbound.ID()}},
		{name: "ministry lists all, oldest first", caller: ministry, want: allowed,
			wantIDs: []string{f.self.ID(), f.bound.ID(), f.unbound.ID()}},
		{name: "admin lists all", caller: admin, want: allowed,
			wantIDs: []string{f.self.ID(), f.bound.ID(), f.unbound.ID()}},
		{name: "centre token without centre claim", caller: centreNoClaim, want: apperr.KindPermissionDenied},
		{name: "juror lists nothing", caller: juror, want: apperr.KindPermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := f.app.Queries.ListCandidates.Handle(as(tt.caller), query.ListCandidates{})
			if tt.want != allowed {
				wantKind(t, err, tt.want)
				return
			}
			requireNoError(t, err)
			got := []string{}
			for _, c := range page.Candidates {
				got = append(got, c.ID())
			}
			if !slices.Equal(got, tt.wantIDs) {
				t.Errorf("ids = %v; want %v", got, tt.wantIDs)
			}
		})
	}
}

func TestUpdateCandidate_Authorisation(t *testing.T) {
	t.Parallel()
	const unknown = "0197a5d0-0000-7000-8000-00000000ffff"
	tests := []struct {
		name   string
		caller auth.Principal
		target func(f fixture) string
		want   apperr.Kind
	}{
		{name: "candidate updates their own record", caller: cand1, target: func(f fixture) string { return f.self.ID() }, want: allowed},
		{name: "candidate updates the record bound to them", caller: cand2, target: func(f fixture) string { return f.bound.ID() }, want: allowed},
		{name: "candidate may not update another's record", caller: cand1, target: func(f fixture) string { return f.bound.ID() }, want: apperr.KindPermissionDenied},
		{name: "centre updates what it registered", caller: centre1, target: func(f fixture) string { return f.bound.ID() }, want: allowed},
		{name: "centre may not update another centre's candidate", caller: centre1, target: func(f fixture) string { return f.unbound.ID() }, want: apperr.KindPermissionDenied},
		{name: "ministry does not update", caller: ministry, target: func(f fixture) string { return f.self.ID() }, want: apperr.KindPermissionDenied},
		{name: "admin does not update", caller: admin, target: func(f fixture) string { return f.self.ID() }, want: apperr.KindPermissionDenied},
		{name: "juror does not update", caller: juror, target: func(f fixture) string { return f.self.ID() }, want: apperr.KindPermissionDenied},
		{name: "unknown id: PermissionDenied", caller: cand1, target: func(fixture) string { return unknown }, want: apperr.KindPermissionDenied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			patch := details("")
			patch.Email = "changed@example.org"
			c, err := f.app.Commands.UpdateCandidate.Handle(as(tt.caller), command.UpdateCandidate{
				ID: tt.target(f), Etag: "1", Patch: patch, Paths: []string{"email"},
			})
			if tt.want != allowed {
				wantKind(t, err, tt.want)
				return
			}
			requireNoError(t, err)
			if c.Details().Email != "changed@example.org" || c.Etag() != "2" {
				t.Errorf("email, etag = %q, %q; want changed@example.org, \"2\"", c.Details().Email, c.Etag())
			}
		})
	}
}

func TestUpdateCandidate_StaleEtag(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	patch := details("")
	patch.Email = "first@example.org"
	update := command.UpdateCandidate{ID: f.self.ID(), Etag: "1", Patch: patch, Paths: []string{"email"}}
	_, err := f.app.Commands.UpdateCandidate.Handle(as(cand1), update)
	requireNoError(t, err)

	update.Patch.Email = "second@example.org"
	_, err = f.app.Commands.UpdateCandidate.Handle(as(cand1), update) // still etag "1"
	wantKind(t, err, apperr.KindAborted)
	requireIs(t, err, candidate.ErrVersionConflict)

	// Someone who may not update learns nothing from a stale etag.
	_, err = f.app.Commands.UpdateCandidate.Handle(as(cand2), update)
	wantKind(t, err, apperr.KindPermissionDenied)
}

func TestUpdateCandidate_BadMaskBeforeStaleEtag(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	_, err := f.app.Commands.UpdateCandidate.Handle(as(cand1), command.UpdateCandidate{
		ID: f.self.ID(), Etag: "7", Patch: details(""), Paths: []string{"*"},
	})
	wantKind(t, err, apperr.KindInvalidArgument)
}
