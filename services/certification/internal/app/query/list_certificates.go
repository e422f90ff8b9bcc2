package query

import (
	"context"
	"slices"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/paging"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// ListCertificates asks for one page of certificates.
type ListCertificates struct {
	PageSize    int32
	PageToken   string
	CandidateID string // only this person's; empty for every one the caller may read
}

// CertificatePage is one page of certificates, in number order.
type CertificatePage struct {
	Certificates  []certificate.Certificate
	NextPageToken string // empty on the last page
}

// ListCertificatesHandler lists certificates.
type ListCertificatesHandler struct {
	certificates certificate.Repository
	holders      holder.Repository
}

// NewListCertificatesHandler returns the handler.
func NewListCertificatesHandler(certificates certificate.Repository, holders holder.Repository) ListCertificatesHandler {
	return ListCertificatesHandler{certificates: certificates, holders: holders}
}

// Handle lists, for a candidate, the certificates of the records bound to
// their subject (naming another person's candidate_id is
// certificate.ErrReadDenied); for ministry and admin, every certificate or
// one person's. Every other role is certificate.ErrReadDenied.
func (h ListCertificatesHandler) Handle(ctx context.Context, q ListCertificates) (CertificatePage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return CertificatePage{}, err
	}
	var owners []string // nil: every certificate
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin):
		if q.CandidateID != "" {
			owners = []string{q.CandidateID}
		}
	case p.Has(auth.RoleCandidate):
		mine, err := h.holders.CandidateIDsOfSubject(ctx, p.Subject)
		if err != nil {
			return CertificatePage{}, err
		}
		owners = mine
		if owners == nil {
			owners = []string{}
		}
		if q.CandidateID != "" {
			if !slices.Contains(mine, q.CandidateID) {
				return CertificatePage{}, certificate.ErrReadDenied
			}
			owners = []string{q.CandidateID}
		}
	default:
		return CertificatePage{}, certificate.ErrReadDenied
	}

	// The caller's subject is part of the listing: a candidate's token
	// cannot page through a listing computed for someone else.
	listing := "certificates|subject=" + p.Subject + "|candidate=" + q.CandidateID
	var after certificate.Number
	size, _, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return CertificatePage{}, err
	}
	rows, err := h.certificates.List(ctx, owners, after, size+1)
	if err != nil {
		return CertificatePage{}, err
	}
	rows, token, err := paging.Next(listing, rows, size, func(c certificate.Certificate) certificate.Number { return c.Number })
	if err != nil {
		return CertificatePage{}, err
	}
	return CertificatePage{Certificates: rows, NextPageToken: token}, nil
}
