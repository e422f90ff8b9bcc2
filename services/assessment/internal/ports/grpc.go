// Package ports is the inbound edge of the assessment service: the gRPC
// server of titrepro.assessment.v1.AssessmentService and the consumers of
// the events of other contexts (titles, candidates, dossiers). They convert
// messages to application calls and results back, and check only the shape
// of requests (required ids, well-formed request_id); every rule lives in
// the app and domain layers.
package ports

import (
	"context"

	"github.com/google/uuid"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/app"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/app/command"
	"github.com/titrepro/titrepro/services/assessment/internal/app/query"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// PublicMethods are the methods callable without a token (the public rows
// of the access table): none.
var PublicMethods = authz.Table.PublicMethods()

// GRPCServer implements assessmentv1.AssessmentServiceServer.
type GRPCServer struct {
	assessmentv1.UnimplementedAssessmentServiceServer
	app app.Application
}

// NewGRPCServer returns the server of application a.
func NewGRPCServer(a app.Application) *GRPCServer {
	return &GRPCServer{app: a}
}

// CreateSession implements AssessmentServiceServer.
func (s *GRPCServer) CreateSession(ctx context.Context, req *assessmentv1.CreateSessionRequest) (*assessmentv1.CreateSessionResponse, error) {
	var v apperr.Violations
	if req.GetSession() == nil {
		v.Add("session", "required")
	}
	v = append(v, requestID(req.GetRequestId())...)
	if err := v.Err(); err != nil {
		return nil, err
	}
	created, err := s.app.Commands.CreateSession.Handle(ctx, command.CreateSession{
		Draft: protoconv.DraftFromProto(req.GetSession()), RequestID: req.GetRequestId(),
	})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.CreateSessionResponse{Session: protoconv.SessionToProto(created.Summary())}, nil
}

// GetSession implements AssessmentServiceServer.
func (s *GRPCServer) GetSession(ctx context.Context, req *assessmentv1.GetSessionRequest) (*assessmentv1.GetSessionResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	sum, err := s.app.Queries.SessionByID.Handle(ctx, req.GetSessionId())
	if err != nil {
		return nil, err
	}
	return &assessmentv1.GetSessionResponse{Session: protoconv.SessionToProto(sum)}, nil
}

// ListSessions implements AssessmentServiceServer.
func (s *GRPCServer) ListSessions(ctx context.Context, req *assessmentv1.ListSessionsRequest) (*assessmentv1.ListSessionsResponse, error) {
	page, err := s.app.Queries.ListSessions.Handle(ctx, query.ListSessions{PageSize: req.GetPageSize(), PageToken: req.GetPageToken(),
		Filter: query.SessionFilter{CentreID: req.GetCentreId(), TitleID: req.GetTitleId(), FromDate: req.GetFromDate(), ToDate: req.GetToDate()}})
	if err != nil {
		return nil, err
	}
	resp := &assessmentv1.ListSessionsResponse{NextPageToken: page.NextPageToken}
	for _, sum := range page.Sessions {
		resp.Sessions = append(resp.Sessions, protoconv.SessionToProto(sum))
	}
	return resp, nil
}

// OpenSession implements AssessmentServiceServer.
func (s *GRPCServer) OpenSession(ctx context.Context, req *assessmentv1.OpenSessionRequest) (*assessmentv1.OpenSessionResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	opened, err := s.app.Commands.OpenSession.Handle(ctx, command.OpenSession{SessionID: req.GetSessionId(), Etag: req.GetEtag()})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.OpenSessionResponse{Session: protoconv.SessionToProto(opened.Summary())}, nil
}

// AddJuror implements AssessmentServiceServer.
func (s *GRPCServer) AddJuror(ctx context.Context, req *assessmentv1.AddJurorRequest) (*assessmentv1.AddJurorResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	if req.GetJuror() == nil {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "juror", Description: "required"})
	}
	j, err := s.app.Commands.AddJuror.Handle(ctx, command.AddJuror{SessionID: req.GetSessionId(), Juror: protoconv.JurorFromProto(req.GetJuror())})
	if err != nil {
		return nil, err
	}
	return &assessmentv1.AddJurorResponse{Juror: protoconv.JurorToProto(j)}, nil
}

// ListJurors implements AssessmentServiceServer.
func (s *GRPCServer) ListJurors(ctx context.Context, req *assessmentv1.ListJurorsRequest) (*assessmentv1.ListJurorsResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}); err != nil {
		return nil, err
	}
	jurors, err := s.app.Queries.ListJurors.Handle(ctx, req.GetSessionId())
	if err != nil {
		return nil, err
	}
	resp := &assessmentv1.ListJurorsResponse{}
	for _, j := range jurors {
		resp.Jurors = append(resp.Jurors, protoconv.JurorToProto(j))
	}
	return resp, nil
}

// RemoveJuror implements AssessmentServiceServer.
func (s *GRPCServer) RemoveJuror(ctx context.Context, req *assessmentv1.RemoveJurorRequest) (*assessmentv1.RemoveJurorResponse, error) {
	if err := ids(id{"session_id", req.GetSessionId()}, subject{"juror_subject", req.GetJurorSubject()}); err != nil {
		return nil, err
	}
	if err := s.app.Commands.RemoveJuror.Handle(ctx, command.RemoveJuror{SessionID: req.GetSessionId(), Subject: req.GetJurorSubject(), Reason: req.GetReason()}); err != nil {
		return nil, err
	}
	return &assessmentv1.RemoveJurorResponse{}, nil
}

// field is a request field to check.
type field interface{ violation() *apperr.FieldViolation }

// id is a required resource id (a UUID).
type id struct{ name, value string }

func (f id) violation() *apperr.FieldViolation {
	switch {
	case f.value == "":
		return &apperr.FieldViolation{Field: f.name, Description: "required"}
	case !isUUID(f.value):
		return &apperr.FieldViolation{Field: f.name, Description: "must be an id (UUID)"}
	}
	return nil
}

// subject is a required juror subject.
type subject struct{ name, value string }

func (f subject) violation() *apperr.FieldViolation {
	if f.value == "" {
		return &apperr.FieldViolation{Field: f.name, Description: `required: a juror's subject, or "me"`}
	}
	return nil
}

// ids checks the path fields of a request, all at once.
func ids(fields ...field) error {
	var v apperr.Violations
	for _, f := range fields {
		if fv := f.violation(); fv != nil {
			v = append(v, *fv)
		}
	}
	return v.Err()
}

// requestID checks an optional request_id.
func requestID(rid string) []apperr.FieldViolation {
	if rid != "" && !isUUID(rid) {
		return []apperr.FieldViolation{{Field: "request_id", Description: "must be a UUID"}}
	}
	return nil
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}
