package session_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	vae := func(decided string) candidate.Candidate {
		p := person("cand-1")
		p.AccessRoute, p.TrainingOrganisation, p.VAEDecisionDate = candidate.RouteVAE, "", decided
		return p
	}
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *session.Session)
		reg      candidacy.Registration
		person   candidate.Candidate
		wantErr  error
		wantKind apperr.Kind
		wantRule string
	}{
		{name: "training-route candidate is registered for the whole title",
			reg: candidacy.Registration{CandidateID: "cand-1"}, person: person("cand-1")},
		{name: "R25: VAE admissibility notified less than a year before the session",
			reg: candidacy.Registration{CandidateID: "cand-1"}, person: vae("2025-09-01")},
		{name: "R25: VAE admissibility older than one year is refused",
			reg: candidacy.Registration{CandidateID: "cand-1"}, person: vae("2025-05-31"),
			wantErr: candidate.ErrVAEAdmissibilityExpired, wantKind: apperr.KindFailedPrecondition, wantRule: "R25"},
		{name: "R21: a candidate trained where an assigned juror declared a link is refused",
			setup: func(t *testing.T, s *session.Session) {
				addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkTrainingOrganisation, Value: "AFPA Lyon"}))
			},
			reg: candidacy.Registration{CandidateID: "cand-1"}, person: person("cand-1"),
			wantErr: jury.ErrConflictOfInterest, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "R21: an employer declared on the candidacy matching a juror's link is refused",
			setup: func(t *testing.T, s *session.Session) {
				addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkEmployer, Value: "ACME"}))
			},
			reg: candidacy.Registration{CandidateID: "cand-1", Employer: "acme"}, person: person("cand-1"),
			wantErr: jury.ErrConflictOfInterest, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "the same candidate twice is refused",
			setup: func(t *testing.T, s *session.Session) { register(t, s, "cy-0", "cand-1") },
			reg:   candidacy.Registration{CandidateID: "cand-1"}, person: person("cand-1"),
			wantErr: session.ErrCandidacyExists, wantKind: apperr.KindAlreadyExists},
		{name: "a partial scope in a session titre is refused",
			reg: candidacy.Registration{CandidateID: "cand-1", Scope: []string{"CCP1"}}, person: person("cand-1"),
			wantErr: apperr.Invalid(), wantKind: apperr.KindInvalidArgument},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, draft())
			if tt.setup != nil {
				tt.setup(t, s)
			}
			s.PullEvents()
			c, err := s.Register("cy-1", tt.reg, tt.person, tsgeri(), session.RequestKey{}, now)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				if len(s.PullEvents()) != 0 {
					t.Fatal("a refused registration recorded an event")
				}
				return
			}
			if err != nil {
				t.Fatalf("Register() = %v", err)
			}
			if !slices.Equal(c.Scope, []string{"CCP1", "CCP2", "CCP3"}) || c.CandidateName != "Martin Alice" || c.Etag() != "1" {
				t.Fatalf("Register() = %+v", c)
			}
			ev := s.PullEvents()
			if r, ok := ev[0].(session.CandidacyRegistered); len(ev) != 1 || !ok || r.Candidacy.ID != "cy-1" {
				t.Fatalf("events = %#v; want CandidacyRegistered", ev)
			}
		})
	}
}

func TestRegisterScopeInSessionCCP(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP2", "CCP3"}
	s := newSession(t, d)
	c, err := s.Register("cy-1", candidacy.Registration{CandidateID: "cand-1", Scope: []string{"CCP3"}}, person("cand-1"), tsgeri(), session.RequestKey{}, now)
	if err != nil || !slices.Equal(c.Scope, []string{"CCP3"}) {
		t.Fatalf("Register(CCP3) = %+v, %v", c, err)
	}
	c, err = s.Register("cy-2", candidacy.Registration{CandidateID: "cand-2"}, person("cand-2"), tsgeri(), session.RequestKey{}, now)
	if err != nil || !slices.Equal(c.Scope, []string{"CCP2", "CCP3"}) {
		t.Fatalf("Register(empty scope) = %+v, %v; want the session's CCPs", c, err)
	}
}

func TestRegisterIsIdempotent(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	key := session.RequestKey{CreatedBy: "centre-user", RequestID: "r-1", RequestHash: "h"}
	first, err := s.Register("cy-1", candidacy.Registration{CandidateID: "cand-1"}, person("cand-1"), tsgeri(), key, now)
	if err != nil {
		t.Fatal(err)
	}
	again, err := s.Register("cy-2", candidacy.Registration{CandidateID: "cand-1"}, person("cand-1"), tsgeri(), key, now)
	if err != nil || again.ID != first.ID {
		t.Fatalf("retry = %v, %v; want the first candidacy", again.ID, err)
	}
	key.RequestHash = "other"
	if _, err := s.Register("cy-3", candidacy.Registration{CandidateID: "cand-2"}, person("cand-2"), tsgeri(), key, now); !errors.Is(err, session.ErrRequestIDReused) {
		t.Fatalf("request id reuse = %v", err)
	}
	if len(s.Candidacies()) != 1 {
		t.Fatal("a retry registered twice")
	}
}

func TestAttachDossier(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	register(t, s, "cy-1", "cand-1")
	sub := session.Submission{CandidateID: "cand-1", Dossier: candidacy.Dossier{SnapshotID: "snap-1", ManifestHash: "h1", SubmittedAt: now}}
	if ok, err := s.AttachDossier(sub, now); !ok || err != nil {
		t.Fatalf("R34: AttachDossier(by candidate) = %v, %v", ok, err)
	}
	if ok, err := s.AttachDossier(sub, now); ok || err != nil {
		t.Fatalf("R34: the same submission again = %v, %v; want ignored", ok, err)
	}
	wrong := session.Submission{CandidacyID: "cy-1", CandidateID: "cand-9", Dossier: sub.Dossier}
	if _, err := s.AttachDossier(wrong, now); !errors.Is(err, session.ErrCandidacyNotFound) {
		t.Fatalf("submission of another candidate for cy-1 = %v; want CANDIDACY_NOT_FOUND", err)
	}
	later := session.Submission{CandidacyID: "cy-1", Dossier: candidacy.Dossier{SnapshotID: "snap-2", ManifestHash: "h2", SubmittedAt: now.Add(time.Hour)}}
	if ok, _ := s.AttachDossier(later, now); !ok {
		t.Fatal("R34: the latest submission does not win")
	}
	c, _ := s.Candidacy("cy-1")
	if c.Dossier.ManifestHash != "h2" {
		t.Fatalf("dossier = %+v", c.Dossier)
	}
}

func TestRefreshCandidateCanRecuseAJuror(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkTrainingOrganisation, Value: "GRETA Rhône"}))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	if s.Conflicted("j1", "cy-1") {
		t.Fatal("conflict before the change")
	}
	p := person("cand-1")
	p.TrainingOrganisation = "GRETA  rhône"
	if !s.RefreshCandidate(p, now) {
		t.Fatal("RefreshCandidate reported no change")
	}
	if !s.Conflicted("j1", "cy-1") {
		t.Fatal("R21: the new training organisation does not recuse the juror")
	}
	if s.RefreshCandidate(p, now) {
		t.Fatal("RefreshCandidate with the same facts reported a change")
	}
}

// TestR21RecusalsChangedIsRecorded: a change of the candidate that recuses
// a juror, or frees them again, records the candidacy's full list of
// recused jurors; a change that recuses nobody new records none.
func TestR21RecusalsChangedIsRecorded(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkTrainingOrganisation, Value: "GRETA Rhône"}))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	s.PullEvents()
	recusals := func() [][]string {
		var out [][]string
		for _, e := range s.PullEvents() {
			if r, ok := e.(session.CandidacyRecusalsChanged); ok {
				if r.SessionID != s.ID() || r.CandidacyID != "cy-1" || r.CandidateID != "cand-1" {
					t.Fatalf("event %+v names another candidacy", r)
				}
				out = append(out, r.Jurors)
			}
		}
		return out
	}
	p := person("cand-1")
	p.TrainingOrganisation = "GRETA  rhône"
	s.RefreshCandidate(p, now)
	if got := recusals(); len(got) != 1 || !slices.Equal(got[0], []string{"j1"}) {
		t.Fatalf("after the link appeared: %v; want [[j1]]", got)
	}
	p.BirthName = "Autre"
	s.RefreshCandidate(p, now)
	if got := recusals(); len(got) != 0 {
		t.Fatalf("after a change that recuses nobody new: %v; want none", got)
	}
	p.TrainingOrganisation = "AFPA"
	s.RefreshCandidate(p, now)
	if got := recusals(); len(got) != 1 || len(got[0]) != 0 {
		t.Fatalf("after the link went away: %v; want [[]]", got)
	}
}
