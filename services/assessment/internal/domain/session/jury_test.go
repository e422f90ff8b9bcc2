package session_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func TestAddJuror(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *session.Session)
		juror    func(t *testing.T) jury.Juror
		wantErr  error
		wantKind apperr.Kind
		wantRule string
	}{
		{name: "R16: habilitated juror covering the session is assigned",
			juror: func(t *testing.T) jury.Juror { return juror(t, "j1") }},
		{name: "R16: habilitation ending mid-session is refused",
			juror: func(t *testing.T) jury.Juror {
				j := juror(t, "j1")
				j.Habilitation.ValidTo = mustDate(t, "2026-06-02")
				return j
			},
			wantErr: jury.ErrHabilitationNotCovering, wantKind: apperr.KindFailedPrecondition, wantRule: "R16"},
		{name: "R16: habilitation for another title is refused",
			juror: func(t *testing.T) jury.Juror {
				j := juror(t, "j1")
				j.Habilitation.TitleID = "TP-01234"
				return j
			},
			wantErr: jury.ErrHabilitationNotCovering, wantKind: apperr.KindFailedPrecondition, wantRule: "R16"},
		{name: "R21: a declared link with a registered candidate's training organisation is refused",
			setup: func(t *testing.T, s *session.Session) { register(t, s, "cy-1", "cand-1") },
			juror: func(t *testing.T) jury.Juror {
				return juror(t, "j1", jury.Link{Kind: jury.LinkTrainingOrganisation, Value: "afpa  LYON"})
			},
			wantErr: jury.ErrConflictOfInterest, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "R21: a declared link with a named registered candidate is refused",
			setup: func(t *testing.T, s *session.Session) { register(t, s, "cy-1", "cand-1") },
			juror: func(t *testing.T) jury.Juror {
				return juror(t, "j1", jury.Link{Kind: jury.LinkCandidate, Value: "cand-1"})
			},
			wantErr: jury.ErrConflictOfInterest, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "the same juror with other details is refused",
			setup: func(t *testing.T, s *session.Session) { addJuror(t, s, juror(t, "j1")) },
			juror: func(t *testing.T) jury.Juror {
				j := juror(t, "j1")
				j.DisplayName = "Someone else"
				return j
			},
			wantErr: session.ErrJurorAlreadyAssigned, wantKind: apperr.KindAlreadyExists},
		{name: "no assignment once the session is deliberated",
			setup: func(t *testing.T, s *session.Session) {
				addJuror(t, s, juror(t, "j2"))
				addJuror(t, s, juror(t, "j3"))
				register(t, s, "cy-1", "cand-1")
				if err := s.Open("", now); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Deliberate("cy-1", "j2", deliberationAbsent(), tsgeri(), now); err != nil {
					t.Fatal(err)
				}
			},
			juror:   func(t *testing.T) jury.Juror { return juror(t, "j1") },
			wantErr: session.ErrNotPlanned, wantKind: apperr.KindFailedPrecondition},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, draft())
			if tt.setup != nil {
				tt.setup(t, s)
			}
			s.PullEvents()
			before := s.Version()
			j := tt.juror(t)
			_, err := s.AddJuror(j, now)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				if s.Version() != before || len(s.PullEvents()) != 0 {
					t.Fatal("a refused assignment changed the session")
				}
				return
			}
			if err != nil {
				t.Fatalf("AddJuror() = %v", err)
			}
			ev := s.PullEvents()
			if a, ok := ev[0].(session.JurorAssigned); len(ev) != 1 || !ok || a.Juror.Subject != j.Subject {
				t.Fatalf("events = %#v; want JurorAssigned", ev)
			}
			if !s.HasJuror(j.Subject) || s.Summary().JurorCount != 1 {
				t.Fatal("juror not on the jury")
			}
		})
	}
}

func TestAddJurorAgainIsANoOp(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	s.PullEvents()
	version := s.Version()
	again := juror(t, "j1")
	again.AssignedAt = now.Add(3600e9)
	got, err := s.AddJuror(again, now)
	if err != nil || !got.AssignedAt.Equal(now) {
		t.Fatalf("AddJuror(same) = %+v, %v; want the stored juror", got, err)
	}
	if len(s.PullEvents()) != 0 || s.Version() != version {
		t.Fatal("adding the same juror again changed the session")
	}
}

func TestRemoveJuror(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	s.PullEvents()
	if err := s.RemoveJuror("j9", "", now); !errors.Is(err, session.ErrJurorNotFound) {
		t.Fatalf("RemoveJuror(unknown) = %v", err)
	}
	if err := s.RemoveJuror("j1", "", now); err != nil {
		t.Fatalf("RemoveJuror() = %v", err)
	}
	ev := s.PullEvents()
	if u, ok := ev[0].(session.JurorUnassigned); len(ev) != 1 || !ok || u.Subject != "j1" {
		t.Fatalf("events = %#v; want JurorUnassigned", ev)
	}
	if s.HasJuror("j1") {
		t.Fatal("juror still on the jury")
	}
	o := opened(t)
	if err := o.RemoveJuror("j1", "", now); apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("RemoveJuror() after opening without a reason = %v; want INVALID_ARGUMENT", err)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		jurors   []string
		register bool
		etag     string
		wantErr  error
		wantRule string
	}{
		{"R19: a jury of two opens", []string{"j1", "j2"}, true, "", nil, ""},
		{"R19: a jury of one cannot open", []string{"j1"}, true, "", session.ErrJuryTooSmall, "R19"},
		{"R19: no jury cannot open", nil, true, "", session.ErrJuryTooSmall, "R19"},
		{"no candidacy cannot open", []string{"j1", "j2"}, false, "", session.ErrNoCandidacy, ""},
		{"stale etag", []string{"j1", "j2"}, true, "1", session.ErrVersionConflict, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, draft())
			for _, j := range tt.jurors {
				addJuror(t, s, juror(t, j))
			}
			if tt.register {
				register(t, s, "cy-1", "cand-1")
			}
			err := s.Open(tt.etag, now)
			if tt.wantErr == nil {
				if err != nil || s.State() != session.StateInProgress {
					t.Fatalf("Open() = %v, state %s", err, s.State())
				}
				if err := s.Open("", now); !errors.Is(err, session.ErrNotPlanned) {
					t.Fatalf("second Open() = %v; want SESSION_NOT_PLANNED", err)
				}
				return
			}
			kind := apperr.KindFailedPrecondition
			if tt.wantErr == session.ErrVersionConflict {
				kind = apperr.KindAborted
			}
			requireRule(t, err, tt.wantErr, kind, tt.wantRule)
			if s.State() != session.StatePlanned {
				t.Fatal("refused Open() changed the state")
			}
		})
	}
}
