// Package fraud holds the fraud reports of a session (R57): fraud observed
// during the session is documented in a report signed by a juror of the
// session's jury or by the responsable de session (the organising centre),
// recorded against the session or one of its candidacies, and mentioned in
// the minutes, which cannot be signed without that mention. The session
// aggregate decides when a report may be filed and keeps its reports; this
// package holds the values and their own checks. The sanctions a report
// may lead to are pronounced by the ministry in the candidate service
// (R58).
package fraud

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Limits of a report.
const (
	// MaxFacts bounds the description of the facts, in characters.
	MaxFacts = 4000
	// MaxMeasureNote bounds the description of the measure taken.
	MaxMeasureNote = 500
	// MaxPerSession bounds the reports of one session: they are all
	// mentioned in its minutes.
	MaxPerSession = 50
	// clockSkew is how far in the future an observation time may be, for
	// the clocks of the reporter's device.
	clockSkew = 5 * time.Minute
)

// ReporterRole is how the reporter acts.
type ReporterRole string

// The reporter roles.
const (
	// ReporterJuror: a member of the session's jury.
	ReporterJuror ReporterRole = "JUROR"
	// ReporterCentre: the responsable de session, acting for the
	// organising centre.
	ReporterCentre ReporterRole = "CENTRE"
)

// Measure is the measure taken on the spot.
type Measure string

// The measures.
const (
	// MeasureNone: the facts are reported, nothing was done on the spot.
	MeasureNone Measure = "NONE"
	// MeasureExcluded: the candidate was excluded from the épreuve (the
	// immediate exclusion of R58); the report then names a candidacy.
	MeasureExcluded Measure = "EXCLUDED_FROM_EPREUVE"
)

// Valid reports whether m is a known measure.
func (m Measure) Valid() bool { return m == MeasureNone || m == MeasureExcluded }

// Input is what the reporter writes.
type Input struct {
	CandidacyID string // empty: a report on the session as a whole
	Facts       string
	ObservedAt  time.Time
	Measure     Measure // empty reads as MeasureNone
	Epreuve     title.EpreuveKind
	MeasureNote string
}

// Reporter is who signs the report.
type Reporter struct {
	Role    ReporterRole
	Subject string
	Name    string // the juror's name; the centre id for a centre
}

// Report is a fraud report as recorded.
type Report struct {
	ID          string
	SessionID   string
	CandidacyID string // empty: on the session
	CandidateID string // the candidacy's candidate, empty on the session
	Facts       string
	ObservedAt  time.Time
	Measure     Measure
	Epreuve     title.EpreuveKind
	MeasureNote string
	Reporter    Reporter
	FiledAt     time.Time
	// MinutesVersion is the minutes version being drawn up when the report
	// was filed: the first one to mention it.
	MinutesVersion int
}

// Errors of the reports.
var (
	// ErrOutsideSession: a report is filed while the session runs or the
	// jury deliberates, not before it opens nor once its minutes are signed
	// (fraud discovered later is a withdrawal, R59).
	ErrOutsideSession = apperr.New(apperr.KindFailedPrecondition, "FRAUD_REPORT_OUTSIDE_SESSION",
		"a fraud report is filed while the session is in progress or in deliberation, before its minutes are signed").WithRule("R57")
	// ErrTooMany: the session holds MaxPerSession reports.
	ErrTooMany = apperr.New(apperr.KindFailedPrecondition, "FRAUD_REPORTS_EXHAUSTED",
		"this session holds the maximum number of fraud reports").WithRule("R57")
	// ErrNotInMinutes: the minutes a juror signs do not mention a fraud
	// report filed after they were drawn up; the juror reads them again
	// and signs the version that mentions it (R57).
	ErrNotInMinutes = apperr.New(apperr.KindFailedPrecondition, "FRAUD_REPORT_NOT_IN_MINUTES",
		"a fraud report was filed after these minutes were drawn up: read the minutes again, which mention it, and sign them").WithRule("R57")
	// ErrCandidacyWithdrawn: the candidacy left the session before the facts.
	ErrCandidacyWithdrawn = apperr.New(apperr.KindFailedPrecondition, "FRAUD_REPORT_CANDIDACY_WITHDRAWN",
		"the candidacy was withdrawn or transferred: report the facts on the session").WithRule("R57")
)

// Check validates what the reporter writes, at now, for a session planned
// at planned: the facts (required, bounded), an observation time neither
// before the day the session was planned (Europe/Paris) nor in the future,
// a known measure, an exclusion only of a candidacy's candidate, a known
// épreuve if any, a bounded note. Every bad field is reported at once.
func Check(in Input, planned, now time.Time) error {
	var v []apperr.FieldViolation
	facts := strings.TrimSpace(in.Facts)
	switch {
	case facts == "":
		v = append(v, apperr.FieldViolation{Field: "facts", Description: "describe the facts observed"})
	case utf8.RuneCountInString(facts) > MaxFacts:
		v = append(v, apperr.FieldViolation{Field: "facts", Description: "at most 4000 characters"})
	case !utf8.ValidString(facts):
		v = append(v, apperr.FieldViolation{Field: "facts", Description: "must be valid UTF-8"})
	}
	switch {
	case in.ObservedAt.IsZero():
		v = append(v, apperr.FieldViolation{Field: "observe_time", Description: "when the facts were observed is required"})
	case in.ObservedAt.After(now.Add(clockSkew)):
		v = append(v, apperr.FieldViolation{Field: "observe_time", Description: "must not be in the future"})
	case civildate.Of(in.ObservedAt).Before(civildate.Of(planned)):
		v = append(v, apperr.FieldViolation{Field: "observe_time", Description: "must be during the session, not before it was planned"})
	}
	m := in.Measure
	if m == "" {
		m = MeasureNone
	}
	switch {
	case !m.Valid():
		v = append(v, apperr.FieldViolation{Field: "measure", Description: "unknown measure"})
	case m == MeasureExcluded && in.CandidacyID == "":
		v = append(v, apperr.FieldViolation{Field: "measure", Description: "an exclusion names the candidacy of the excluded candidate"})
	}
	if in.Epreuve != "" && !in.Epreuve.Valid() {
		v = append(v, apperr.FieldViolation{Field: "epreuve", Description: "unknown épreuve"})
	}
	if n := utf8.RuneCountInString(in.MeasureNote); n > MaxMeasureNote || !utf8.ValidString(in.MeasureNote) {
		v = append(v, apperr.FieldViolation{Field: "measure_note", Description: "at most 500 characters of UTF-8"})
	}
	if len(v) > 0 {
		return apperr.Invalid(v...).WithRule("R57")
	}
	return nil
}

// New returns the report in of reporter, filed at now on session
// sessionID, on candidacy candidacyID of candidateID (both empty for the
// session), in minutes version minutesVersion. in must have passed Check.
func New(id, sessionID, candidateID string, in Input, reporter Reporter, minutesVersion int, now time.Time) Report {
	m := in.Measure
	if m == "" {
		m = MeasureNone
	}
	return Report{
		ID: id, SessionID: sessionID, CandidacyID: in.CandidacyID, CandidateID: candidateID,
		Facts: strings.TrimSpace(in.Facts), ObservedAt: in.ObservedAt.UTC(), Measure: m, Epreuve: in.Epreuve,
		MeasureNote: strings.TrimSpace(in.MeasureNote), Reporter: reporter, FiledAt: now.UTC(), MinutesVersion: minutesVersion,
	}
}
