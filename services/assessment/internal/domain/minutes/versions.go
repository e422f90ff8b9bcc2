package minutes

import (
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/minutesreturn"
)

// EncodingV3 is the RFC 8785 (JCS) encoding of the content of a minutes
// version after a return (R51): the members of EncodingV2 plus the version
// number and the content hash of the version it replaces, so that two
// versions never share a hash even when their decisions are the same, and
// each version names the one before it. The first version of a session's
// minutes stays in EncodingV2, whose hash is unchanged.
const EncodingV3 Encoding = "titrepro-minutes/3"

// EncodingV4 is the RFC 8785 (JCS) encoding of the content of minutes
// that mention fraud reports (R57): the members of EncodingV3 plus the
// mentions, so that what the jurors sign names every report. Minutes
// without a report keep EncodingV2 or EncodingV3, whose hashes are
// unchanged.
const EncodingV4 Encoding = "titrepro-minutes/4"

// EncodingFor returns the encoding of a minutes version with signatures
// sigs that mentions fraudReports reports: the first signature's
// (ForSignatures) once a juror signed, else EncodingV4 when it mentions a
// fraud report, EncodingV2 for the first version and EncodingV3 for a
// later one. Filing a report clears the signatures (Session.ReportFraud),
// so minutes signed in an earlier encoding never mention one.
func EncodingFor(sigs []Signature, version, fraudReports int) Encoding {
	if len(sigs) > 0 {
		return ForSignatures(sigs)
	}
	if fraudReports > 0 {
		return EncodingV4
	}
	if version > 1 {
		return EncodingV3
	}
	return CurrentEncoding
}

// Return is the ministry's return of a signed minutes version (R51): the
// DREETS officer names the reason and the candidacies whose deliberation
// must be done again; the other decisions stand. A return after the
// validation (AfterValidation) corrects a material error and follows the
// same path.
type Return struct {
	Version         int    // the version returned
	ContentHash     string // its content hash
	Reason          string
	CandidacyIDs    []string // sorted, each once
	By              string   // subject of the ministry officer
	At              time.Time
	AfterValidation bool
}

// CheckReturn validates the fields of a return a person writes: a reason
// and at least one candidacy, each once, within bounds (minutesreturn.Check,
// the check the certification service made when the officer returned the
// minutes). Every bad field is reported at once.
func CheckReturn(reason string, candidacyIDs []string) error {
	if v := minutesreturn.Check(reason, candidacyIDs, nil); len(v) > 0 {
		return apperr.Invalid(v...).WithRule("R51")
	}
	return nil
}

// Cites reports whether r names candidacy id.
func (r Return) Cites(id string) bool { return slices.Contains(r.CandidacyIDs, id) }

// VersionState is where a minutes version stands in the assessment
// service: the validation is the certification service's.
type VersionState string

// The version states.
const (
	// VersionDraft: the current version, being deliberated or signed.
	VersionDraft VersionState = "DRAFT"
	// VersionSigned: every juror signed; sent to the ministry.
	VersionSigned VersionState = "SIGNED"
	// VersionReturned: the ministry returned it; a later version replaces it.
	VersionReturned VersionState = "RETURNED"
)

// Version is one version of a session's minutes, immutable once signed:
// its content, hash and signatures; the return that ended it, if any.
type Version struct {
	Number   int
	State    VersionState
	Minutes  Minutes
	SignedAt time.Time // zero for the draft
	Return   *Return   // the return of this version, nil if none
}

// Errors of the minutes versions.
var (
	// ErrVersionNotFound: the session has no minutes version of this number.
	ErrVersionNotFound = apperr.New(apperr.KindNotFound, "MINUTES_VERSION_NOT_FOUND",
		"the session has no minutes of this version")
	// ErrDecisionStands: after a return, only the candidacies the ministry
	// cited are deliberated again; the other decisions stand (R51).
	ErrDecisionStands = apperr.New(apperr.KindFailedPrecondition, "MINUTES_DECISION_STANDS",
		"the ministry did not return this candidacy: its decision stands, only the returned candidacies are deliberated again").WithRule("R51")
	// ErrReturnMismatch: a return names minutes that are not the session's
	// current signed minutes.
	ErrReturnMismatch = apperr.New(apperr.KindFailedPrecondition, "MINUTES_RETURN_MISMATCH",
		"the returned minutes are not this session's signed minutes").WithRule("R51")
)
