package candidate

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

// Ban is a ban from registering to a session that the ministry pronounced
// against the candidate (R58), announced by the candidate service's
// SanctionPronounced: it runs from From (the notification, inclusive) to
// Until (exclusive) and ends on its own.
type Ban struct {
	SanctionID  string
	CandidateID string
	From, Until civildate.Date
}

// BanRepository keeps the bans of the projection.
type BanRepository interface {
	// SaveBan stores b unless it is stored already; it reports whether it
	// stored it.
	SaveBan(ctx context.Context, b Ban) (bool, error)
}

// ErrBanned: the candidate is banned from registering to a session (R58).
var ErrBanned = apperr.New(apperr.KindFailedPrecondition, "CANDIDATE_BANNED",
	"the candidate is banned from registering to a session by a sanction of the ministry").WithRule("R58")

// CheckNotBanned enforces R58: no ban of c covers today, the day of the
// registration (Europe/Paris). The error names the first day the candidate
// may be registered again.
func CheckNotBanned(c Candidate, today civildate.Date) error {
	for _, b := range c.Bans {
		if !today.Before(b.From) && today.Before(b.Until) {
			return ErrBanned.WithMessage("the candidate is banned from registering to a session until "+b.Until.String()+
				" (a sanction of the ministry, R58): they may be registered again from that day").
				WithMeta("candidate", c.ID).WithMeta("ban_ends_on", b.Until.String()).WithMeta("sanction", b.SanctionID)
		}
	}
	return nil
}
