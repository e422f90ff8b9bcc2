package protoconv

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ts returns t as a timestamp, nil for the zero time.
func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// SessionToProto returns the session resource.
func SessionToProto(s session.Summary) *assessmentv1.Session {
	return &assessmentv1.Session{
		Id:              s.ID,
		Type:            SessionTypeToProto(s.Type),
		TitleId:         s.TitleID,
		TitleVersion:    s.TitleVersion,
		CcpCodes:        s.CCPs,
		CentreId:        s.CentreID,
		Site:            s.Site,
		StartDate:       s.Start.String(),
		EndDate:         s.End.String(),
		DossierDeadline: s.Deadline.String(),
		State:           StateToProto(s.State),
		JurorCount:      int32(s.JurorCount),
		CandidacyCount:  int32(s.CandidacyCount),
		CreateTime:      ts(s.CreatedAt),
		UpdateTime:      ts(s.UpdatedAt),
		Etag:            s.Etag(),
	}
}

// JurorToProto returns the juror resource.
func JurorToProto(j jury.Juror) *assessmentv1.Juror {
	out := &assessmentv1.Juror{
		Subject:     j.Subject,
		DisplayName: j.DisplayName,
		Habilitation: &assessmentv1.Habilitation{
			Number:    j.Habilitation.Number,
			TitleId:   j.Habilitation.TitleID,
			ValidFrom: j.Habilitation.ValidFrom.String(),
			ValidTo:   j.Habilitation.ValidTo.String(),
		},
		AssignTime:       ts(j.AssignedAt),
		DeclaredLinks:    LinksToProto(j.Links),
		LinksDeclareTime: ts(j.LinksDeclaredAt),
	}
	return out
}

// LinksToProto returns a juror's declared links.
func LinksToProto(links []jury.Link) []*assessmentv1.DeclaredLink {
	var out []*assessmentv1.DeclaredLink
	for _, l := range links {
		out = append(out, &assessmentv1.DeclaredLink{Kind: LinkKindToProto(l.Kind), Value: l.Value})
	}
	return out
}

// CandidacyToProto returns the candidacy resource.
func CandidacyToProto(c candidacy.Candidacy) *assessmentv1.Candidacy {
	out := &assessmentv1.Candidacy{
		Id:            c.ID,
		SessionId:     c.SessionID,
		CandidateId:   c.CandidateID,
		CcpCodes:      c.Scope,
		Employer:      c.Employer,
		CandidateName: c.CandidateName,
		CreateTime:    ts(c.CreatedAt),
		UpdateTime:    ts(c.UpdatedAt),
		Etag:          c.Etag(),
	}
	if c.Released() {
		out.ReleaseTime = ts(c.ReleasedAt)
	}
	if d := c.Dossier; d != nil {
		out.DossierSnapshotId, out.DossierManifestHash, out.DossierSubmitTime = d.SnapshotID, d.ManifestHash, ts(d.SubmittedAt)
	}
	if d := c.Deliberation; d != nil {
		out.Deliberation = &assessmentv1.Deliberation{
			Absent:         d.Absent,
			CcpDecisions:   decisionsToProto(d.Decisions),
			TitleOutcome:   TitleOutcomeToProto(d.Outcome),
			DeliberatedBy:  d.By,
			DeliberateTime: ts(d.At),
		}
	}
	recordToProto(c, out)
	return out
}

func decisionsToProto(ds []deliberation.Decision) []*assessmentv1.CcpDecision {
	var out []*assessmentv1.CcpDecision
	for _, d := range ds {
		out = append(out, &assessmentv1.CcpDecision{CcpCode: d.CCPCode, Outcome: CCPOutcomeToProto(d.Outcome), Motivation: d.Motivation})
	}
	return out
}

// EvaluationToProto returns the evaluation resource of session sessionID.
func EvaluationToProto(sessionID string, r evaluation.Report) *assessmentv1.Evaluation {
	out := &assessmentv1.Evaluation{
		SessionId:          sessionID,
		CandidacyId:        r.CandidacyID,
		JurorSubject:       r.JurorSubject,
		Complete:           len(r.Missing) == 0,
		MissingCompetences: r.Missing,
		UpdateTime:         ts(r.UpdatedAt),
		Etag:               r.Etag(),
	}
	for _, it := range r.Items {
		out.Items = append(out.Items, &assessmentv1.EvaluationItem{
			CompetenceCode: it.CompetenceCode,
			Epreuve:        EpreuveToProto(it.Epreuve),
			Verdict:        VerdictToProto(it.Verdict),
			Observation:    it.Observation,
		})
	}
	return out
}

// MinutesToProto returns the minutes resource of a session in state.
func MinutesToProto(state session.State, m minutes.Minutes) *assessmentv1.Minutes {
	content := ContentToProto(m.Content)
	return &assessmentv1.Minutes{
		SessionId:       content.SessionId,
		SessionState:    StateToProto(state),
		JuryDate:        content.JuryDate,
		Lines:           content.Lines,
		ContentHash:     m.Hash,
		Signatures:      signaturesToProto(m.Signatures),
		UnsignedJurors:  m.Unsigned,
		ContentEncoding: string(m.Encoding),
		CentreId:        content.CentreId,
		Type:            content.Type,
		TitleId:         content.TitleId,
		TitleVersion:    content.TitleVersion,
		Jurors:          content.Jurors,
		// R51: the version, and the version it replaces.
		MinutesVersion:      int32(max(m.Content.Version, 1)),
		PreviousContentHash: m.Content.PreviousHash,
		FraudReports:        content.FraudReports, // R57
	}
}

func linesToProto(lines []minutes.Line) []*assessmentv1.MinutesLine {
	var out []*assessmentv1.MinutesLine
	for _, l := range lines {
		out = append(out, &assessmentv1.MinutesLine{
			CandidacyId:         l.CandidacyID,
			CandidateId:         l.CandidateID,
			CcpDecisions:        decisionsToProto(l.Decisions),
			TitleOutcome:        TitleOutcomeToProto(l.Outcome),
			DossierManifestHash: l.DossierManifestHash,
		})
	}
	return out
}

func signaturesToProto(sigs []minutes.Signature) []*assessmentv1.MinutesSignature {
	var out []*assessmentv1.MinutesSignature
	for _, s := range sigs {
		out = append(out, &assessmentv1.MinutesSignature{
			JurorSubject: s.JurorSubject, JurorName: s.JurorName, SignTime: ts(s.SignedAt), ContentHash: s.ContentHash,
		})
	}
	return out
}
