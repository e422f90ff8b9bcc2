package protoconv

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// DraftFromProto reads a session to create; output-only fields are
// ignored.
func DraftFromProto(s *assessmentv1.Session) session.Draft {
	return session.Draft{
		Type:            SessionTypeFromProto(s.GetType()),
		TitleID:         s.GetTitleId(),
		TitleVersion:    s.GetTitleVersion(),
		CCPCodes:        s.GetCcpCodes(),
		Site:            s.GetSite(),
		StartDate:       s.GetStartDate(),
		EndDate:         s.GetEndDate(),
		DossierDeadline: s.GetDossierDeadline(),
	}
}

// JurorFromProto reads a juror to assign.
func JurorFromProto(j *assessmentv1.Juror) jury.Input {
	in := jury.Input{
		Subject:      j.GetSubject(),
		DisplayName:  j.GetDisplayName(),
		HabNumber:    j.GetHabilitation().GetNumber(),
		HabTitleID:   j.GetHabilitation().GetTitleId(),
		HabValidFrom: j.GetHabilitation().GetValidFrom(),
		HabValidTo:   j.GetHabilitation().GetValidTo(),
	}
	in.Links = LinksFromProto(j.GetDeclaredLinks())
	return in
}

// LinksFromProto reads declared links.
func LinksFromProto(links []*assessmentv1.DeclaredLink) []jury.Link {
	var out []jury.Link
	for _, l := range links {
		out = append(out, jury.Link{Kind: LinkKindFromProto(l.GetKind()), Value: l.GetValue()})
	}
	return out
}

// RegistrationFromProto reads a candidacy to create.
func RegistrationFromProto(c *assessmentv1.Candidacy) candidacy.Registration {
	return candidacy.Registration{CandidateID: c.GetCandidateId(), Scope: c.GetCcpCodes(), Employer: c.GetEmployer()}
}

// ItemsFromProto reads evaluation items.
func ItemsFromProto(items []*assessmentv1.EvaluationItem) []evaluation.Item {
	out := make([]evaluation.Item, 0, len(items))
	for _, it := range items {
		out = append(out, evaluation.Item{
			CompetenceCode: it.GetCompetenceCode(),
			Epreuve:        EpreuveFromProto(it.GetEpreuve()),
			Verdict:        VerdictFromProto(it.GetVerdict()),
			Observation:    it.GetObservation(),
		})
	}
	return out
}

// DecisionFromProto reads a deliberation.
func DecisionFromProto(req *assessmentv1.DeliberateCandidacyRequest) deliberation.Input {
	in := deliberation.Input{Absent: req.GetAbsent()}
	for _, d := range req.GetCcpDecisions() {
		in.Decisions = append(in.Decisions, deliberation.Decision{
			CCPCode: d.GetCcpCode(), Outcome: CCPOutcomeFromProto(d.GetOutcome()), Motivation: d.GetMotivation(),
		})
	}
	return in
}
