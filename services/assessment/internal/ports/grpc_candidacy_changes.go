package ports

import (
	"context"
	"fmt"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// WithdrawCandidacy implements AssessmentServiceServer.
func (s *GRPCServer) WithdrawCandidacy(ctx context.Context, req *assessmentv1.WithdrawCandidacyRequest) (*assessmentv1.WithdrawCandidacyResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.WithdrawCandidacy.Handle(ctx, command.WithdrawCandidacy{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), Reason: req.GetReason(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.WithdrawCandidacyResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// TransferCandidacy implements AssessmentServiceServer.
func (s *GRPCServer) TransferCandidacy(ctx context.Context, req *assessmentv1.TransferCandidacyRequest) (*assessmentv1.TransferCandidacyResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()},
		id{"target_session_id", req.GetTargetSessionId()}); err != nil {
		return nil, err
	}
	from, to, err := s.app.Commands.TransferCandidacy.Handle(ctx, command.TransferCandidacy{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), TargetSessionID: req.GetTargetSessionId(), Reason: req.GetReason(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.TransferCandidacyResponse{From: protoconv.CandidacyToProto(from), To: protoconv.CandidacyToProto(to)}, nil
}

// RecordAttendance implements AssessmentServiceServer.
func (s *GRPCServer) RecordAttendance(ctx context.Context, req *assessmentv1.RecordAttendanceRequest) (*assessmentv1.RecordAttendanceResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}); err != nil {
		return nil, err
	}
	if n := len(req.GetAttendance()); n > candidacy.MaxAttendanceMarks {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "attendance", Description: fmt.Sprintf("at most %d marks", candidacy.MaxAttendanceMarks)})
	}
	c, err := s.app.Commands.RecordAttendance.Handle(ctx, command.RecordAttendance{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), Marks: protoconv.AttendanceFromProto(req.GetAttendance()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.RecordAttendanceResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// RecordAdjustment implements AssessmentServiceServer.
func (s *GRPCServer) RecordAdjustment(ctx context.Context, req *assessmentv1.RecordAdjustmentRequest) (*assessmentv1.RecordAdjustmentResponse, error) {
	var v apperr.Violations
	for _, x := range []id{{"session_id", req.GetSessionId()}, {"candidacy_id", req.GetCandidacyId()}} {
		if fv := x.violation(); fv != nil {
			v = append(v, *fv)
		}
	}
	if req.GetAdjustment() == nil {
		v.Add("adjustment", "required")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	c, err := s.app.Commands.RecordAdjustment.Handle(ctx, command.RecordAdjustment{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), Adjustment: protoconv.AdjustmentFromProto(req.GetAdjustment()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.RecordAdjustmentResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}

// RecordEcfResults implements AssessmentServiceServer.
func (s *GRPCServer) RecordEcfResults(ctx context.Context, req *assessmentv1.RecordEcfResultsRequest) (*assessmentv1.RecordEcfResultsResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, id{"candidacy_id", req.GetCandidacyId()}); err != nil {
		return nil, err
	}
	if n := len(req.GetResults()); n > candidacy.MaxECFResults {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "results", Description: fmt.Sprintf("at most %d results", candidacy.MaxECFResults)})
	}
	c, err := s.app.Commands.RecordECFResults.Handle(ctx, command.RecordECFResults{
		SessionID: req.GetSessionId(), CandidacyID: req.GetCandidacyId(), Results: protoconv.ECFResultsFromProto(req.GetResults()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.RecordEcfResultsResponse{Candidacy: protoconv.CandidacyToProto(c)}, nil
}
