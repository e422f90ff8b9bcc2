// Package ports is the inbound edge of the candidate service: the gRPC
// server of titrepro.candidate.v1.CandidateService. It converts requests to
// application calls and results back, and checks only the shape of requests
// (required ids, well-formed request_id); every rule lives in the app and
// domain layers.
package ports

import (
	"context"

	"github.com/google/uuid"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/app"
	"github.com/titrepro/titrepro/services/candidate/internal/app/authz"
	"github.com/titrepro/titrepro/services/candidate/internal/app/command"
	"github.com/titrepro/titrepro/services/candidate/internal/app/query"
	"github.com/titrepro/titrepro/services/candidate/internal/protoconv"
)

// PublicMethods are the methods callable without a token (the public rows
// of the access table): none, every
// candidate call is personal data.
var PublicMethods = authz.Table.PublicMethods()

// GRPCServer implements candidatev1.CandidateServiceServer.
type GRPCServer struct {
	candidatev1.UnimplementedCandidateServiceServer
	app app.Application
}

// NewGRPCServer returns the server of application a.
func NewGRPCServer(a app.Application) *GRPCServer {
	return &GRPCServer{app: a}
}

// CreateCandidate implements CandidateServiceServer.
func (s *GRPCServer) CreateCandidate(ctx context.Context, req *candidatev1.CreateCandidateRequest) (*candidatev1.CreateCandidateResponse, error) {
	var v apperr.Violations
	if req.GetCandidate() == nil {
		v.Add("candidate", "required")
	}
	if id := req.GetRequestId(); id != "" && !isUUID(id) {
		v.Add("request_id", "must be a UUID")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.CreateCandidate.Handle(ctx, command.CreateCandidate{
		Details:   protoconv.DetailsFromProto(req.GetCandidate()),
		RequestID: req.GetRequestId(),
	})
	if err != nil {
		return nil, err
	}
	return &candidatev1.CreateCandidateResponse{Candidate: protoconv.CandidateToProto(c)}, nil
}

// GetCandidate implements CandidateServiceServer.
func (s *GRPCServer) GetCandidate(ctx context.Context, req *candidatev1.GetCandidateRequest) (*candidatev1.GetCandidateResponse, error) {
	if err := checkID("candidate_id", req.GetCandidateId()); err != nil {
		return nil, err
	}
	c, err := s.app.Queries.CandidateByID.Handle(ctx, query.CandidateByID{ID: req.GetCandidateId()})
	if err != nil {
		return nil, err
	}
	return &candidatev1.GetCandidateResponse{Candidate: protoconv.CandidateToProto(c)}, nil
}

// ListCandidates implements CandidateServiceServer.
func (s *GRPCServer) ListCandidates(ctx context.Context, req *candidatev1.ListCandidatesRequest) (*candidatev1.ListCandidatesResponse, error) {
	page, err := s.app.Queries.ListCandidates.Handle(ctx, query.ListCandidates{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
	})
	if err != nil {
		return nil, err
	}
	resp := &candidatev1.ListCandidatesResponse{NextPageToken: page.NextPageToken}
	for _, c := range page.Candidates {
		resp.Candidates = append(resp.Candidates, protoconv.CandidateToProto(c))
	}
	return resp, nil
}

// UpdateCandidate implements CandidateServiceServer. The mask paths are
// passed as they are; the domain decides which are acceptable.
func (s *GRPCServer) UpdateCandidate(ctx context.Context, req *candidatev1.UpdateCandidateRequest) (*candidatev1.UpdateCandidateResponse, error) {
	pc := req.GetCandidate()
	if pc == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "candidate", Description: "required"})
	}
	var v apperr.Violations
	if err := checkID("candidate.id", pc.GetId()); err != nil {
		v = append(v, err.Violations...)
	}
	if pc.GetEtag() == "" {
		v.Add("candidate.etag", "required: send the etag of the candidate you read")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.UpdateCandidate.Handle(ctx, command.UpdateCandidate{
		ID:    pc.GetId(),
		Etag:  pc.GetEtag(),
		Patch: protoconv.DetailsFromProto(pc),
		Paths: req.GetUpdateMask().GetPaths(),
	})
	if err != nil {
		return nil, err
	}
	return &candidatev1.UpdateCandidateResponse{Candidate: protoconv.CandidateToProto(c)}, nil
}

// checkID reports a missing or malformed candidate id on field.
func checkID(field, id string) *apperr.Error {
	switch {
	case id == "":
		return apperr.Invalid(apperr.FieldViolation{Field: field, Description: "required"})
	case !isUUID(id):
		return apperr.Invalid(apperr.FieldViolation{Field: field, Description: "must be a candidate id (UUID)"})
	}
	return nil
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
