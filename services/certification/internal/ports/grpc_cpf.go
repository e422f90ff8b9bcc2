package ports

import (
	"context"

	"google.golang.org/genproto/googleapis/api/httpbody"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// cpfContentType is the media type of a deposit file.
const cpfContentType = "application/xml"

// ExportCpfDeposit implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ExportCpfDeposit(ctx context.Context, _ *certificationv1.ExportCpfDepositRequest) (*certificationv1.ExportCpfDepositResponse, error) {
	f, err := s.app.Commands.CpfDeposit.Export(ctx)
	if err != nil {
		return nil, err
	}
	return &certificationv1.ExportCpfDepositResponse{Document: &httpbody.HttpBody{ContentType: cpfContentType, Data: f.Content}}, nil
}

// AcknowledgeCpfDeposit implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) AcknowledgeCpfDeposit(ctx context.Context, req *certificationv1.AcknowledgeCpfDepositRequest) (*certificationv1.AcknowledgeCpfDepositResponse, error) {
	r, err := s.app.Commands.CpfDeposit.Acknowledge(ctx, []byte(req.GetAcknowledgementXml()))
	if err != nil {
		return nil, err
	}
	return &certificationv1.AcknowledgeCpfDepositResponse{FluxId: r.FluxID, Deposited: int32(r.Deposited), //nolint:gosec // bounded by the 8 MiB report
		Rejected: int32(r.Rejected), UnknownPassages: r.Unknown}, nil //nolint:gosec // idem
}

// ListLateCpfDeposits implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListLateCpfDeposits(ctx context.Context, _ *certificationv1.ListLateCpfDepositsRequest) (*certificationv1.ListLateCpfDepositsResponse, error) {
	late, err := s.app.Commands.CpfDeposit.Late(ctx)
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListLateCpfDepositsResponse{}
	for _, l := range late {
		resp.Deposits = append(resp.Deposits, &certificationv1.LateCpfDeposit{
			AwardId: l.AwardID, AwardDate: l.AwardDate, Deadline: l.Deadline, DaysLeft: int32(l.DaysLeft), //nolint:gosec // days
			FluxId: l.FluxID, Message: l.Message,
		})
	}
	return resp, nil
}
