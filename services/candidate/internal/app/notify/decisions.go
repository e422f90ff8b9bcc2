package notify

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/sanction"
)

// The ministry's decisions about a person (issue 10), each told to the
// person once, keyed by the event that carries it:
//   - CertificateWithdrawn → the holder (R59);
//   - AppealDecided → the person the decision appealed concerns (R60);
//   - SanctionPronounced → the person sanctioned (R58), written in the
//     transaction that records the sanction (adapters/sqlstore
//     SanctionRepository), not through a consumer: the candidate service
//     is the one that pronounces it.
//
// The person's name and address are those of their record in this service,
// read in the same transaction, as for the results.

// CertificateWithdrawn tells the holder candidateID that a certificate of
// theirs was withdrawn.
func (n Notifier) CertificateWithdrawn(ctx context.Context, st notice.Store, eventID, candidateID string, w notice.Withdrawal) error {
	p, err := n.candidate(ctx, st, candidateID)
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindCertificateWithdrawn, "", notice.CandidateKey(candidateID), p,
		notice.CertificateWithdrawn(w, p))
	return err
}

// AppealDecided tells candidateID, whom the decision appealed concerns, the
// outcome of the appeal.
func (n Notifier) AppealDecided(ctx context.Context, st notice.Store, eventID, candidateID string, a notice.AppealDecision) error {
	switch a.Outcome {
	case notice.AppealUpheld, notice.AppealReformed, notice.AppealDismissed:
	default:
		return apperr.New(apperr.KindInvalidArgument, "NOTIFY_APPEAL_OUTCOME_UNKNOWN", "the appeal has no known outcome").
			WithMeta("outcome", string(a.Outcome))
	}
	p, err := n.candidate(ctx, st, candidateID)
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindAppealDecided, "", notice.CandidateKey(candidateID), p,
		notice.AppealDecided(a, p))
	return err
}

// SanctionPronounced tells the person sanctioned the sanction s, keyed by
// its SanctionPronounced event eventID. Call it in the transaction that
// records the sanction with its event: the message is written if and only
// if the sanction is.
func (n Notifier) SanctionPronounced(ctx context.Context, st notice.Store, eventID string, s sanction.Sanction) error {
	ns := notice.Sanction{ID: s.ID, Kind: notice.SanctionExclusion, NotifiedOn: s.NotifiedOn.String(),
		Reference: s.Reference, Motivation: s.Motivation, SessionID: s.SessionID}
	if s.Kind == sanction.KindBan {
		ns.Kind, ns.DurationMonths, ns.EndsOn = notice.SanctionBan, s.DurationMonths, s.EndsOn.String()
	}
	p, err := n.candidate(ctx, st, s.CandidateID)
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindSanction, s.SessionID, notice.CandidateKey(s.CandidateID), p,
		notice.SanctionPronounced(ns, p))
	return err
}
