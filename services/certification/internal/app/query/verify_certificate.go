package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

// Reasons of a Verification that is not valid.
const (
	ReasonNumberMalformed  = "NUMBER_MALFORMED"
	ReasonNotFound         = "CERTIFICATE_NOT_FOUND"
	ReasonSignatureInvalid = "SIGNATURE_INVALID"
	ReasonKeyUnknown       = "SIGNING_KEY_UNKNOWN"
	ReasonNotInForce       = "CERTIFICATE_NOT_IN_FORCE"
)

// VerifyCertificate names the certificate to verify.
type VerifyCertificate struct {
	Number string
}

// Verification is the verdict on a certificate number.
type Verification struct {
	Valid          bool
	SignatureValid bool
	Found          bool
	Certificate    certificate.Certificate // zero when not Found
	Reason         string                  // one of the Reason constants; empty when Valid
	Message        string
	// WithdrawnOn is the date of the withdrawal decision of a WITHDRAWN
	// certificate (R59); its motivation is never part of a verification.
	WithdrawnOn string
}

// WithdrawalReader reads withdrawal decisions (sqlstore.DecisionStore).
type WithdrawalReader interface {
	Withdrawal(ctx context.Context, id string) (withdrawal.Decision, error)
}

// VerifyCertificateHandler verifies certificates for anyone: it is public,
// so that an employer can check a certificate presented to them.
type VerifyCertificateHandler struct {
	certificates certificate.Repository
	keys         certificate.Keyring
	withdrawals  WithdrawalReader
}

// NewVerifyCertificateHandler returns the handler.
func NewVerifyCertificateHandler(certificates certificate.Repository, keys certificate.Keyring, withdrawals WithdrawalReader) VerifyCertificateHandler {
	return VerifyCertificateHandler{certificates: certificates, keys: keys, withdrawals: withdrawals}
}

// Handle checks the number, finds the certificate, verifies its signature
// over the content as stored now, and its status. Every outcome is a
// Verification; errors are left for failures of the service itself.
func (h VerifyCertificateHandler) Handle(ctx context.Context, q VerifyCertificate) (Verification, error) {
	n, err := certificate.ParseNumber(q.Number)
	if err != nil {
		return Verification{Reason: ReasonNumberMalformed,
			Message: "this is not a certificate number, or it was mistyped: its check symbol does not match"}, nil
	}
	c, err := h.certificates.Get(ctx, n)
	if errors.Is(err, certificate.ErrNotFound) {
		return Verification{Reason: ReasonNotFound, Message: "no certificate has this number"}, nil
	}
	if err != nil {
		return Verification{}, err
	}
	v := Verification{Found: true, Certificate: c}
	switch err := h.keys.Verify(c); {
	case errors.Is(err, certificate.ErrUnknownKey):
		v.Reason, v.Message = ReasonKeyUnknown, "the certificate is signed with a key this authority does not know"
	case errors.Is(err, certificate.ErrBadSignature):
		v.Reason, v.Message = ReasonSignatureInvalid, "the certificate's content does not match its signature: it was altered after issue"
	case err != nil:
		return Verification{}, err
	default:
		v.SignatureValid = true
	}
	switch {
	case v.SignatureValid && c.Status == certificate.Revoked:
		v.Reason, v.Message = ReasonNotInForce, "the certificate was revoked: the minutes it was issued from were corrected after their validation (R51)"
	case v.SignatureValid && c.Status == certificate.Withdrawn:
		v.Reason, v.Message = ReasonNotInForce, "the certificate was withdrawn by a decision of the territorial authority (R59)"
		if c.WithdrawalID == "" {
			break
		}
		d, err := h.withdrawals.Withdrawal(ctx, c.WithdrawalID)
		if err != nil {
			return Verification{}, err
		}
		v.WithdrawnOn = d.DecidedOn.String()
		v.Message = "the certificate was withdrawn by a decision of the territorial authority of " + v.WithdrawnOn + " (R59)"
	case v.SignatureValid && c.Status != certificate.Issued:
		v.Reason, v.Message = ReasonNotInForce, "the certificate is not in force"
	}
	v.Valid = v.SignatureValid && c.Status == certificate.Issued
	return v, nil
}
