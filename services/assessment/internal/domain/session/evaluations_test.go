package session_test

import (
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func TestRecordEvaluation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		session  func(t *testing.T) *session.Session
		juror    string
		etag     string
		items    []evaluation.Item
		wantErr  error
		wantKind apperr.Kind
		wantRule string
	}{
		{name: "an assigned juror evaluates while the session is in progress",
			session: opened, juror: "j1", items: fullEvaluation()},
		{name: "a juror not assigned is refused",
			session: opened, juror: "j9", items: fullEvaluation(),
			wantErr: session.ErrJurorNotAssigned, wantKind: apperr.KindPermissionDenied},
		{name: "R21: a juror with a link to the candidate is refused",
			session: recusedJ1,
			juror:   "j1", items: fullEvaluation(),
			wantErr: session.ErrJurorRecused, wantKind: apperr.KindPermissionDenied, wantRule: "R21"},
		{name: "not before the session opens",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1"))
				register(t, s, "cy-1", "cand-1")
				return s
			},
			juror: "j1", items: fullEvaluation(),
			wantErr: session.ErrNotInProgress, wantKind: apperr.KindFailedPrecondition},
		{name: "R50: not once the minutes are signed and the session closed",
			session: closed, juror: "j1", etag: "1", items: fullEvaluation(),
			wantErr: session.ErrClosed, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
		{name: "not once every candidacy is deliberated",
			session: deliberated, juror: "j1", etag: "1", items: fullEvaluation(),
			wantErr: session.ErrNotInProgress, wantKind: apperr.KindFailedPrecondition},
		{name: "a stale etag is refused",
			session: func(t *testing.T) *session.Session {
				s := opened(t)
				evaluate(t, s, "cy-1", "j1")
				return s
			},
			juror: "j1", etag: "0", items: fullEvaluation(),
			wantErr: evaluation.ErrVersionConflict, wantKind: apperr.KindAborted},
		{name: "R43: no entretien final item in a session CCP",
			session: func(t *testing.T) *session.Session {
				d := draft()
				d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP2"}
				s := newSession(t, d)
				addJuror(t, s, juror(t, "j1"))
				addJuror(t, s, juror(t, "j2"))
				register(t, s, "cy-1", "cand-1")
				if err := s.Open("", now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			juror: "j1", items: []evaluation.Item{{CompetenceCode: "CCP2-C1", Epreuve: title.EntretienFinal, Verdict: evaluation.Mastered}},
			wantErr: apperr.Invalid(), wantKind: apperr.KindInvalidArgument, wantRule: "R43"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			before := s.Snapshot()
			e, err := s.RecordEvaluation("cy-1", tt.juror, tt.etag, tt.items, tsgeri(), now)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				if !snapshotsEqual(before, s.Snapshot()) {
					t.Fatal("a refused evaluation changed the session")
				}
				return
			}
			if err != nil {
				t.Fatalf("RecordEvaluation() = %v", err)
			}
			if e.Etag() != "1" || len(e.Items) != len(tt.items) {
				t.Fatalf("RecordEvaluation() = %+v", e)
			}
			got, _ := s.Evaluation("cy-1", tt.juror)
			if got.Version != 1 || !got.Complete(s.Frame(tsgeri(), mustCandidacy(t, s, "cy-1"))) {
				t.Fatalf("stored evaluation = %+v", got)
			}
			if s.Version() != before.Version || len(s.PullEvents()) != 0 {
				t.Fatal("an evaluation has its own version: the session's must not move (ADR 0006)")
			}
		})
	}
}

func TestEvaluationLockedOnceTheCandidacyIsDeliberated(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	register(t, s, "cy-2", "cand-2")
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliberate("cy-1", "j1", deliberation.Input{Absent: true}, tsgeri(), now); err != nil {
		t.Fatal(err)
	}
	if s.State() != session.StateInProgress {
		t.Fatalf("state = %s; want IN_PROGRESS while cy-2 is not deliberated", s.State())
	}
	_, err := s.RecordEvaluation("cy-1", "j1", "", fullEvaluation(), tsgeri(), now)
	requireRule(t, err, session.ErrEvaluationLocked, apperr.KindFailedPrecondition, "")
	if _, err := s.RecordEvaluation("cy-2", "j1", "", fullEvaluation(), tsgeri(), now); err != nil {
		t.Fatalf("evaluating the other candidacy = %v", err)
	}
}

// recusedJ1 returns an IN_PROGRESS session where juror j1 declared a link
// with the training organisation cand-1 moved to after registration, and
// j2, j3 are free.
func recusedJ1(t *testing.T) *session.Session {
	t.Helper()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkTrainingOrganisation, Value: "GRETA"}))
	addJuror(t, s, juror(t, "j2"))
	addJuror(t, s, juror(t, "j3"))
	register(t, s, "cy-1", "cand-1")
	attach(t, s, "cy-1")
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	p := person("cand-1")
	p.TrainingOrganisation = "GRETA"
	if !s.RefreshCandidate(p, now) {
		t.Fatal("RefreshCandidate changed nothing")
	}
	return s
}

func mustCandidacy(t *testing.T, s *session.Session, id string) candidacy.Candidacy {
	t.Helper()
	c, err := s.Candidacy(id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
