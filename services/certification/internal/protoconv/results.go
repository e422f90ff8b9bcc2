package protoconv

import (
	"strings"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Result converts a session result.
func Result(r result.SessionResult) *certificationv1.SessionResult {
	out := &certificationv1.SessionResult{
		SessionId:    r.SessionID,
		CentreId:     r.CentreID,
		Type:         certificationv1.SessionType(certificationv1.SessionType_value["SESSION_TYPE_"+string(r.Type)]),
		TitleId:      r.TitleCode,
		TitleVersion: r.TitleVersion,
		JuryDate:     r.JuryDate,
		MinutesHash:  r.MinutesHash,
		State:        ResultState(r.State),
		ValidatedBy:  r.ValidatedBy,
		ValidateTime: timestamp(r.ValidatedAt),
		SignTime:     timestamp(r.SignedAt),
		ReceiveTime:  timestamp(r.ReceivedAt),

		MinutesVersion:          int32(max(r.Version, 1)),
		Return:                  resultReturn(r.Return),
		ValidatedMinutesVersion: int32(r.ValidatedVersion),
	}
	for _, v := range r.History {
		out.Versions = append(out.Versions, &certificationv1.ResultVersion{
			MinutesVersion: int32(v.Number), MinutesHash: v.Hash, State: ResultState(v.State),
			ReceiveTime: timestamp(v.ReceivedAt), ValidateTime: timestamp(v.ValidatedAt), Return: resultReturn(v.Return),
		})
	}
	for _, l := range r.Lines {
		out.Lines = append(out.Lines, &certificationv1.ResultLine{
			CandidacyId:         l.CandidacyID,
			CandidateId:         l.CandidateID,
			TitleOutcome:        titleOutcome(l.TitleOutcome),
			DossierManifestHash: l.DossierManifestHash,
			CcpResults:          ccpResults(l.Decisions),
		})
	}
	for _, s := range r.Signatures {
		out.Signatures = append(out.Signatures, &certificationv1.ResultSignature{
			JurorSubject: s.JurorSubject, JurorName: s.JurorName, SignTime: timestamp(s.SignedAt), ContentHash: s.ContentHash,
		})
	}
	return out
}

// RecordResults converts the validated results of a person's record:
// one RecordResult per line of the person.
func RecordResults(results []result.SessionResult) []*certificationv1.RecordResult {
	var out []*certificationv1.RecordResult
	for _, r := range results {
		for _, l := range r.Lines {
			out = append(out, &certificationv1.RecordResult{
				SessionId:    r.SessionID,
				Type:         certificationv1.SessionType(certificationv1.SessionType_value["SESSION_TYPE_"+string(r.Type)]),
				TitleId:      r.TitleCode,
				TitleVersion: r.TitleVersion,
				JuryDate:     r.JuryDate,
				CandidacyId:  l.CandidacyID,
				CcpResults:   ccpResults(l.Decisions),
				TitleOutcome: titleOutcome(l.TitleOutcome),
				ValidateTime: timestamp(r.ValidatedAt),
			})
		}
	}
	return out
}

func titleOutcome(o result.TitleOutcome) certificationv1.TitleOutcome {
	return certificationv1.TitleOutcome(certificationv1.TitleOutcome_value["TITLE_OUTCOME_"+string(o)])
}

func ccpResults(ds []result.CcpDecision) []*certificationv1.CcpResult {
	out := make([]*certificationv1.CcpResult, 0, len(ds))
	for _, d := range ds {
		out = append(out, &certificationv1.CcpResult{
			CcpCode:    d.CcpCode,
			Outcome:    certificationv1.CcpOutcome(certificationv1.CcpOutcome_value["CCP_OUTCOME_"+string(d.Outcome)]),
			Motivation: d.Motivation,
		})
	}
	return out
}

// ResultState converts a result state.
func ResultState(s result.State) certificationv1.ResultState {
	return certificationv1.ResultState(certificationv1.ResultState_value["RESULT_STATE_"+string(s)])
}

// ResultStateFromProto converts a result state filter; UNSPECIFIED (and
// any value without a domain counterpart) is "" (every state).
func ResultStateFromProto(s certificationv1.ResultState) result.State {
	if s == certificationv1.ResultState_RESULT_STATE_UNSPECIFIED {
		return ""
	}
	return result.State(strings.TrimPrefix(s.String(), "RESULT_STATE_"))
}

// HeldCcp converts a CCP of a certification record.
func HeldCcp(h award.HeldCcp) *certificationv1.HeldCcp {
	return &certificationv1.HeldCcp{
		TitleId: h.TitleCode, TitleVersion: h.TitleVersion, CcpCode: h.CcpCode, SessionId: h.SessionID, JuryDate: h.JuryDate,
	}
}

func resultReturn(r *result.Return) *certificationv1.ResultReturn {
	if r == nil {
		return nil
	}
	return &certificationv1.ResultReturn{Reason: r.Reason, CandidacyIds: r.CandidacyIDs, ReturnedBy: r.By,
		ReturnTime: timestamp(r.At), AfterValidation: r.AfterValidation}
}

// TitleProgress converts what a person lacks for a titre (R54).
func TitleProgress(p award.Progress) *certificationv1.TitleProgress {
	out := &certificationv1.TitleProgress{TitleId: p.TitleCode, TitleVersion: p.TitleVersion, HeldCcpCodes: p.Held,
		MissingCcpCodes: p.Missing, Advice: p.Advice()}
	for _, c := range p.Completing {
		out.CompletingSessionTypes = append(out.CompletingSessionTypes,
			certificationv1.SessionType(certificationv1.SessionType_value["SESSION_TYPE_"+c]))
	}
	return out
}
