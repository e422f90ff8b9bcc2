package ports

import (
	"context"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// CreateCandidacy implements AssessmentServiceServer.
func (s *GRPCServer) CreateCandidacy(ctx context.Context, req *assessmentv1.CreateCandidacyRequest) (*assessmentv1.CreateCandidacyResponse, error) {
	var v apperr.Violations
	if fv := (id{"session_id", req.GetSessionId()}).violation(); fv != nil {
		v = append(v, *fv)
	}
	if req.GetCandidacy() == nil {
		v.Add("candidacy", "required")
	}
	v = append(v, requestID(req.GetRequestId())...)
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.CreateCandidacy.Handle(ctx, command.CreateCandidacy{
		SessionID: req.GetSessionId(), Registration: protoconv.RegistrationFromProto(req.GetCandidacy()), RequestID: req.GetRequestId(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.CreateCandidacyResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// GetCandidacy implements AssessmentServiceServer.
func (s *GRPCServer) GetCandidacy(ctx context.Context, req *assessmentv1.GetCandidacyRequest) (*assessmentv1.GetCandidacyResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}); err != nil {
		return nil, err
	}
	c, err := s.app.Queries.CandidacyByID.Handle(ctx, req.GetSessionId(), req.GetCandidacyId())
	if err != nil {
		return nil, err
	}
	return &assessmentv1.GetCandidacyResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// ListCandidacies implements AssessmentServiceServer.
func (s *GRPCServer) ListCandidacies(ctx context.Context, req *assessmentv1.ListCandidaciesRequest) (*assessmentv1.ListCandidaciesResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	page, err := s.app.Queries.ListCandidacies.Handle(ctx, query.ListCandidacies{
		SessionID: req.GetSessionId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
	})
	if err != nil {
		return nil, err
	}
	resp := &assessmentv1.ListCandidaciesResponse{NextPageToken: page.NextPageToken}
	for _, c := range page.Candidacies {
		resp.Candidacies = append(resp.Candidacies, protoconv.CandidacyToProto(c))
	}
	return resp, nil
}

// GetEvaluation implements AssessmentServiceServer.
func (s *GRPCServer) GetEvaluation(ctx context.Context, req *assessmentv1.GetEvaluationRequest) (*assessmentv1.GetEvaluationResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()},
		subject{"juror_subject", req.GetJurorSubject()}); err != nil {
		return nil, err
	}
	r, err := s.app.Queries.EvaluationOf.Handle(ctx, req.GetSessionId(), req.GetCandidacyId(), req.GetJurorSubject())
	if err != nil {
		return nil, err
	}
	return &assessmentv1.GetEvaluationResponse{Evaluation: protoconv.EvaluationToProto(req.GetSessionId(), r)}, nil
}

// UpdateEvaluation implements AssessmentServiceServer.
func (s *GRPCServer) UpdateEvaluation(ctx context.Context, req *assessmentv1.UpdateEvaluationRequest) (*assessmentv1.UpdateEvaluationResponse, error) {
	var v apperr.Violations
	for _, f := range []field{id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}, subject{"juror_subject", req.GetJurorSubject()}} {
		if fv := f.violation(); fv != nil {
			v = append(v, *fv)
		}
	}
	if req.GetEvaluation() == nil {
		v.Add("evaluation", "required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	r, err := s.app.Commands.UpdateEvaluation.Handle(ctx, command.UpdateEvaluation{
		SessionID:    req.GetSessionId(),
		CandidacyID:  req.GetCandidacyId(),
		JurorSubject: req.GetJurorSubject(),
		Etag:         req.GetEvaluation().GetEtag(),
		Items:        protoconv.ItemsFromProto(req.GetEvaluation().GetItems()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.UpdateEvaluationResponse{Evaluation: protoconv.EvaluationToProto(req.GetSessionId(), r)}, nil
}

// DeliberateCandidacy implements AssessmentServiceServer.
func (s *GRPCServer) DeliberateCandidacy(ctx context.Context, req *assessmentv1.DeliberateCandidacyRequest) (*assessmentv1.DeliberateCandidacyResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.DeliberateCandidacy.Handle(ctx, command.DeliberateCandidacy{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), Decision: protoconv.DecisionFromProto(req),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.DeliberateCandidacyResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// GetMinutes implements AssessmentServiceServer.
func (s *GRPCServer) GetMinutes(ctx context.Context, req *assessmentv1.GetMinutesRequest) (*assessmentv1.GetMinutesResponse, error) {
	if err := minutesVersion(req.GetSessionId(), req.GetVersion()); err != nil {
		return nil, err
	}
	v, err := s.app.Queries.MinutesVersions.Get(ctx, req.GetSessionId(), int(req.GetVersion()))
	if err != nil {
		return nil, err
	}
	return &assessmentv1.GetMinutesResponse{Minutes: protoconv.MinutesViewToProto(v)}, nil
}

// SignMinutes implements AssessmentServiceServer.
func (s *GRPCServer) SignMinutes(ctx context.Context, req *assessmentv1.SignMinutesRequest) (*assessmentv1.SignMinutesResponse, error) {
	var v apperr.Violations
	if fv := (id{"session_id", req.GetSessionId()}).violation(); fv != nil {
		v = append(v, *fv)
	}
	if req.GetContentHash() == "" {
		v.Add("content_hash", "required: the content_hash of the minutes you read")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, state, err := s.app.Commands.SignMinutes.Handle(ctx, command.SignMinutes{SessionID: req.GetSessionId(), ContentHash: req.GetContentHash()})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.SignMinutesResponse{Minutes: protoconv.MinutesToProto(state, m)}, nil
}

// GetSessionProgress implements AssessmentServiceServer.
func (s *GRPCServer) GetSessionProgress(ctx context.Context, req *assessmentv1.GetSessionProgressRequest) (*assessmentv1.GetSessionProgressResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	page, err := s.app.Queries.SessionProgress.Handle(ctx, query.SessionProgress{
		SessionID: req.GetSessionId(), PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
	})
	if err != nil {
		return nil, err
	}
	resp := &assessmentv1.GetSessionProgressResponse{SessionState: protoconv.StateToProto(page.State), NextPageToken: page.NextPageToken}
	for _, p := range page.Candidacies {
		resp.Candidacies = append(resp.Candidacies, protoconv.ProgressToProto(p))
	}
	return resp, nil
}
