package ports_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
	"github.com/titrepro/titrepro/services/candidate/internal/ports"
)

var centre = auth.WithPrincipal(context.Background(),
	auth.Principal{Subject: "centre-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C1"})

func newServer(t *testing.T) *ports.GRPCServer {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	require.NoError(t, sqlstore.Migrate(context.Background(), db))
	require.NoError(t, outbox.Migrate(context.Background(), db))
	a := app.New(sqlstore.NewCandidateRepository(db, outbox.New(db)),
		app.Sanctions{Repo: sqlstore.NewSanctionRepository(db, outbox.New(db)), MaxBanMonths: sanction.DefaultMaxBanMonths}, func() time.Time {
			return time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)
		})
	return ports.NewGRPCServer(a)
}

func valid() *candidatev1.Candidate {
	return &candidatev1.Candidate{
		BirthName: "Durand", GivenNames: []string{"Camille"}, BirthDate: "1994-03-12",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: "c@example.org",
		AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		Training:    &candidatev1.TrainingEnrolment{Organisation: "AFPA"},
	}
}

func fields(t *testing.T, err error) []string {
	t.Helper()
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae), "error %v is not an apperr", err)
	require.Equal(t, apperr.KindInvalidArgument, ae.Kind, "error %v", err)
	var out []string
	for _, v := range ae.Violations {
		out = append(out, v.Field)
	}
	slices.Sort(out)
	return out
}

func TestGRPCServer_RequestShape(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	created, err := s.CreateCandidate(centre, &candidatev1.CreateCandidateRequest{Candidate: valid()})
	require.NoError(t, err)
	id := created.GetCandidate().GetId()

	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{name: "create without candidate, bad request_id", call: func() error {
			_, err := s.CreateCandidate(centre, &candidatev1.CreateCandidateRequest{RequestId: "abc"})
			return err
		}, want: []string{"candidate", "request_id"}},
		{name: "get without id", call: func() error {
			_, err := s.GetCandidate(centre, &candidatev1.GetCandidateRequest{})
			return err
		}, want: []string{"candidate_id"}},
		{name: "get with a malformed id", call: func() error {
			_, err := s.GetCandidate(centre, &candidatev1.GetCandidateRequest{CandidateId: "../etc"})
			return err
		}, want: []string{"candidate_id"}},
		{name: "update without candidate", call: func() error {
			_, err := s.UpdateCandidate(centre, &candidatev1.UpdateCandidateRequest{})
			return err
		}, want: []string{"candidate"}},
		{name: "update without id and etag", call: func() error {
			_, err := s.UpdateCandidate(centre, &candidatev1.UpdateCandidateRequest{Candidate: valid()})
			return err
		}, want: []string{"candidate.etag", "candidate.id"}},
		{name: "update without mask", call: func() error {
			c := valid()
			c.Id, c.Etag = id, "1"
			_, err := s.UpdateCandidate(centre, &candidatev1.UpdateCandidateRequest{Candidate: c})
			return err
		}, want: []string{"update_mask"}},
		{name: "update with an output-only path", call: func() error {
			c := valid()
			c.Id, c.Etag = id, "1"
			_, err := s.UpdateCandidate(centre, &candidatev1.UpdateCandidateRequest{
				Candidate: c, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"create_time"}},
			})
			return err
		}, want: []string{"update_mask"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			require.Equal(t, tt.want, fields(t, tt.call()))
		})
	}
}

func TestGRPCServer_RoundTrip(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	created, err := s.CreateCandidate(centre, &candidatev1.CreateCandidateRequest{Candidate: valid()})
	require.NoError(t, err)
	c := created.GetCandidate()

	c.Phone = "+33700000000"
	upd, err := s.UpdateCandidate(centre, &candidatev1.UpdateCandidateRequest{
		Candidate: c, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"phone", "etag"}},
	})
	require.NoError(t, err)
	require.Equal(t, "+33700000000", upd.GetCandidate().GetPhone())
	require.Equal(t, "2", upd.GetCandidate().GetEtag())

	got, err := s.GetCandidate(centre, &candidatev1.GetCandidateRequest{CandidateId: c.GetId()})
	require.NoError(t, err)
	require.Equal(t, "+33700000000", got.GetCandidate().GetPhone())

	list, err := s.ListCandidates(centre, &candidatev1.ListCandidatesRequest{PageSize: 10})
	require.NoError(t, err)
	require.Len(t, list.GetCandidates(), 1)
	require.Empty(t, list.GetNextPageToken())
}
