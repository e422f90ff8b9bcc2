package ports

import (
	"context"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// GrantAgrement implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GrantAgrement(ctx context.Context, req *certificationv1.GrantAgrementRequest) (*certificationv1.GrantAgrementResponse, error) {
	a, created, err := s.app.Commands.Registers.GrantAgrement(ctx, protoconv.AgrementInput(req.GetAgrement()))
	if err != nil {
		return nil, err
	}
	return &certificationv1.GrantAgrementResponse{Agrement: protoconv.Agrement(a), Created: created}, nil
}

// GetAgrement implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetAgrement(ctx context.Context, req *certificationv1.GetAgrementRequest) (*certificationv1.GetAgrementResponse, error) {
	a, err := s.app.Queries.Registers.Agrement(ctx, req.GetAgrementId())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetAgrementResponse{Agrement: protoconv.Agrement(a)}, nil
}

// ListAgrements implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListAgrements(ctx context.Context, req *certificationv1.ListAgrementsRequest) (*certificationv1.ListAgrementsResponse, error) {
	page, err := s.app.Queries.Registers.ListAgrements(ctx, query.ListAgrements{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(), CentreID: req.GetCentreId(), TitleID: req.GetTitleId(),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListAgrementsResponse{NextPageToken: page.NextPageToken}
	for _, a := range page.Agrements {
		resp.Agrements = append(resp.Agrements, protoconv.Agrement(a))
	}
	return resp, nil
}

// WithdrawAgrement implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) WithdrawAgrement(ctx context.Context, req *certificationv1.WithdrawAgrementRequest) (*certificationv1.WithdrawAgrementResponse, error) {
	a, err := s.app.Commands.Registers.WithdrawAgrement(ctx, req.GetAgrementId(), req.GetReason())
	if err != nil {
		return nil, err
	}
	return &certificationv1.WithdrawAgrementResponse{Agrement: protoconv.Agrement(a)}, nil
}

// GrantHabilitation implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GrantHabilitation(ctx context.Context, req *certificationv1.GrantHabilitationRequest) (*certificationv1.GrantHabilitationResponse, error) {
	h, created, err := s.app.Commands.Registers.GrantHabilitation(ctx, protoconv.HabilitationInput(req.GetHabilitation()))
	if err != nil {
		return nil, err
	}
	return &certificationv1.GrantHabilitationResponse{Habilitation: protoconv.Habilitation(h, true), Created: created}, nil
}

// GetHabilitation implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetHabilitation(ctx context.Context, req *certificationv1.GetHabilitationRequest) (*certificationv1.GetHabilitationResponse, error) {
	h, err := s.app.Queries.Registers.Habilitation(ctx, req.GetHabilitationNumber())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetHabilitationResponse{Habilitation: protoconv.Habilitation(h.Habilitation, h.Full)}, nil
}

// ListHabilitations implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListHabilitations(ctx context.Context, req *certificationv1.ListHabilitationsRequest) (*certificationv1.ListHabilitationsResponse, error) {
	page, err := s.app.Queries.Registers.ListHabilitations(ctx, query.ListHabilitations{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(), TitleID: req.GetTitleId(),
		ValidFrom: req.GetValidFrom(), ValidTo: req.GetValidTo(), JurorSubject: req.GetJurorSubject(),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListHabilitationsResponse{NextPageToken: page.NextPageToken}
	for _, h := range page.Habilitations {
		resp.Habilitations = append(resp.Habilitations, protoconv.Habilitation(h, page.Full))
	}
	return resp, nil
}

// WithdrawHabilitation implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) WithdrawHabilitation(ctx context.Context, req *certificationv1.WithdrawHabilitationRequest) (*certificationv1.WithdrawHabilitationResponse, error) {
	h, err := s.app.Commands.Registers.WithdrawHabilitation(ctx, req.GetHabilitationNumber(), req.GetReason())
	if err != nil {
		return nil, err
	}
	return &certificationv1.WithdrawHabilitationResponse{Habilitation: protoconv.Habilitation(h, true)}, nil
}

// AcceptCharter implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) AcceptCharter(ctx context.Context, req *certificationv1.AcceptCharterRequest) (*certificationv1.AcceptCharterResponse, error) {
	c, err := s.app.Commands.Registers.AcceptCharter(ctx, req.GetJurorSubject(), req.GetCharterVersion())
	if err != nil {
		return nil, err
	}
	return &certificationv1.AcceptCharterResponse{Acceptance: protoconv.CharterAcceptance(c)}, nil
}

// GetJurorCharter implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetJurorCharter(ctx context.Context, req *certificationv1.GetJurorCharterRequest) (*certificationv1.GetJurorCharterResponse, error) {
	c, err := s.app.Queries.Registers.JurorCharter(ctx, req.GetJurorSubject())
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.GetJurorCharterResponse{CurrentVersion: c.CurrentVersion}
	if c.Acceptance != nil {
		resp.Acceptance = protoconv.CharterAcceptance(*c.Acceptance)
	}
	return resp, nil
}
