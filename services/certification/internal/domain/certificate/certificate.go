// Package certificate holds the award documents of the certification
// authority: the titre professionnel (parchemin) and the livret de
// certification (R52). A certificate has a human-friendly number with a
// check symbol (Number), and an Ed25519 signature over a canonical encoding
// of its content (Content), so that anyone can be told whether a
// certificate presented to them is genuine, and a record altered in the
// database is detected.
//
// A certificate never changes once issued: a correction would be a new
// certificate. Its status is the one thing outside the signature, so that
// a withdrawal (fraud, R59) and its reform on appeal (R60) do not need the
// signing key.
package certificate

import (
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Kind is the kind of award document.
type Kind string

// The kinds of certificate.
const (
	// Titre is the titre professionnel: every CCP of the title is held.
	Titre Kind = "TITRE"
	// Livret is a livret de certification: some CCPs are held.
	Livret Kind = "LIVRET"
)

// Status is the status of a certificate.
type Status string

// The statuses of a certificate.
const (
	// Issued: issued and in force.
	Issued Status = "ISSUED"
	// Revoked: the minutes it was issued from were corrected after their
	// validation (R51): it stays on record and no longer verifies.
	Revoked Status = "REVOKED"
	// Withdrawn: the territorial authority withdrew the award by a
	// motivated decision, after a fraud discovered once the session was
	// over (R59, package withdrawal). It stays on record and no longer
	// verifies; an appeal that reforms the decision issues it again.
	Withdrawn Status = "WITHDRAWN"
)

// Holder is the civil identity printed on a certificate: a snapshot of the
// holder projection when the certificate was issued.
type Holder struct {
	BirthName        string
	UsageName        string
	GivenNames       []string
	BirthDate        string // "YYYY-MM-DD"
	BirthCommune     string
	BirthCountryCode string
}

// Ccp is one CCP printed on a certificate, with the session that awarded
// it.
type Ccp struct {
	Code      string
	Label     string
	SessionID string
	JuryDate  string // "YYYY-MM-DD"
}

// Certificate is an issued award document.
type Certificate struct {
	Number       Number
	Kind         Kind
	CandidateID  string
	Holder       Holder
	TitleCode    string
	TitleVersion string
	TitleLabel   string
	TitleLevel   int
	// Ccps are every CCP of the title for a titre, every CCP held for a
	// livret, in title order.
	Ccps []Ccp
	// ByCapitalisation is true for a titre completed with CCPs obtained in
	// earlier sessions (R54).
	ByCapitalisation bool
	SessionID        string // the session whose validation issued it
	JuryDate         string // that session's jury date, "YYYY-MM-DD"
	IssueDate        string // "YYYY-MM-DD", Europe/Paris
	IssuedAt         time.Time
	Format           string // content format the signature covers: FormatV1 or FormatV2
	KeyID            string // id of the signing key (KeyID)
	Signature        []byte // Ed25519 over Content()
	Status           Status
	// StatusIndex is the certificate's position in the status list of its
	// verifiable credentials (package credential), allocated at issue in
	// issue order; like Status it is outside the signature.
	StatusIndex int64
	// WithdrawalID is the withdrawal decision that withdrew it (R59),
	// kept once an appeal reformed the decision; empty when none.
	WithdrawalID string
}

// CcpCodes returns the codes of the certificate's CCPs, in order.
func (c Certificate) CcpCodes() []string {
	out := make([]string, 0, len(c.Ccps))
	for _, k := range c.Ccps {
		out = append(out, k.Code)
	}
	return out
}

// Errors of the package. Match them with errors.Is.
var (
	// ErrNotFound reports a number no certificate has.
	ErrNotFound = apperr.New(apperr.KindNotFound, "CERTIFICATE_NOT_FOUND", "no certificate has this number")
	// ErrReadDenied reports a caller who may not read the certificate. A
	// candidate gets it for an unknown number too, so that the answer
	// does not tell which numbers exist.
	ErrReadDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
		"you may only read your own certificates")
)
