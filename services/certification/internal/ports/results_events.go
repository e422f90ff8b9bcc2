package ports

import (
	"context"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// HandleResults is the eventbus.Handler of MinutesSigned: each session's
// signed minutes become a result awaiting the ministry's validation.
// Nothing is awarded here (R51). The same minutes delivered again are acknowledged and ignored; the inbox
// catches a redelivery of the same event, the repository a re-publication
// under another event id.
func (c *Consumers) HandleResults(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	r, err := c.decodeResults(msg)
	if err != nil {
		return err
	}
	created, err := c.commands.RecordResult.Handle(ctx, c.repos(tx).Results, r)
	if err != nil {
		return err
	}
	if !created {
		c.log.InfoContext(ctx, "signed minutes already recorded", "event_id", msg.ID, "session_id", r.SessionID)
	}
	return nil
}

// decodeResults reads a MinutesSigned.
func (c *Consumers) decodeResults(msg eventbus.Message) (result.SessionResult, error) {
	var ev assessmentv1.MinutesSigned
	if err := eventbus.Decode(msg, &ev); err != nil {
		return result.SessionResult{}, err
	}
	r := result.SessionResult{
		SessionID:    ev.GetSessionId(),
		CentreID:     ev.GetCentreId(),
		Type:         sessionType(ev.GetType()),
		TitleCode:    ev.GetTitleId(),
		TitleVersion: ev.GetTitleVersion(),
		JuryDate:     ev.GetJuryDate(),
		MinutesHash:  ev.GetContentHash(),
		ReceivedAt:   c.now(),
		Version:      max(int(ev.GetMinutesVersion()), 1),
		PreviousHash: ev.GetPreviousContentHash(),
	}
	switch {
	case ev.GetOccurTime().IsValid():
		r.SignedAt = ev.GetOccurTime().AsTime()
	case !msg.Time.IsZero():
		r.SignedAt = msg.Time
	}
	for _, l := range ev.GetLines() {
		line := result.Line{
			CandidacyID:         l.GetCandidacyId(),
			CandidateID:         l.GetCandidateId(),
			TitleOutcome:        titleOutcome(l.GetTitleOutcome()),
			DossierManifestHash: l.GetDossierManifestHash(),
		}
		for _, d := range l.GetCcpDecisions() {
			line.Decisions = append(line.Decisions, result.CcpDecision{
				CcpCode: d.GetCcpCode(), Outcome: ccpOutcome(d.GetOutcome()), Motivation: d.GetMotivation(),
			})
		}
		r.Lines = append(r.Lines, line)
	}
	for _, s := range ev.GetSignatures() {
		sig := result.Signature{JurorSubject: s.GetJurorSubject(), JurorName: s.GetJurorName(), ContentHash: s.GetContentHash()}
		if s.GetSignTime().IsValid() {
			sig.SignedAt = s.GetSignTime().AsTime()
		}
		r.Signatures = append(r.Signatures, sig)
	}
	return r, nil
}

func sessionType(t assessmentv1.SessionType) result.SessionType {
	switch t {
	case assessmentv1.SessionType_SESSION_TYPE_TITRE:
		return result.SessionTitre
	case assessmentv1.SessionType_SESSION_TYPE_CCP:
		return result.SessionCcp
	default:
		return "" // refused by CheckReceived
	}
}

func ccpOutcome(o assessmentv1.CcpOutcome) result.CcpOutcome {
	switch o {
	case assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED:
		return result.Obtained
	case assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED:
		return result.NotObtained
	default:
		// Undecided is never obtained: it awards nothing.
		return ""
	}
}

func titleOutcome(o assessmentv1.TitleOutcome) result.TitleOutcome {
	switch o {
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return result.TitleAwarded
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return result.TitlePartial
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_FAILED:
		return result.TitleFailed
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return result.TitleAbsent
	default:
		return ""
	}
}
