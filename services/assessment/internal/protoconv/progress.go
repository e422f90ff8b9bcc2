package protoconv

import (
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ProgressToProto returns the progress of one candidacy. It has no field
// for a verdict or an observation: the domain type carries none.
func ProgressToProto(p session.CandidacyProgress) *assessmentv1.CandidacyProgress {
	out := &assessmentv1.CandidacyProgress{
		CandidacyId:     p.CandidacyID,
		CandidateName:   p.CandidateName,
		DossierAttached: p.Dossier,
		Deliberated:     p.Deliberated,
	}
	for _, j := range p.Jurors {
		out.Jurors = append(out.Jurors, &assessmentv1.JurorProgress{
			JurorSubject:        j.Subject,
			DisplayName:         j.DisplayName,
			State:               JurorStateToProto(j.State),
			CompetencesAssessed: int32(j.Assessed),
			CompetencesExpected: int32(j.Competences),
			ItemsScored:         int32(j.Scored),
			ItemsExpected:       int32(j.Cells),
		})
	}
	for _, b := range p.Blockers {
		out.Blockers = append(out.Blockers, &assessmentv1.DeliberationBlocker{
			Reason: b.Reason(), Rule: b.Rule(), JurorSubjects: b.Jurors, WaivedIfAbsent: b.WaivedIfAbsent(),
		})
	}
	return out
}
