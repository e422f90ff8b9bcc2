package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// GetCertificate names a certificate by number, as typed by a person.
type GetCertificate struct {
	Number string
}

// GetCertificateHandler reads one certificate.
type GetCertificateHandler struct {
	certificates certificate.Repository
	holders      holder.Repository
}

// NewGetCertificateHandler returns the handler.
func NewGetCertificateHandler(certificates certificate.Repository, holders holder.Repository) GetCertificateHandler {
	return GetCertificateHandler{certificates: certificates, holders: holders}
}

// Handle returns the certificate when the caller may read it:
//   - ministry and admin read every certificate; an unknown number is
//     certificate.ErrNotFound;
//   - a candidate reads the certificates of the records bound to their
//     subject; any other number, known or not, is
//     certificate.ErrReadDenied;
//   - every other role is certificate.ErrReadDenied (anyone may verify a
//     certificate with VerifyCertificate, which shows less).
func (h GetCertificateHandler) Handle(ctx context.Context, q GetCertificate) (certificate.Certificate, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return certificate.Certificate{}, err
	}
	staff := p.HasAny(auth.RoleMinistry, auth.RoleAdmin)
	if !staff && !p.Has(auth.RoleCandidate) {
		return certificate.Certificate{}, certificate.ErrReadDenied
	}
	n, err := certificate.ParseNumber(q.Number)
	if err != nil {
		return certificate.Certificate{}, apperr.Invalid(apperr.FieldViolation{Field: "number", Description: certificate.ErrMalformedNumber.Message})
	}
	c, err := h.certificates.Get(ctx, n)
	switch {
	case errors.Is(err, certificate.ErrNotFound) && !staff:
		return certificate.Certificate{}, certificate.ErrReadDenied
	case err != nil:
		return certificate.Certificate{}, err
	case staff:
		return c, nil
	}
	hd, err := h.holders.Get(ctx, c.CandidateID)
	if errors.Is(err, holder.ErrNotFound) {
		return certificate.Certificate{}, certificate.ErrReadDenied
	}
	if err != nil {
		return certificate.Certificate{}, err
	}
	if hd.Subject == "" || hd.Subject != p.Subject {
		return certificate.Certificate{}, certificate.ErrReadDenied
	}
	return c, nil
}
