package ports

import (
	"context"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// UpdateSession implements AssessmentServiceServer. The mask paths are
// passed as they are; the domain decides which are acceptable.
func (s *GRPCServer) UpdateSession(ctx context.Context, req *assessmentv1.UpdateSessionRequest) (*assessmentv1.UpdateSessionResponse, error) {
	ps := req.GetSession()
	if ps == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "session", Description: "required"})
	}
	var v apperr.Violations
	if f := (id{"session.id", ps.GetId()}).violation(); f != nil {
		v = append(v, *f)
	}
	if ps.GetEtag() == "" {
		v.Add("session.etag", "required: send the etag of the session you read")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	updated, err := s.app.Commands.UpdateSession.Handle(ctx, command.UpdateSession{
		SessionID: ps.GetId(), Etag: ps.GetEtag(), Patch: protoconv.DraftFromProto(ps), Paths: req.GetUpdateMask().GetPaths(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.UpdateSessionResponse{Session: protoconv.SessionToProto(updated.Summary())}, nil
}

// PostponeSession implements AssessmentServiceServer.
func (s *GRPCServer) PostponeSession(ctx context.Context, req *assessmentv1.PostponeSessionRequest) (*assessmentv1.PostponeSessionResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	postponed, err := s.app.Commands.PostponeSession.Handle(ctx, command.PostponeSession{
		SessionID: req.GetSessionId(), Etag: req.GetEtag(),
		Postponement: session.Postponement{StartDate: req.GetStartDate(), EndDate: req.GetEndDate(),
			DossierDeadline: req.GetDossierDeadline(), Reason: req.GetReason()},
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.PostponeSessionResponse{Session: protoconv.SessionToProto(postponed.Summary())}, nil
}

// CancelSession implements AssessmentServiceServer.
func (s *GRPCServer) CancelSession(ctx context.Context, req *assessmentv1.CancelSessionRequest) (*assessmentv1.CancelSessionResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	cancelled, err := s.app.Commands.CancelSession.Handle(ctx, command.CancelSession{
		SessionID: req.GetSessionId(), Etag: req.GetEtag(), Reason: req.GetReason(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.CancelSessionResponse{Session: protoconv.SessionToProto(cancelled.Summary())}, nil
}
