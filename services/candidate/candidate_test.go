package candidate_test

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

var (
	centre = auth.Principal{Subject: "centre-user-1", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69-001"}
	alice  = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleCandidate}}
	bob    = auth.Principal{Subject: "bob@idp", Roles: []auth.Role{auth.RoleCandidate}}
)

func validCandidate() *candidatev1.Candidate {
	return &candidatev1.Candidate{
		BirthName:   "Durand",
		GivenNames:  []string{"Camille", "Marie"},
		BirthDate:   "1994-03-12",
		BirthPlace:  &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
		Email:       "camille.durand@example.org",
		Phone:       "+33612345678",
		AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING,
		PostalAddress: &commonv1.PostalAddress{
			Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR",
		},
		Training: &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", StartDate: "2026-01-05", EndDate: "2026-10-30"},
	}
}

func TestService_CreatePublishesCandidateRegistered(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	created, err := e.client.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{
		Candidate: validCandidate(), RequestId: "6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01",
	}, e.as(t, centre))
	require.NoError(t, err)
	c := created.GetCandidate()
	require.NotEmpty(t, c.GetId())
	require.Equal(t, "1", c.GetEtag())
	require.Equal(t, "CENTRE-69-001", c.GetCentreId())
	require.NotNil(t, c.GetCreateTime())

	again, err := e.client.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{
		Candidate: validCandidate(), RequestId: "6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01",
	}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, c.GetId(), again.GetCandidate().GetId(), "a retry returns the first record")

	var ev candidatev1.CandidateRegistered
	eventually(t, "CandidateRegistered on TITREPRO_CANDIDATE", func() error {
		m, err := lastMsg(ctx, e.js, "titrepro.candidate.v1.candidate_registered", "candidates/"+c.GetId())
		if err != nil {
			return err
		}
		h := m.Header
		require.Equal(t, "1.0", h.Get("ce-specversion"))
		require.Equal(t, "titrepro.candidate.v1.CandidateRegistered", h.Get("ce-type"))
		require.Equal(t, "titrepro/candidate", h.Get("ce-source"))
		require.NotEmpty(t, h.Get("ce-time"))
		require.Equal(t, "application/protobuf", h.Get("content-type"))
		require.NotEmpty(t, h.Get("ce-id"))
		require.Equal(t, h.Get("ce-id"), h.Get("Nats-Msg-Id"))
		require.NoError(t, proto.Unmarshal(m.Data, &ev))
		require.Equal(t, h.Get("ce-id"), ev.GetEventId())
		return nil
	})
	require.Equal(t, c.GetId(), ev.GetCandidate().GetId())
	require.Equal(t, "Durand", ev.GetCandidate().GetBirthName())
	require.Equal(t, int64(1), ev.GetVersion())

	// The retry published nothing more.
	st, err := e.js.Stream(ctx, "TITREPRO_CANDIDATE")
	require.NoError(t, err)
	info, err := st.Info(ctx)
	require.NoError(t, err)
	require.Equal(t, uint64(1), info.State.Msgs)
}

func TestService_Authentication(t *testing.T) {
	t.Parallel()
	e := start(t)
	_, err := e.client.ListCandidates(context.Background(), &candidatev1.ListCandidatesRequest{})
	require.Equal(t, codes.Unauthenticated, status.Code(err), "no token: %v", err)

	// Health checks need no token and report SERVING.
	resp, err := healthgrpc.NewHealthClient(e.conn).Check(context.Background(), &healthgrpc.HealthCheckRequest{
		Service: candidatev1.CandidateService_ServiceDesc.ServiceName,
	})
	require.NoError(t, err)
	require.Equal(t, healthgrpc.HealthCheckResponse_SERVING, resp.GetStatus())
}

func TestService_CandidatesSeeOnlyTheirOwnRecord(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	own, err := e.client.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{Candidate: validCandidate()}, e.as(t, alice))
	require.NoError(t, err)
	id := own.GetCandidate().GetId()
	require.Equal(t, "alice@idp", own.GetCandidate().GetSubject(), "the subject comes from the token")

	_, err = e.client.GetCandidate(ctx, &candidatev1.GetCandidateRequest{CandidateId: id}, e.as(t, alice))
	require.NoError(t, err)

	_, err = e.client.GetCandidate(ctx, &candidatev1.GetCandidateRequest{CandidateId: id}, e.as(t, bob))
	require.Equal(t, codes.PermissionDenied, status.Code(err), "bob reading alice: %v", err)

	_, err = e.client.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{Candidate: validCandidate()}, e.as(t, alice))
	require.Equal(t, codes.AlreadyExists, status.Code(err), "alice registering twice: %v", err)
	require.Equal(t, "CANDIDATE_ALREADY_REGISTERED", errorInfo(t, err).GetReason())
}

func TestService_UpdateWithStaleEtagIsAborted(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	created, err := e.client.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{Candidate: validCandidate()}, e.as(t, centre))
	require.NoError(t, err)
	c := created.GetCandidate()

	c.Email = "c.durand@example.org"
	mask := &fieldmaskpb.FieldMask{Paths: []string{"email"}}
	updated, err := e.client.UpdateCandidate(ctx, &candidatev1.UpdateCandidateRequest{Candidate: c, UpdateMask: mask}, e.as(t, centre))
	require.NoError(t, err)
	require.Equal(t, "2", updated.GetCandidate().GetEtag())
	require.Equal(t, "c.durand@example.org", updated.GetCandidate().GetEmail())

	c.Email = "other@example.org" // c still carries etag "1"
	_, err = e.client.UpdateCandidate(ctx, &candidatev1.UpdateCandidateRequest{Candidate: c, UpdateMask: mask}, e.as(t, centre))
	require.Equal(t, codes.Aborted, status.Code(err), "stale etag: %v", err)

	_, err = e.client.UpdateCandidate(ctx, &candidatev1.UpdateCandidateRequest{Candidate: c,
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"*"}}}, e.as(t, centre))
	require.Equal(t, codes.InvalidArgument, status.Code(err), "wildcard mask: %v", err)

	eventually(t, "CandidateUpdated on TITREPRO_CANDIDATE", func() error {
		m, err := lastMsg(ctx, e.js, "titrepro.candidate.v1.candidate_updated", "candidates/"+c.GetId())
		if err != nil {
			return err
		}
		var ev candidatev1.CandidateUpdated
		require.NoError(t, proto.Unmarshal(m.Data, &ev))
		require.Equal(t, []string{"email"}, ev.GetChangedFields())
		require.Equal(t, int64(2), ev.GetVersion())
		return nil
	})
}

func TestService_InvalidCandidateListsEveryBadField(t *testing.T) {
	t.Parallel()
	e := start(t)
	bad := validCandidate()
	bad.BirthName = ""
	bad.Email = "not-an-email"
	bad.BirthDate = "12/03/1994"
	bad.BirthPlace.CountryCode = "fr"
	_, err := e.client.CreateCandidate(context.Background(), &candidatev1.CreateCandidateRequest{Candidate: bad}, e.as(t, centre))
	require.Equal(t, codes.InvalidArgument, status.Code(err), "invalid create: %v", err)

	var fields []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				fields = append(fields, v.GetField())
			}
		}
	}
	slices.Sort(fields)
	require.Equal(t, []string{
		"candidate.birth_date", "candidate.birth_name", "candidate.birth_place.country_code", "candidate.email",
	}, fields)
}

func errorInfo(t *testing.T, err error) *errdetails.ErrorInfo {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	t.Fatalf("no ErrorInfo in %v", err)
	return nil
}
