package ports

import (
	"context"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// DeclareJurorLinks implements AssessmentServiceServer.
func (s *GRPCServer) DeclareJurorLinks(ctx context.Context, req *assessmentv1.DeclareJurorLinksRequest) (*assessmentv1.DeclareJurorLinksResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, subject{"juror_subject", req.GetJurorSubject()}); err != nil {
		return nil, err
	}
	declared, err := s.app.Commands.DeclareJurorLinks.Handle(ctx, command.DeclareLinks{
		SessionID: req.GetSessionId(), JurorSubject: req.GetJurorSubject(), Links: protoconv.LinksFromProto(req.GetLinks()),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.DeclareJurorLinksResponse{Juror: protoconv.JurorToProto(declared.Juror), RecusedCandidacyIds: declared.Recused}, nil
}
