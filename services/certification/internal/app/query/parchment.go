package query

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// ErrCertificateRevoked: a revoked certificate is not printed: its
// parchment would show an award no longer in force.
var ErrCertificateRevoked = apperr.New(apperr.KindFailedPrecondition, "CERTIFICATE_REVOKED",
	"this certificate was revoked: no parchment is printed for it")

// ErrCertificateWithdrawn: a withdrawn certificate (R59) is not printed
// while the withdrawal stands.
var ErrCertificateWithdrawn = apperr.New(apperr.KindFailedPrecondition, "CERTIFICATE_WITHDRAWN",
	"this certificate was withdrawn by a decision of the territorial authority: no parchment is printed for it").WithRule("R59")

// Parchment is what a parchment (the titre or the livret de certification)
// prints: the certificate, its title as published in the catalogue (NSF,
// RNCP when known), the QR code's address with its signed proof, and, for a
// duplicate, the day it was printed.
type Parchment struct {
	Certificate certificate.Certificate
	Title       catalogue.TitleVersion // zero when the title version is no longer in the catalogue
	Proof       string                 // certificate.Signer.SignProof
	URL         string                 // certificate.VerificationURL: what the QR code holds
	Duplicate   bool
	PrintedAt   time.Time // a duplicate's date of issue
}

// ParchmentPrinter prints a parchment.
type ParchmentPrinter interface {
	ParchmentPDF(p Parchment) ([]byte, error)
}

// ParchmentHandler reads and prints parchments.
type ParchmentHandler struct {
	get       GetCertificateHandler
	titles    catalogue.Repository
	signer    *certificate.Signer
	publicURL string
	printer   ParchmentPrinter
	now       func() time.Time
}

// NewParchmentHandler returns the handler; publicURL is the address of the
// public web application whose /verifier page the QR code opens.
func NewParchmentHandler(get GetCertificateHandler, titles catalogue.Repository, signer *certificate.Signer,
	publicURL string, printer ParchmentPrinter, now func() time.Time,
) ParchmentHandler {
	return ParchmentHandler{get: get, titles: titles, signer: signer, publicURL: publicURL, printer: printer, now: now}
}

// GetParchment names the certificate to print; Duplicate asks for a
// duplicate, marked as such with its date of issue.
type GetParchment struct {
	Number    string
	Duplicate bool
}

// Parchment returns what the parchment prints, with GetCertificate's
// access rules (the holder, the ministry, admins).
func (h ParchmentHandler) Parchment(ctx context.Context, q GetParchment) (Parchment, error) {
	c, err := h.get.Handle(ctx, GetCertificate{Number: q.Number})
	if err != nil {
		return Parchment{}, err
	}
	switch c.Status {
	case certificate.Revoked:
		return Parchment{}, ErrCertificateRevoked.WithMeta("number", string(c.Number))
	case certificate.Withdrawn:
		return Parchment{}, ErrCertificateWithdrawn.WithMeta("number", string(c.Number))
	}
	p := Parchment{Certificate: c, Duplicate: q.Duplicate, PrintedAt: h.now()}
	pub, err := h.titles.Get(ctx, catalogue.Key{Code: c.TitleCode, Version: c.TitleVersion})
	switch {
	case err == nil:
		p.Title = pub.Title
	case !errors.Is(err, catalogue.ErrTitleNotFound):
		return Parchment{}, err
	}
	if p.Proof, err = h.signer.SignProof(c); err != nil {
		return Parchment{}, err
	}
	p.URL = certificate.VerificationURL(h.publicURL, c.Number, p.Proof)
	return p, nil
}

// PDF returns the parchment as a PDF document.
func (h ParchmentHandler) PDF(ctx context.Context, q GetParchment) ([]byte, error) {
	p, err := h.Parchment(ctx, q)
	if err != nil {
		return nil, err
	}
	return h.printer.ParchmentPDF(p)
}
