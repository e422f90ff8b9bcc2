package protoconv

import (
	"time"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// TitleFromProto reads the structure of a published title version.
func TitleFromProto(t *certificationv1.Title) title.Title {
	out := title.Title{ID: t.GetId(), Version: t.GetVersion(), Validity: title.Validity{
		From: optionalDate(t.GetValidFrom()), To: optionalDate(t.GetValidTo()), ProlongationEnd: optionalDate(t.GetProlongationEnd()),
	}}
	for _, c := range t.GetCcps() {
		ccp := title.CCP{Code: c.GetCode()}
		for _, comp := range c.GetCompetences() {
			ccp.Competences = append(ccp.Competences, comp.GetCode())
		}
		out.CCPs = append(out.CCPs, ccp)
	}
	for _, e := range t.GetEpreuves() {
		ep := title.Epreuve{Kind: EpreuveFromProto(e.GetKind()), Minutes: int(e.GetDurationMinutes())}
		for _, st := range e.GetSessionTypes() {
			ep.SessionTypes = append(ep.SessionTypes, sessionTypeOfTitle(st))
		}
		out.Epreuves = append(out.Epreuves, ep)
	}
	return out
}

// CandidateFromProto reads a candidate as a candidate event carries it, at
// the record version the event names.
func CandidateFromProto(c *candidatev1.Candidate, version int64) candidate.Candidate {
	return candidate.Candidate{
		ID:                   c.GetId(),
		Subject:              c.GetSubject(),
		BirthName:            c.GetBirthName(),
		UsageName:            c.GetUsageName(),
		GivenNames:           c.GetGivenNames(),
		AccessRoute:          accessRouteFromProto(c.GetAccessRoute()),
		TrainingOrganisation: c.GetTraining().GetOrganisation(),
		TrainingTitleID:      c.GetTraining().GetTitleId(),
		TrainingCCPs:         c.GetTraining().GetCcpCodes(),
		TrainingStart:        c.GetTraining().GetStartDate(),
		VAEDecisionDate:      c.GetVaeAdmissibility().GetDecisionDate(),
		CentreID:             c.GetCentreId(),
		Version:              version,
	}
}

// SubmissionFromProto reads a DossierSubmitted event: the session it is
// for and the submission. fallback is the submission time when the event
// carries no occur_time.
func SubmissionFromProto(ev *portfoliov1.DossierSubmitted, fallback time.Time) (string, session.Submission) {
	at := fallback
	if o := ev.GetOccurTime(); o != nil && o.IsValid() {
		at = ev.GetOccurTime().AsTime()
	}
	return ev.GetSessionId(), session.Submission{
		CandidacyID: ev.GetCandidacyId(),
		CandidateID: ev.GetCandidateId(),
		Dossier:     candidacy.Dossier{SnapshotID: ev.GetSnapshotId(), ManifestHash: ev.GetManifestHash(), SubmittedAt: at},
	}
}

// optionalDate reads a "YYYY-MM-DD" date of an event; empty or malformed is
// the zero date ("not known").
func optionalDate(s string) civildate.Date {
	d, err := civildate.Parse(s)
	if err != nil {
		return civildate.Date{}
	}
	return d
}

// BanFromProto reads the ban of a SanctionPronounced (R58): from the
// notification day to its end (exclusive). A ban whose dates do not parse
// can never apply.
func BanFromProto(s *candidatev1.Sanction) (candidate.Ban, error) {
	from, errFrom := civildate.Parse(s.GetNotifiedOn())
	until, errUntil := civildate.Parse(s.GetEndsOn())
	if errFrom != nil || errUntil != nil {
		return candidate.Ban{}, candidate.ErrInvalid.WithMessage("a ban event whose dates are not YYYY-MM-DD").
			WithMeta("sanction", s.GetSanctionId())
	}
	return candidate.Ban{SanctionID: s.GetSanctionId(), CandidateID: s.GetCandidateId(), From: from, Until: until}, nil
}
