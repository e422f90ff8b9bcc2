package ports

import (
	"context"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// CreateFraudReport implements AssessmentServiceServer (R57).
func (s *GRPCServer) CreateFraudReport(ctx context.Context, req *assessmentv1.CreateFraudReportRequest) (*assessmentv1.CreateFraudReportResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	if req.GetFraudReport() == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "fraud_report", Description: "required"})
	}
	if cy := req.GetFraudReport().GetCandidacyId(); cy != "" {
		if err := ids(id{"fraud_report.candidacy_id", cy}); err != nil {
			return nil, err
		}
	}
	r, err := s.app.Commands.ReportFraud.Handle(ctx, command.ReportFraud{
		SessionID: req.GetSessionId(), Input: protoconv.FraudInputFromProto(req.GetFraudReport()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.CreateFraudReportResponse{FraudReport: protoconv.FraudReportToProto(r)}, nil
}

// ListFraudReports implements AssessmentServiceServer (R57).
func (s *GRPCServer) ListFraudReports(ctx context.Context, req *assessmentv1.ListFraudReportsRequest) (*assessmentv1.ListFraudReportsResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	rs, err := s.app.Queries.FraudReports.Handle(ctx, req.GetSessionId())
	if err != nil {
		return nil, err
	}
	out := &assessmentv1.ListFraudReportsResponse{}
	for _, r := range rs {
		out.FraudReports = append(out.FraudReports, protoconv.FraudReportToProto(r))
	}
	return out, nil
}
