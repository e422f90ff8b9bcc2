package ports

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/pdfdoc"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// maxMinutesVersion bounds the version a request names.
const maxMinutesVersion = 10000

func minutesVersion(sessionID string, version int32) error {
	var v apperr.Violations
	if fv := (id{"session_id", sessionID}).violation(); fv != nil {
		v = append(v, *fv)
	}
	if version < 0 || version > maxMinutesVersion {
		v.Add("version", "0 (the current version) or a version number")
	}
	return v.Err()
}

// ListMinutesVersions implements AssessmentServiceServer.
func (s *GRPCServer) ListMinutesVersions(ctx context.Context, req *assessmentv1.ListMinutesVersionsRequest) (*assessmentv1.ListMinutesVersionsResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	vs, err := s.app.Queries.MinutesVersions.List(ctx, req.GetSessionId())
	if err != nil {
		return nil, err
	}
	out := &assessmentv1.ListMinutesVersionsResponse{}
	for _, v := range vs {
		out.Versions = append(out.Versions, protoconv.MinutesVersionToProto(v))
	}
	return out, nil
}

// GetMinutesPdf implements AssessmentServiceServer.
func (s *GRPCServer) GetMinutesPdf(ctx context.Context, req *assessmentv1.GetMinutesPdfRequest) (*assessmentv1.GetMinutesPdfResponse, error) {
	if err := minutesVersion(req.GetSessionId(), req.GetVersion()); err != nil {
		return nil, err
	}
	b, err := s.app.Queries.MinutesVersions.PDF(ctx, req.GetSessionId(), int(req.GetVersion()))
	if err != nil {
		return nil, err
	}
	return &assessmentv1.GetMinutesPdfResponse{Document: &httpbody.HttpBody{ContentType: pdfdoc.ContentType, Data: b}}, nil
}
