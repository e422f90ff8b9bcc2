package ports

import (
	"context"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// certificate converts a certificate the caller has read, with its
// withdrawal decision (R59) when it has one.
func (s *GRPCServer) certificate(ctx context.Context, c certificate.Certificate) (*certificationv1.Certificate, error) {
	out := protoconv.Certificate(c)
	d, err := s.app.Queries.Decisions.WithdrawalOf(ctx, c)
	if err != nil {
		return nil, err
	}
	if d != nil {
		out.Withdrawal = protoconv.Withdrawal(*d)
	}
	return out, nil
}

// WithdrawCertificate implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) WithdrawCertificate(ctx context.Context, req *certificationv1.WithdrawCertificateRequest) (*certificationv1.WithdrawCertificateResponse, error) {
	out, err := s.app.Commands.Decisions.Withdraw(ctx, command.WithdrawCertificate{
		Number: req.GetNumber(), CcpCode: req.GetCcpCode(), Reason: withdrawal.Reason(req.GetReason()),
		Motivation: req.GetMotivation(), Reference: req.GetDecisionReference(), DecidedOn: req.GetDecidedOn(),
	})
	if err != nil {
		return nil, err
	}
	c := protoconv.Certificate(out.Certificate)
	c.Withdrawal = protoconv.Withdrawal(out.Decision)
	return &certificationv1.WithdrawCertificateResponse{Certificate: c, Withdrawal: c.GetWithdrawal()}, nil
}

// FileAppeal implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) FileAppeal(ctx context.Context, req *certificationv1.FileAppealRequest) (*certificationv1.FileAppealResponse, error) {
	in := req.GetAppeal()
	a, err := s.app.Commands.Decisions.FileAppeal(ctx, appeal.Filing{
		Kind: protoconv.AppealKindOf(in.GetKind()), Decision: in.GetDecision(), Appellant: in.GetAppellant(),
		Grounds: in.GetGrounds(), NotifiedOn: in.GetNotifiedOn(), FiledOn: in.GetFiledOn(),
	})
	if err != nil {
		return nil, err
	}
	return &certificationv1.FileAppealResponse{Appeal: protoconv.Appeal(a)}, nil
}

// DecideAppeal implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) DecideAppeal(ctx context.Context, req *certificationv1.DecideAppealRequest) (*certificationv1.DecideAppealResponse, error) {
	a, err := s.app.Commands.Decisions.DecideAppeal(ctx, req.GetAppealId(), protoconv.AppealOutcomeOf(req.GetOutcome()),
		req.GetMotivation(), req.GetDecidedOn())
	if err != nil {
		return nil, err
	}
	return &certificationv1.DecideAppealResponse{Appeal: protoconv.Appeal(a)}, nil
}

// GetAppeal implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetAppeal(ctx context.Context, req *certificationv1.GetAppealRequest) (*certificationv1.GetAppealResponse, error) {
	a, err := s.app.Queries.Decisions.GetAppeal(ctx, req.GetAppealId())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetAppealResponse{Appeal: protoconv.Appeal(a)}, nil
}

// ListAppeals implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListAppeals(ctx context.Context, req *certificationv1.ListAppealsRequest) (*certificationv1.ListAppealsResponse, error) {
	page, err := s.app.Queries.Decisions.ListAppeals(ctx, query.ListAppeals{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(), Decision: req.GetDecision(),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListAppealsResponse{NextPageToken: page.NextPageToken}
	for _, a := range page.Appeals {
		resp.Appeals = append(resp.Appeals, protoconv.Appeal(a))
	}
	return resp, nil
}
