// Package withdrawal holds the withdrawal of an award (R59): fraud
// discovered after the session may lead the territorial authority (the
// DREETS officer, role ministry) to withdraw a titre, a livret or one CCP
// by a motivated decision, which titrepro records and propagates to the
// systems that hold the award (CertificateWithdrawn on the certification
// stream, the public verification, the status list).
//
// A decision names a certificate by its number and, optionally, one CCP
// that certificate prints:
//
//   - without a CCP, the certificate itself is withdrawn. The CCPs of the
//     person's record stay: the fraud concerned the document (a titre
//     obtained by a forged identity, a falsified livret), and withdrawing
//     a CCP is a decision of its own. A withdrawn titre is never awarded
//     again from the same CCPs (a later validation would otherwise undo
//     the decision);
//   - with a CCP, the award of that CCP is withdrawn: the CCP leaves the
//     person's record of CCPs held (R53, kept in the withdrawn history),
//     and every certificate in force that prints that CCP (the titre, the
//     livrets listing it) is withdrawn, since none may stand on a
//     withdrawn award. A CCP obtained again in a later session enters the
//     record as usual.
//
// Only a certificate in force (ISSUED) is withdrawn. The decision keeps its
// motivation, which may hold personal details: it is shown to the ministry,
// admins and the holder, never on the public verification and never in the
// event (the event carries the reason category, FRAUD).
//
// The decision stays in force while an appeal against it is examined
// (R60); an appeal decided REFORMED restores what it withdrew (Restore).
package withdrawal

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// Bounds of a decision's texts, in characters.
const (
	MinMotivation = 20
	MaxMotivation = 4000
	MaxReference  = 100
)

// Reason is the category of the ground of a withdrawal: what the systems
// downstream are told (the motivation stays with titrepro).
type Reason string

// The reasons of a withdrawal.
const (
	// Fraud: fraud discovered after the session (R59), the only ground the
	// rules give today.
	Fraud Reason = "FRAUD"
)

// Decision is a recorded withdrawal decision.
type Decision struct {
	ID string
	// Number is the certificate the decision names.
	Number certificate.Number
	// CcpCode is the CCP withdrawn; empty when the certificate itself is.
	CcpCode     string
	Reason      Reason
	Motivation  string
	Reference   string         // the decision's reference, e.g. the arrêté number
	DecidedOn   civildate.Date // date of the decision
	DecidedBy   string         // subject of the officer
	CandidateID string
	Kind        certificate.Kind
	TitleCode   string
	TitleVer    string
	TitleLabel  string
	// CcpSessionID is the session the withdrawn CCP was obtained at
	// (empty without a CCP).
	CcpSessionID string
	// Withdrawn are the certificates the decision withdrew, in number
	// order, the named one included.
	Withdrawn   []certificate.Number
	WithdrawnAt time.Time
	// RestoredAt is when an appeal reformed the decision (zero while it
	// stands), RestoredBy that appeal's id.
	RestoredAt time.Time
	RestoredBy string
}

// Request is a withdrawal as the officer asks for it.
type Request struct {
	Number     string
	CcpCode    string
	Reason     Reason // empty means Fraud
	Motivation string
	Reference  string
	DecidedOn  string // "YYYY-MM-DD"
}

// Errors of the package.
var (
	// ErrAlreadyWithdrawn: the certificate is withdrawn already.
	ErrAlreadyWithdrawn = apperr.New(apperr.KindFailedPrecondition, "CERTIFICATE_ALREADY_WITHDRAWN",
		"this certificate is withdrawn already").WithRule("R59")
	// ErrNotInForce: a revoked certificate is not withdrawn: it no longer
	// stands.
	ErrNotInForce = apperr.New(apperr.KindFailedPrecondition, "CERTIFICATE_NOT_IN_FORCE",
		"only a certificate in force (issued) can be withdrawn").WithRule("R59")
	// ErrNotFound: no withdrawal decision has this id.
	ErrNotFound = apperr.New(apperr.KindNotFound, "WITHDRAWAL_NOT_FOUND", "no withdrawal decision has this id")
	// ErrAlreadyRestored: the decision was reformed already.
	ErrAlreadyRestored = apperr.New(apperr.KindFailedPrecondition, "WITHDRAWAL_ALREADY_REFORMED",
		"this withdrawal decision was reformed already").WithRule("R60")
	// ErrDenied: only the ministry withdraws (admin is read-only).
	ErrDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"only the ministry's territorial officer may withdraw an award (R59)")
)

// Decide checks req against the certificate it names, c, on today (the
// date in France), and returns the decision, without its id, the
// certificates it withdraws (Scope) and its time. Field errors come all at
// once; then the certificate must be in force.
func Decide(req Request, c certificate.Certificate, today civildate.Date, by string) (Decision, error) {
	var v apperr.Violations
	motivation := strings.TrimSpace(req.Motivation)
	switch n := utf8.RuneCountInString(motivation); {
	case n == 0:
		v.Add("motivation", "is required: a withdrawal is a motivated decision (R59)")
	case n < MinMotivation:
		v.Add("motivation", fmt.Sprintf("must be at least %d characters", MinMotivation))
	case n > MaxMotivation:
		v.Add("motivation", fmt.Sprintf("must be at most %d characters", MaxMotivation))
	}
	reference := strings.TrimSpace(req.Reference)
	switch {
	case reference == "":
		v.Add("decision_reference", "is required (e.g. the number of the arrêté)")
	case utf8.RuneCountInString(reference) > MaxReference:
		v.Add("decision_reference", fmt.Sprintf("must be at most %d characters", MaxReference))
	case strings.ContainsFunc(reference, unicode.IsControl):
		v.Add("decision_reference", "must be one line of text")
	}
	reason := req.Reason
	if reason == "" {
		reason = Fraud
	}
	if reason != Fraud {
		v.Add("reason", "must be FRAUD")
	}
	decided, err := civildate.Parse(req.DecidedOn)
	switch {
	case req.DecidedOn == "":
		v.Add("decided_on", "is required")
	case err != nil:
		v.Add("decided_on", "must be a date YYYY-MM-DD")
	case decided.After(today):
		v.Add("decided_on", "must not be in the future")
	case decided.String() < c.IssueDate:
		v.Add("decided_on", "must not be before the certificate's issue date ("+c.IssueDate+")")
	}
	var ccp certificate.Ccp
	if req.CcpCode != "" {
		i := slices.IndexFunc(c.Ccps, func(k certificate.Ccp) bool { return k.Code == req.CcpCode })
		if i < 0 {
			v.Add("ccp_code", "must be one of the CCPs the certificate prints: "+strings.Join(c.CcpCodes(), ", "))
		} else {
			ccp = c.Ccps[i]
		}
	}
	if err := v.Err(); err != nil {
		return Decision{}, err
	}
	switch c.Status {
	case certificate.Issued:
	case certificate.Withdrawn:
		return Decision{}, ErrAlreadyWithdrawn.WithMeta("number", string(c.Number))
	default:
		return Decision{}, ErrNotInForce.WithMeta("number", string(c.Number)).WithMeta("status", string(c.Status))
	}
	return Decision{
		Number: c.Number, CcpCode: req.CcpCode, Reason: reason, Motivation: motivation, Reference: reference,
		DecidedOn: decided, DecidedBy: by, CandidateID: c.CandidateID, Kind: c.Kind,
		TitleCode: c.TitleCode, TitleVer: c.TitleVersion, TitleLabel: c.TitleLabel, CcpSessionID: ccp.SessionID,
	}, nil
}

// Scope returns the numbers of the certificates d withdraws among the
// holder's certificates in force, held, in number order: the named one,
// and with a CCP every certificate of the same title version that prints
// that CCP as obtained at the same session.
func Scope(d Decision, held []certificate.Certificate) []certificate.Number {
	out := []certificate.Number{d.Number}
	if d.CcpCode != "" {
		for _, c := range held {
			if c.Number == d.Number || c.Status != certificate.Issued || c.CandidateID != d.CandidateID ||
				c.TitleCode != d.TitleCode || c.TitleVersion != d.TitleVer {
				continue
			}
			if slices.ContainsFunc(c.Ccps, func(k certificate.Ccp) bool {
				return k.Code == d.CcpCode && k.SessionID == d.CcpSessionID
			}) {
				out = append(out, c.Number)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Stands reports whether the decision is in force: not reformed.
func (d Decision) Stands() bool { return d.RestoredAt.IsZero() }

// Restore records that appeal appealID reformed the decision at at: what
// it withdrew is issued again (the store puts the certificates back in
// force and the CCP back in the record). A decision is reformed once.
func (d *Decision) Restore(appealID string, at time.Time) error {
	if !d.Stands() {
		return ErrAlreadyRestored.WithMeta("withdrawal_id", d.ID)
	}
	d.RestoredAt, d.RestoredBy = at, appealID
	return nil
}

// Withdrawn is the CertificateWithdrawn event: one per certificate a
// decision withdraws, so that a system holding one certificate learns of
// it by its number.
type Withdrawn struct {
	Decision    Decision
	Certificate certificate.Certificate
}
