package session_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func partial() deliberation.Input {
	return deliberation.Input{Decisions: []deliberation.Decision{
		{CCPCode: "CCP1", Outcome: deliberation.Obtained},
		{CCPCode: "CCP2", Outcome: deliberation.Obtained},
		{CCPCode: "CCP3", Outcome: deliberation.NotObtained, Motivation: "budgets not mastered"},
	}}
}

func TestDeliberate(t *testing.T) {
	t.Parallel()
	bothEvaluated := func(t *testing.T) *session.Session {
		s := opened(t)
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		return s
	}
	tests := []struct {
		name        string
		session     func(t *testing.T) *session.Session
		by          string
		in          deliberation.Input
		wantErr     error
		wantKind    apperr.Kind
		wantRule    string
		wantOutcome deliberation.TitleOutcome
		wantMeta    map[string]string
	}{
		{name: "R48: every CCP obtained in a session titre awards the title",
			session: bothEvaluated, by: "j1", in: allObtained(), wantOutcome: deliberation.Awarded},
		{name: "R48: a CCP not obtained, motivated: partial success",
			session: bothEvaluated, by: "j2", in: partial(), wantOutcome: deliberation.Partial},
		{name: "R48: a CCP not obtained without motivation is refused",
			session: bothEvaluated, by: "j1",
			in: deliberation.Input{Decisions: []deliberation.Decision{
				{CCPCode: "CCP1", Outcome: deliberation.Obtained}, {CCPCode: "CCP2", Outcome: deliberation.Obtained},
				{CCPCode: "CCP3", Outcome: deliberation.NotObtained}}},
			wantErr: apperr.Invalid(), wantKind: apperr.KindInvalidArgument, wantRule: "R48"},
		{name: "R49: a juror's missing evaluation blocks the deliberation",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				evaluate(t, s, "cy-1", "j1")
				return s
			},
			by: "j1", in: allObtained(),
			wantErr: session.ErrEvaluationMissing, wantKind: apperr.KindFailedPrecondition, wantRule: "R49",
			wantMeta: map[string]string{"juror": "j2", "candidacy": "cy-1"}},
		{name: "R49: an incomplete evaluation blocks the deliberation",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				evaluate(t, s, "cy-1", "j2")
				items := fullEvaluation()[1:]
				if _, err := s.RecordEvaluation("cy-1", "j1", "", items, tsgeri(), now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			by: "j2", in: allObtained(),
			wantErr: session.ErrEvaluationMissing, wantKind: apperr.KindFailedPrecondition, wantRule: "R49",
			wantMeta: map[string]string{"juror": "j1", "missing_competences": "1"}},
		{name: "R49: a note without verdict does not complete an evaluation",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				evaluate(t, s, "cy-1", "j2")
				items := fullEvaluation()
				items[0].Verdict = ""
				if _, err := s.RecordEvaluation("cy-1", "j1", "", items, tsgeri(), now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			by: "j2", in: allObtained(),
			wantErr: session.ErrEvaluationMissing, wantKind: apperr.KindFailedPrecondition, wantRule: "R49"},
		{name: "R34: no deliberation without the dossier",
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
			by: "j1", in: allObtained(),
			wantErr: session.ErrDossierMissing, wantKind: apperr.KindFailedPrecondition, wantRule: "R34"},
		{name: "an absent candidate needs neither dossier nor evaluation",
			session: opened, by: "j1", in: deliberation.Input{Absent: true}, wantOutcome: deliberation.Absent},
		{name: "a juror not assigned is refused",
			session: bothEvaluated, by: "j9", in: allObtained(),
			wantErr: session.ErrJurorNotAssigned, wantKind: apperr.KindPermissionDenied},
		{name: "R21: a juror with a link to the candidate may not deliberate",
			session: recusedJ1, by: "j1", in: allObtained(),
			wantErr: session.ErrJurorRecused, wantKind: apperr.KindPermissionDenied, wantRule: "R21"},
		{name: "R49: the evaluations of the jurors free of links are the ones required",
			session: func(t *testing.T) *session.Session {
				s := recusedJ1(t)
				evaluate(t, s, "cy-1", "j2")
				evaluate(t, s, "cy-1", "j3")
				return s
			},
			by: "j2", in: allObtained(), wantOutcome: deliberation.Awarded},
		{name: "R19: fewer than two jurors free of links cannot deliberate",
			session: func(t *testing.T) *session.Session { return withRecusal(t, opened(t)) },
			by:      "j2", in: allObtained(),
			wantErr: session.ErrJuryTooSmall, wantKind: apperr.KindFailedPrecondition, wantRule: "R19"},
		{name: "not before the session opens",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1"))
				register(t, s, "cy-1", "cand-1")
				return s
			},
			by: "j1", in: deliberation.Input{Absent: true},
			wantErr: session.ErrNotInProgress, wantKind: apperr.KindFailedPrecondition},
		{name: "R50: no change once a juror signed the minutes",
			session: func(t *testing.T) *session.Session {
				s := deliberated(t)
				if _, err := s.Sign("j1", mustMinutes(t, s).Hash, hasher{}, now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			by: "j2", in: partial(),
			wantErr: session.ErrSigningStarted, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
		{name: "R50: nothing once the session is closed",
			session: closed, by: "j2", in: partial(),
			wantErr: session.ErrClosed, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			before := s.Snapshot()
			c, err := s.Deliberate("cy-1", tt.by, tt.in, tsgeri(), now)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				var ae *apperr.Error
				errors.As(err, &ae)
				for k, v := range tt.wantMeta {
					if ae.Meta[k] != v {
						t.Errorf("meta %s = %q; want %q", k, ae.Meta[k], v)
					}
				}
				if !snapshotsEqual(before, s.Snapshot()) {
					t.Fatal("a refused deliberation changed the session")
				}
				return
			}
			if err != nil {
				t.Fatalf("Deliberate() = %v", err)
			}
			if c.Deliberation == nil || c.Deliberation.Outcome != tt.wantOutcome || c.Deliberation.By != tt.by {
				t.Fatalf("deliberation = %+v; want outcome %s", c.Deliberation, tt.wantOutcome)
			}
			if s.State() != session.StateDeliberated {
				t.Fatalf("state = %s; want DELIBERATED once every candidacy is deliberated", s.State())
			}
		})
	}
}

// withRecusal returns s with a third juror j3 and cand-1 moved to the
// training organisation both j1 and j3 declared: only j2 stays free.
func withRecusal(t *testing.T, s *session.Session) *session.Session {
	t.Helper()
	snap := s.Snapshot()
	snap.Jurors[0].Links = append(snap.Jurors[0].Links, linkTo("ORG-X"))
	j3 := juror(t, "j3", linkTo("ORG-X"))
	snap.Jurors = append(snap.Jurors, j3)
	snap.Candidacies[0].TrainingOrganisation = "ORG-X"
	back, err := session.UnmarshalFromDatabase(snap)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestRedeliberationUntilTheFirstSignature(t *testing.T) {
	t.Parallel()
	s := deliberated(t)
	first := mustMinutes(t, s)
	c, err := s.Deliberate("cy-1", "j2", partial(), tsgeri(), now)
	if err != nil || c.Deliberation.Outcome != deliberation.Partial {
		t.Fatalf("re-deliberation = %+v, %v", c.Deliberation, err)
	}
	if s.State() != session.StateDeliberated {
		t.Fatalf("state = %s", s.State())
	}
	if mustMinutes(t, s).Hash == first.Hash {
		t.Fatal("R50: the minutes hash did not change with the decisions")
	}
}

func TestDeliberationInSessionCCP(t *testing.T) {
	t.Parallel()
	d := draft()
	d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP3"}
	s := newSession(t, d)
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	attach(t, s, "cy-1")
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	items := []evaluation.Item{{CompetenceCode: "CCP3-C1", Epreuve: title.MiseEnSituation, Verdict: evaluation.Mastered}}
	for _, j := range []string{"j1", "j2"} {
		if _, err := s.RecordEvaluation("cy-1", j, "", items, tsgeri(), now); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.Deliberate("cy-1", "j1", deliberation.Input{Decisions: []deliberation.Decision{{CCPCode: "CCP3", Outcome: deliberation.Obtained}}}, tsgeri(), now)
	if err != nil || c.Deliberation.Outcome != deliberation.Partial {
		t.Fatalf("R48: session CCP, scope obtained = %+v, %v; want PARTIAL", c.Deliberation, err)
	}
}
