package session_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// jurorWant is what the tests expect of one juror: state, competences
// assessed of expected, grid cells scored of expected.
type jurorWant struct {
	subject               string
	state                 session.JurorState
	assessed, competences int
	scored, cells         int
}

// blockerWant is what the tests expect of one blocker.
type blockerWant struct {
	reason, rule string
	jurors       []string
}

func TestProgress(t *testing.T) {
	t.Parallel()
	// The session titre of the fixtures: 4 competences, 2 épreuves (MSP and
	// entretien final), a grid of 8 cells.
	notStarted := func(sub string) jurorWant { return jurorWant{sub, session.JurorNotStarted, 0, 4, 0, 8} }
	// A complete evaluation of the fixtures scores the four competences at
	// the MSP and the last one at the entretien final too (R43).
	complete := func(sub string) jurorWant { return jurorWant{sub, session.JurorComplete, 4, 4, 5, 8} }
	recused := func(sub string) jurorWant { return jurorWant{subject: sub, state: session.JurorRecused} }
	evaluationMissing := func(jurors ...string) blockerWant { return blockerWant{"EVALUATION_MISSING", "R49", jurors} }
	entretienFinalMissing := func(jurors ...string) blockerWant { return blockerWant{"ENTRETIEN_FINAL_MISSING", "R43", jurors} }
	ecfMissing := blockerWant{"ECF_MISSING", "R49", nil}
	tests := []struct {
		name         string
		session      func(t *testing.T) *session.Session
		wantDossier  bool
		wantJurors   []jurorWant
		wantBlockers []blockerWant
	}{
		{name: "R49: jurors who wrote nothing have not started, and the deliberation waits for both",
			session: opened, wantDossier: true,
			wantJurors:   []jurorWant{notStarted("j1"), notStarted("j2")},
			wantBlockers: []blockerWant{evaluationMissing("j1", "j2"), entretienFinalMissing("j1", "j2")}},
		{name: "R49: a competence without a verdict keeps an evaluation in progress",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				record(t, s, "j1", fullEvaluation()[1:])
				return s
			},
			wantDossier:  true,
			wantJurors:   []jurorWant{{"j1", session.JurorInProgress, 3, 4, 4, 8}, notStarted("j2")},
			wantBlockers: []blockerWant{evaluationMissing("j1", "j2"), entretienFinalMissing("j2")}},
		{name: "R49: a note without a verdict is a start, not a verdict",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				record(t, s, "j2", []evaluation.Item{{CompetenceCode: "CCP1-C1", Epreuve: title.MiseEnSituation, Observation: "à revoir"}})
				return s
			},
			wantDossier:  true,
			wantJurors:   []jurorWant{notStarted("j1"), {"j2", session.JurorInProgress, 0, 4, 0, 8}},
			wantBlockers: []blockerWant{evaluationMissing("j1", "j2"), entretienFinalMissing("j1", "j2")}},
		{name: "R49: a verdict per competence at one épreuve completes an evaluation; cells may stay empty",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				evaluate(t, s, "cy-1", "j1")
				items := fullEvaluation()
				items = append(items, evaluation.Item{CompetenceCode: "CCP1-C1", Epreuve: title.EntretienFinal, Verdict: evaluation.NotObserved})
				record(t, s, "j2", items)
				return s
			},
			wantDossier: true,
			wantJurors:  []jurorWant{complete("j1"), {"j2", session.JurorComplete, 4, 4, 6, 8}}},
		{name: "R34: without the dossier the jury cannot deliberate, even with every evaluation complete",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1"))
				addJuror(t, s, juror(t, "j2"))
				register(t, s, "cy-1", "cand-1")
				if err := s.Open("", now); err != nil {
					t.Fatal(err)
				}
				evaluate(t, s, "cy-1", "j1")
				evaluate(t, s, "cy-1", "j2")
				return s
			},
			wantJurors:   []jurorWant{complete("j1"), complete("j2")},
			wantBlockers: []blockerWant{{"DOSSIER_MISSING", "R34", nil}, ecfMissing}},
		{name: "R21: a recused juror is shown recused and not waited for",
			session: func(t *testing.T) *session.Session {
				s := recusedJ1(t)
				evaluate(t, s, "cy-1", "j2")
				return s
			},
			wantDossier:  true,
			wantJurors:   []jurorWant{recused("j1"), complete("j2"), notStarted("j3")},
			wantBlockers: []blockerWant{evaluationMissing("j3"), entretienFinalMissing("j3")}},
		{name: "R19: fewer than two jurors free of links: the jury is too small, whatever else",
			session:      func(t *testing.T) *session.Session { return withRecusal(t, opened(t)) },
			wantDossier:  true,
			wantJurors:   []jurorWant{recused("j1"), notStarted("j2"), recused("j3")},
			wantBlockers: []blockerWant{{"JURY_TOO_SMALL", "R19", nil}, evaluationMissing("j2"), entretienFinalMissing("j2")}},
		{name: "a planned session is not open to deliberation yet",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1"))
				addJuror(t, s, juror(t, "j2"))
				register(t, s, "cy-1", "cand-1")
				return s
			},
			wantJurors: []jurorWant{notStarted("j1"), notStarted("j2")},
			wantBlockers: []blockerWant{{"SESSION_NOT_IN_PROGRESS", "", nil}, {"DOSSIER_MISSING", "R34", nil},
				evaluationMissing("j1", "j2"), entretienFinalMissing("j1", "j2"), ecfMissing}},
		{name: "R48: a deliberated candidacy has nothing left to block",
			session: deliberated, wantDossier: true,
			wantJurors: []jurorWant{complete("j1"), complete("j2")}},
		{name: "R50: nor once the minutes are signed",
			session: closed, wantDossier: true,
			wantJurors: []jurorWant{complete("j1"), complete("j2")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			before := s.Snapshot()
			p, err := s.Progress("cy-1", tsgeri())
			if err != nil {
				t.Fatalf("Progress() = %v", err)
			}
			if !snapshotsEqual(before, s.Snapshot()) {
				t.Fatal("Progress changed the session")
			}
			if p.CandidacyID != "cy-1" || p.CandidateName != "Martin Alice" || p.Dossier != tt.wantDossier {
				t.Errorf("candidacy = %s %q dossier %v; want cy-1 \"Martin Alice\" dossier %v", p.CandidacyID, p.CandidateName, p.Dossier, tt.wantDossier)
			}
			var jurors []jurorWant
			for _, j := range p.Jurors {
				if j.DisplayName != "Juror "+j.Subject {
					t.Errorf("juror %s named %q", j.Subject, j.DisplayName)
				}
				jurors = append(jurors, jurorWant{j.Subject, j.State, j.Assessed, j.Competences, j.Scored, j.Cells})
			}
			if !slices.Equal(jurors, tt.wantJurors) {
				t.Errorf("jurors =\n %+v\nwant\n %+v", jurors, tt.wantJurors)
			}
			var blockers []blockerWant
			for _, b := range p.Blockers {
				blockers = append(blockers, blockerWant{b.Reason(), b.Rule(), b.Jurors})
			}
			if !slices.EqualFunc(blockers, tt.wantBlockers, func(a, b blockerWant) bool {
				return a.reason == b.reason && a.rule == b.rule && slices.Equal(a.jurors, b.jurors)
			}) {
				t.Errorf("blockers = %+v; want %+v", blockers, tt.wantBlockers)
			}
			if p.Deliberated != s.Snapshot().Candidacies[0].Deliberated() {
				t.Errorf("deliberated = %v", p.Deliberated)
			}

			// The board and the deliberation agree: a free juror's
			// deliberation is refused with the first blocker, or, with none,
			// accepted (a deliberated candidacy is decided again).
			by := ""
			for _, j := range p.Jurors {
				if j.State != session.JurorRecused && by == "" {
					by = j.Subject
				}
			}
			_, err = s.Deliberate("cy-1", by, allObtained(), tsgeri(), now)
			switch {
			case s.State() == session.StateClosed:
				if !errors.Is(err, session.ErrClosed) {
					t.Errorf("Deliberate() on a closed session = %v", err)
				}
			case len(p.Blockers) == 0 && err != nil:
				t.Errorf("no blocker, but Deliberate() = %v", err)
			case len(p.Blockers) > 0 && !errors.Is(err, p.Blockers[0].Err()):
				t.Errorf("Deliberate() = %v; want the first blocker, %v", err, p.Blockers[0].Err())
			}
		})
	}
}

// TestProgressAbsentCandidate: the candidate's absence waives the dossier
// (R34) and the evaluations (R49), not the jury's size (R19), as the
// deliberation does.
func TestProgressAbsentCandidate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		session func(t *testing.T) *session.Session
		wantErr error
	}{
		{"R34, R49: waived for an absent candidate", func(t *testing.T) *session.Session {
			s := newSession(t, draft())
			addJuror(t, s, juror(t, "j1"))
			addJuror(t, s, juror(t, "j2"))
			register(t, s, "cy-1", "cand-1")
			if err := s.Open("", now); err != nil {
				t.Fatal(err)
			}
			return s
		}, nil},
		{"R19: not waived", func(t *testing.T) *session.Session { return withRecusal(t, opened(t)) }, session.ErrJuryTooSmall},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			p, err := s.Progress("cy-1", tsgeri())
			if err != nil || len(p.Blockers) == 0 {
				t.Fatalf("Progress() = %+v, %v; want blockers", p, err)
			}
			by := "j1"
			if p.Jurors[0].State == session.JurorRecused {
				by = "j2"
			}
			_, err = s.Deliberate("cy-1", by, deliberation.Input{Absent: true}, tsgeri(), now)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("absent: Deliberate() = %v; want %v", err, tt.wantErr)
			}
		})
	}
}

func TestProgressUnknownCandidacy(t *testing.T) {
	t.Parallel()
	_, err := opened(t).Progress("cy-9", tsgeri())
	if !errors.Is(err, session.ErrCandidacyNotFound) || apperr.KindOf(err) != apperr.KindNotFound {
		t.Fatalf("Progress(cy-9) = %v; want CANDIDACY_NOT_FOUND", err)
	}
}

// TestProgressSessionCCP: a session CCP holds no entretien final (R43), so
// its grid has one column per épreuve it holds, here the MSP.
func TestProgressSessionCCP(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP1"}
	s := newSession(t, d)
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	attach(t, s, "cy-1")
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	record(t, s, "j1", []evaluation.Item{{CompetenceCode: "CCP1-C2", Epreuve: title.MiseEnSituation, Verdict: evaluation.NotMastered}})
	p, err := s.Progress("cy-1", tsgeri())
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Jurors[0]; got.State != session.JurorInProgress || got.Assessed != 1 || got.Competences != 2 || got.Scored != 1 || got.Cells != 2 {
		t.Fatalf("R43: j1 = %+v; want in progress, 1 of 2 competences, 1 of 2 cells", got)
	}
}

func record(t *testing.T, s *session.Session, jurorSubject string, items []evaluation.Item) {
	t.Helper()
	e, err := s.Evaluation("cy-1", jurorSubject)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RecordEvaluation("cy-1", jurorSubject, e.Etag(), items, tsgeri(), now); err != nil {
		t.Fatalf("RecordEvaluation(%s) = %v", jurorSubject, err)
	}
}
