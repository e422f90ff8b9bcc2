// Package candidate is the assessment service's projection of the candidate
// context: what registering a candidate to a session needs to know about
// them (identity for the minutes, access route and VAE admissibility for
// R25, training organisation for R21). It is fed by the CandidateRegistered
// and CandidateUpdated events and never written otherwise.
package candidate

import (
	"context"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// AccessRoute is how the candidate prepares the title.
type AccessRoute string

// The access routes (candidate context).
const (
	RouteTraining       AccessRoute = "TRAINING"
	RouteApprenticeship AccessRoute = "APPRENTICESHIP"
	RouteVAE            AccessRoute = "VAE"
)

// Candidate is one candidate as last announced by the candidate service.
type Candidate struct {
	ID                   string
	Subject              string // identity-provider subject; empty until the person has an account
	BirthName            string
	UsageName            string
	GivenNames           []string
	AccessRoute          AccessRoute
	TrainingOrganisation string   // training and apprenticeship routes
	TrainingTitleID      string   // the title the training prepares (R24)
	TrainingCCPs         []string // the CCPs it covers when not the whole title (R28)
	TrainingStart        string   // "YYYY-MM-DD", optional (R31)
	VAEDecisionDate      string   // "YYYY-MM-DD", VAE route
	// CentreID is the centre that registered the record, "" when the
	// person registered themselves, CentreUnknown when projected before
	// the projection kept it.
	CentreID string
	Version  int64 // version of the candidate record the event carried
	// Bans are the bans the ministry pronounced (R58), kept apart from the
	// record's versions: SanctionPronounced feeds them.
	Bans []Ban
}

// CentreUnknown is the CentreID of a record projected before the
// projection kept the registering centre: no centre may register it until
// its next update brings the centre.
const CentreUnknown = "?"

// Errors of the projection.
var (
	// ErrUnknown: no event announced this candidate.
	ErrUnknown = apperr.New(apperr.KindFailedPrecondition, "CANDIDATE_UNKNOWN",
		"the candidate is not known to the assessment service: register them with the candidate service first")

	// ErrVAEAdmissibilityExpired: the VAE admissibility decision is more than
	// one year older than the session (R25).
	ErrVAEAdmissibilityExpired = apperr.New(apperr.KindFailedPrecondition, "VAE_ADMISSIBILITY_EXPIRED",
		"the VAE admissibility decision is valid one year: it has lapsed before the session starts").WithRule("R25")

	// ErrInvalid: an event carries a candidate the projection cannot hold.
	ErrInvalid = apperr.New(apperr.KindInvalidArgument, "CANDIDATE_EVENT_INVALID",
		"the candidate event lacks an id or a version")
)

// Repository keeps the projection.
type Repository interface {
	// Get returns the candidate, or ErrUnknown.
	Get(ctx context.Context, id string) (Candidate, error)
	// Apply stores c unless the projection already holds this version or a
	// later one; it reports whether it stored it. Events may be redelivered
	// out of order, so the version decides.
	Apply(ctx context.Context, c Candidate) (bool, error)
	BanRepository
}

// Validate checks what the projection needs from an event.
func (c Candidate) Validate() error {
	if c.ID == "" || c.Version <= 0 {
		return ErrInvalid
	}
	return nil
}

// DisplayName is the name printed for the candidate: usage name, else birth
// name, then the given names.
func (c Candidate) DisplayName() string {
	name := c.UsageName
	if name == "" {
		name = c.BirthName
	}
	return strings.TrimSpace(name + " " + strings.Join(c.GivenNames, " "))
}

// CheckAdmissibleOn enforces R25 for a session starting on start: a VAE
// candidate needs a positive admissibility notified less than one year
// before, that is valid through decision date + 1 year (the candidate
// service's reading). Other routes are not concerned.
func (c Candidate) CheckAdmissibleOn(start civildate.Date) error {
	if c.AccessRoute != RouteVAE {
		return nil
	}
	decided, err := civildate.Parse(c.VAEDecisionDate)
	if err != nil {
		return ErrVAEAdmissibilityExpired.WithMessage("the VAE candidate has no admissibility decision date").
			WithMeta("candidate", c.ID)
	}
	if until := decided.AddYears(1); start.After(until) {
		return ErrVAEAdmissibilityExpired.WithMessage("the VAE admissibility of "+decided.String()+
			" was valid until "+until.String()+"; the session starts on "+start.String()).
			WithMeta("candidate", c.ID)
	}
	return nil
}
