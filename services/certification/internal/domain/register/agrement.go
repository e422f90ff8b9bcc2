package register

import (
	"fmt"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Agrement is the préfet's approval of a centre for one title version, one
// site and a period (R8). It covers the session titre and the CCP
// sessions of that title version (R11).
type Agrement struct {
	ID               string
	CentreID         string
	TitleID          string
	TitleVersion     string
	Site             string
	ValidFrom        civildate.Date
	ValidTo          civildate.Date
	State            State
	WithdrawalReason string
	GrantedBy        string
	GrantedAt        time.Time
	WithdrawnBy      string
	WithdrawnAt      time.Time // zero while granted
	Version          int64     // 1 when granted, 2 once withdrawn
}

// AgrementInput is an agrément as a grant request describes it.
type AgrementInput struct {
	ID, CentreID, TitleID, TitleVersion, Site, ValidFrom, ValidTo string
}

// NewAgrement validates in and returns the agrément granted by by at now.
// titleEnd is the title version's last day of validity, zero when open:
// the agrément may not end after it (R9).
func NewAgrement(in AgrementInput, titleEnd civildate.Date, by string, now time.Time) (Agrement, error) {
	var v apperr.Violations
	checkKey(&v, "agrement.id", in.ID)
	checkText(&v, "agrement.centre_id", in.CentreID, maxCentre)
	checkText(&v, "agrement.title_id", in.TitleID, maxTitle)
	checkText(&v, "agrement.title_version", in.TitleVersion, maxTitle)
	checkText(&v, "agrement.site", in.Site, maxName)
	from, to := checkPeriod(&v, "agrement.", in.ValidFrom, in.ValidTo)
	if err := v.Err(); err != nil {
		return Agrement{}, err
	}
	if !titleEnd.IsZero() && to.After(titleEnd) {
		return Agrement{}, ErrAgrementBeyondTitle.WithMessage(fmt.Sprintf(
			"the agrément would end on %s, after the end of validity of title %s version %s (%s)",
			to, in.TitleID, in.TitleVersion, titleEnd))
	}
	return Agrement{
		ID: in.ID, CentreID: strings.TrimSpace(in.CentreID), TitleID: strings.TrimSpace(in.TitleID),
		TitleVersion: strings.TrimSpace(in.TitleVersion), Site: strings.TrimSpace(in.Site),
		ValidFrom: from, ValidTo: to, State: Granted, GrantedBy: by, GrantedAt: now, Version: 1,
	}, nil
}

// SameGrant reports whether a and o grant the same thing (id, centre,
// title version, site and dates), so that granting again is a no-op.
func (a Agrement) SameGrant(o Agrement) bool {
	return a.ID == o.ID && a.CentreID == o.CentreID && a.TitleID == o.TitleID && a.TitleVersion == o.TitleVersion &&
		a.Site == o.Site && a.ValidFrom == o.ValidFrom && a.ValidTo == o.ValidTo
}

// Withdraw withdraws the agrément for reason. It reports false when it was
// withdrawn already for the same reason (nothing changes), and refuses
// another reason with ErrAlreadyWithdrawn.
func (a *Agrement) Withdraw(reason, by string, now time.Time) (bool, error) {
	return withdraw(&a.State, &a.WithdrawalReason, &a.WithdrawnAt, &a.WithdrawnBy, &a.Version, reason, by, now)
}
