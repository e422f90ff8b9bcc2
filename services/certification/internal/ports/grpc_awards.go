package ports

import (
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/pdfdoc"
	"google.golang.org/genproto/googleapis/api/httpbody"

	"context"
	"encoding/base64"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// ListResults implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListResults(ctx context.Context, req *certificationv1.ListResultsRequest) (*certificationv1.ListResultsResponse, error) {
	page, err := s.app.Queries.ListResults.Handle(ctx, query.ListResults{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(), State: protoconv.ResultStateFromProto(req.GetState()),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListResultsResponse{NextPageToken: page.NextPageToken}
	for _, r := range page.Results {
		resp.Results = append(resp.Results, protoconv.Result(r))
	}
	return resp, nil
}

// GetResult implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetResult(ctx context.Context, req *certificationv1.GetResultRequest) (*certificationv1.GetResultResponse, error) {
	if req.GetMinutesVersion() < 0 || req.GetMinutesVersion() > 10000 {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "minutes_version", Description: "0 (the current version) or a version number"})
	}
	r, err := s.app.Queries.GetResult.Handle(ctx, query.GetResult{SessionID: req.GetSessionId(), MinutesVersion: int(req.GetMinutesVersion())})
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetResultResponse{Result: protoconv.Result(r)}, nil
}

// ValidateResult implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ValidateResult(ctx context.Context, req *certificationv1.ValidateResultRequest) (*certificationv1.ValidateResultResponse, error) {
	out, err := s.app.Commands.ValidateResult.Handle(ctx, command.ValidateResult{
		SessionID: req.GetSessionId(), MinutesHash: req.GetMinutesHash(),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ValidateResultResponse{Result: protoconv.Result(out.Result)}
	for _, c := range out.Certificates {
		resp.Certificates = append(resp.Certificates, protoconv.Certificate(c))
	}
	return resp, nil
}

// GetCertificate implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetCertificate(ctx context.Context, req *certificationv1.GetCertificateRequest) (*certificationv1.GetCertificateResponse, error) {
	c, err := s.app.Queries.GetCertificate.Handle(ctx, query.GetCertificate{Number: req.GetNumber()})
	if err != nil {
		return nil, err
	}
	out, err := s.certificate(ctx, c)
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetCertificateResponse{Certificate: out}, nil
}

// VerifyCertificate implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) VerifyCertificate(ctx context.Context, req *certificationv1.VerifyCertificateRequest) (*certificationv1.VerifyCertificateResponse, error) {
	v, err := s.app.Queries.VerifyCertificate.Handle(ctx, query.VerifyCertificate{Number: req.GetNumber()})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.VerifyCertificateResponse{
		Valid: v.Valid, SignatureValid: v.SignatureValid, Reason: v.Reason, Message: v.Message,
	}
	if v.Found {
		resp.Status = protoconv.CertificateStatus(v.Certificate.Status)
		resp.Certificate = protoconv.PublicCertificate(v.Certificate)
		resp.KeyId, resp.Format = v.Certificate.KeyID, v.Certificate.Format
		resp.WithdrawnOn = v.WithdrawnOn
	}
	return resp, nil
}

// GetCertificateKeys implements certificationv1.CertificationServiceServer:
// the keyring as a JWK Set (RFC 8037 Ed25519 keys).
func (s *GRPCServer) GetCertificateKeys(ctx context.Context, _ *certificationv1.GetCertificateKeysRequest) (*certificationv1.GetCertificateKeysResponse, error) {
	resp := &certificationv1.GetCertificateKeysResponse{}
	for _, k := range s.app.Queries.CertificateKeys.Handle(ctx) {
		status := "retired"
		if k.Current {
			status = "current"
		}
		resp.Keys = append(resp.Keys, &certificationv1.CertificateKey{
			Kty: "OKP", Crv: "Ed25519", X: base64.RawURLEncoding.EncodeToString(k.PublicKey),
			Kid: k.ID, Alg: "EdDSA", Use: "sig", Status: status,
		})
	}
	return resp, nil
}

// ListCertificates implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListCertificates(ctx context.Context, req *certificationv1.ListCertificatesRequest) (*certificationv1.ListCertificatesResponse, error) {
	page, err := s.app.Queries.ListCertificates.Handle(ctx, query.ListCertificates{
		PageSize: req.GetPageSize(), PageToken: req.GetPageToken(), CandidateID: req.GetCandidateId(),
	})
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListCertificatesResponse{NextPageToken: page.NextPageToken}
	for _, c := range page.Certificates {
		out, err := s.certificate(ctx, c)
		if err != nil {
			return nil, err
		}
		resp.Certificates = append(resp.Certificates, out)
	}
	return resp, nil
}

// ReturnResult implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ReturnResult(ctx context.Context, req *certificationv1.ReturnResultRequest) (*certificationv1.ReturnResultResponse, error) {
	r, err := s.app.Commands.ReturnResult.Handle(ctx, command.ReturnResult{
		SessionID: req.GetSessionId(), MinutesHash: req.GetMinutesHash(), Reason: req.GetReason(), CandidacyIDs: req.GetCandidacyIds(),
	})
	if err != nil {
		return nil, err
	}
	return &certificationv1.ReturnResultResponse{Result: protoconv.Result(r)}, nil
}

// GetResultSheetPdf implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetResultSheetPdf(ctx context.Context, req *certificationv1.GetResultSheetPdfRequest) (*certificationv1.GetResultSheetPdfResponse, error) {
	b, err := s.app.Queries.ResultSheet.PDF(ctx, req.GetSessionId(), req.GetCandidacyId())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetResultSheetPdfResponse{Document: &httpbody.HttpBody{ContentType: pdfdoc.ContentType, Data: b}}, nil
}

// GetParchment implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetParchment(ctx context.Context, req *certificationv1.GetParchmentRequest) (*certificationv1.GetParchmentResponse, error) {
	b, err := s.app.Queries.Parchment.PDF(ctx, query.GetParchment{Number: req.GetNumber(), Duplicate: req.GetDuplicate()})
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetParchmentResponse{Document: &httpbody.HttpBody{ContentType: pdfdoc.ContentType, Data: b}}, nil
}

// ListCertificateCredentials implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) ListCertificateCredentials(ctx context.Context, req *certificationv1.ListCertificateCredentialsRequest) (*certificationv1.ListCertificateCredentialsResponse, error) {
	creds, err := s.app.Queries.Credentials.List(ctx, req.GetNumber())
	if err != nil {
		return nil, err
	}
	resp := &certificationv1.ListCertificateCredentialsResponse{}
	for _, c := range creds {
		resp.Credentials = append(resp.Credentials, protoconv.Credential(c))
	}
	return resp, nil
}

// GetCertificateCredential implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetCertificateCredential(ctx context.Context, req *certificationv1.GetCertificateCredentialRequest) (*certificationv1.GetCertificateCredentialResponse, error) {
	c, err := s.app.Queries.Credentials.One(ctx, req.GetNumber(), req.GetCredential())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetCertificateCredentialResponse{
		Document: &httpbody.HttpBody{ContentType: credential.MediaType, Data: []byte(c.JWS)},
	}, nil
}

// GetIssuerDid implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetIssuerDid(ctx context.Context, _ *certificationv1.GetIssuerDidRequest) (*certificationv1.GetIssuerDidResponse, error) {
	doc, err := s.app.Queries.Credentials.DIDDocument(ctx)
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetIssuerDidResponse{Document: &httpbody.HttpBody{ContentType: "application/did+json", Data: doc}}, nil
}

// GetCredentialStatusList implements certificationv1.CertificationServiceServer.
func (s *GRPCServer) GetCredentialStatusList(ctx context.Context, req *certificationv1.GetCredentialStatusListRequest) (*certificationv1.GetCredentialStatusListResponse, error) {
	jws, err := s.app.Queries.Credentials.StatusList(ctx, req.GetPurpose())
	if err != nil {
		return nil, err
	}
	return &certificationv1.GetCredentialStatusListResponse{
		Document: &httpbody.HttpBody{ContentType: credential.MediaType, Data: []byte(jws)},
	}, nil
}
