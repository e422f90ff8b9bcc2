package session_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var now = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

func tsgeri() title.Title {
	return title.Title{
		ID: "TP-00495", Version: "2008",
		CCPs: []title.CCP{
			{Code: "CCP1", Competences: []string{"CCP1-C1", "CCP1-C2"}},
			{Code: "CCP2", Competences: []string{"CCP2-C1"}},
			{Code: "CCP3", Competences: []string{"CCP3-C1"}},
		},
		Epreuves: []title.Epreuve{
			{Kind: title.MiseEnSituation, SessionTypes: []title.SessionType{title.SessionTitre, title.SessionCCP}},
			{Kind: title.EntretienFinal, SessionTypes: []title.SessionType{title.SessionTitre}},
		},
	}
}

func draft() session.Draft {
	return session.Draft{Type: title.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		Site: "AFPA Lyon Vénissieux", StartDate: "2026-06-01", EndDate: "2026-06-03", DossierDeadline: "2026-05-25"}
}

// hasher is a stand-in for the protobuf encoding: deterministic, and
// different for different contents.
type hasher struct{}

func (hasher) Hash(enc minutes.Encoding, c minutes.Content) (string, error) {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s %+v", enc, c))
	return hex.EncodeToString(sum[:]), nil
}

func newSession(t *testing.T, d session.Draft) *session.Session {
	t.Helper()
	s, err := session.New("s-1", "CENTRE-69", d, tsgeri(), session.RequestKey{}, now)
	if err != nil {
		t.Fatalf("New() = %v", err)
	}
	return s
}

func juror(t *testing.T, subject string, links ...jury.Link) jury.Juror {
	t.Helper()
	j, err := jury.New(jury.Input{Subject: subject, DisplayName: "Juror " + subject, HabNumber: "HAB-" + subject,
		HabTitleID: "TP-00495", HabValidFrom: "2025-01-01", HabValidTo: "2027-12-31", Links: links}, now)
	if err != nil {
		t.Fatalf("jury.New() = %v", err)
	}
	return j
}

func person(id string) candidate.Candidate {
	return candidate.Candidate{ID: id, Subject: "sub-" + id, BirthName: "Martin", GivenNames: []string{"Alice"},
		AccessRoute: candidate.RouteTraining, TrainingOrganisation: "AFPA Lyon", Version: 1}
}

func addJuror(t *testing.T, s *session.Session, j jury.Juror) {
	t.Helper()
	if _, err := s.AddJuror(j, now); err != nil {
		t.Fatalf("AddJuror(%s) = %v", j.Subject, err)
	}
}

func register(t *testing.T, s *session.Session, id, candidateID string) candidacy.Candidacy {
	t.Helper()
	c, err := s.Register(id, candidacy.Registration{CandidateID: candidateID}, person(candidateID), tsgeri(), session.RequestKey{}, now)
	if err != nil {
		t.Fatalf("Register(%s) = %v", candidateID, err)
	}
	return c
}

func attach(t *testing.T, s *session.Session, candidacyID string) {
	t.Helper()
	ok, err := s.AttachDossier(session.Submission{CandidacyID: candidacyID,
		Dossier: candidacy.Dossier{SnapshotID: "snap-" + candidacyID, ManifestHash: "hash-" + candidacyID, SubmittedAt: now}}, now)
	if err != nil || !ok {
		t.Fatalf("AttachDossier(%s) = %v, %v", candidacyID, ok, err)
	}
	recordECF(t, s, candidacyID)
}

// recordECF records an ECF result obtained for every CCP of the
// candidacy's scope (R30), as the centre does for a training-route
// candidate before the deliberation.
func recordECF(t *testing.T, s *session.Session, candidacyID string) {
	t.Helper()
	c, err := s.Candidacy(candidacyID)
	if err != nil {
		t.Fatal(err)
	}
	var results []candidacy.ECFResult
	for _, code := range c.Scope {
		results = append(results, candidacy.ECFResult{CCPCode: code, Obtained: true, AssessedOn: mustDate(t, "2026-04-15")})
	}
	if _, err := s.RecordECF(candidacyID, results, "centre", now); err != nil {
		t.Fatalf("RecordECF(%s) = %v", candidacyID, err)
	}
}

// fullEvaluation marks every competence of the session titre MASTERED at
// the MSP, and the last one at the entretien final too (R43).
func fullEvaluation() []evaluation.Item {
	var items []evaluation.Item
	for _, c := range tsgeri().Competences([]string{"CCP1", "CCP2", "CCP3"}) {
		items = append(items, evaluation.Item{CompetenceCode: c, Epreuve: title.MiseEnSituation, Verdict: evaluation.Mastered})
	}
	return append(items, evaluation.Item{CompetenceCode: "CCP3-C1", Epreuve: title.EntretienFinal, Verdict: evaluation.Mastered})
}

func evaluate(t *testing.T, s *session.Session, candidacyID, jurorSubject string) {
	t.Helper()
	e, err := s.Evaluation(candidacyID, jurorSubject)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordEvaluation(candidacyID, jurorSubject, e.Etag(), fullEvaluation(), tsgeri(), now); err != nil {
		t.Fatalf("RecordEvaluation(%s, %s) = %v", candidacyID, jurorSubject, err)
	}
}

func allObtained() deliberation.Input {
	return deliberation.Input{Decisions: []deliberation.Decision{
		{CCPCode: "CCP1", Outcome: deliberation.Obtained},
		{CCPCode: "CCP2", Outcome: deliberation.Obtained},
		{CCPCode: "CCP3", Outcome: deliberation.Obtained},
	}}
}

// opened returns an IN_PROGRESS session titre with jurors j1 and j2 and
// candidacy cy-1 (candidate cand-1, dossier attached, not evaluated).
func opened(t *testing.T) *session.Session {
	t.Helper()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	attach(t, s, "cy-1")
	if err := s.Open("", now); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	s.PullEvents()
	return s
}

// deliberated returns a DELIBERATED session from opened, every CCP of
// cy-1 obtained.
func deliberated(t *testing.T) *session.Session {
	t.Helper()
	s := opened(t)
	evaluate(t, s, "cy-1", "j1")
	evaluate(t, s, "cy-1", "j2")
	if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
		t.Fatalf("Deliberate() = %v", err)
	}
	return s
}

func mustMinutes(t *testing.T, s *session.Session) minutes.Minutes {
	t.Helper()
	m, err := s.Minutes(hasher{})
	if err != nil {
		t.Fatalf("Minutes() = %v", err)
	}
	return m
}

func mustDate(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func linkTo(org string) jury.Link { return jury.Link{Kind: jury.LinkTrainingOrganisation, Value: org} }

// closed returns a CLOSED session from deliberated: both jurors signed.
func closed(t *testing.T) *session.Session {
	t.Helper()
	s := deliberated(t)
	for _, j := range []string{"j1", "j2"} {
		if _, err := s.Sign(j, mustMinutes(t, s).Hash, hasher{}, now); err != nil {
			t.Fatalf("Sign(%s) = %v", j, err)
		}
	}
	return s
}
