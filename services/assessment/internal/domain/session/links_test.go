package session_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// threeJurors returns an IN_PROGRESS session titre with jurors j1, j2 and
// j3 and candidacy cy-1 (candidate cand-1, trained at AFPA Lyon, dossier
// attached, not evaluated).
func threeJurors(t *testing.T) *session.Session { return threeJurorsWith(t, "cand-1") }

// threeJurorsWith is threeJurors with one candidacy per candidate: cy-1
// for the first, cy-2 for the second… every candidate trained at AFPA Lyon.
func threeJurorsWith(t *testing.T, candidates ...string) *session.Session {
	t.Helper()
	s := newSession(t, draft())
	for _, j := range []string{"j1", "j2", "j3"} {
		addJuror(t, s, juror(t, j))
	}
	for i, c := range candidates {
		id := "cy-" + string(rune('1'+i))
		register(t, s, id, c)
		attach(t, s, id)
	}
	if err := s.Open("", now); err != nil {
		t.Fatalf("Open() = %v", err)
	}
	s.PullEvents()
	return s
}

func TestDeclareLinks(t *testing.T) {
	t.Parallel()
	later := now.Add(time.Hour)
	tests := []struct {
		name     string
		session  func(t *testing.T) *session.Session
		setup    func(t *testing.T, s *session.Session)
		juror    string
		links    []jury.Link
		wantErr  error
		wantKind apperr.Kind
		wantRule string
		// The candidacies whose recused jurors change, and j1's state on cy-1 after.
		wantRecusals map[string][]string
		check        func(t *testing.T, s *session.Session)
	}{
		{name: "R21: a declared link recuses the juror from that candidacy",
			session: threeJurors, juror: "j1", links: []jury.Link{linkTo(" afpa LYON ")},
			wantRecusals: map[string][]string{"cy-1": {"j1"}},
			check: func(t *testing.T, s *session.Session) {
				if !s.Conflicted("j1", "cy-1") {
					t.Error("j1 is not recused from cy-1")
				}
				if _, err := s.RecordEvaluation("cy-1", "j1", "", fullEvaluation(), tsgeri(), later); !errors.Is(err, session.ErrJurorRecused) {
					t.Errorf("RecordEvaluation by the recused juror = %v; want ErrJurorRecused", err)
				}
				if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), later); !errors.Is(err, session.ErrJurorRecused) {
					t.Errorf("Deliberate by the recused juror = %v; want ErrJurorRecused", err)
				}
			}},
		{name: "R21: a link declared while planned recuses from a registered candidacy",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1"))
				register(t, s, "cy-1", "cand-1")
				s.PullEvents()
				return s
			},
			juror: "j1", links: []jury.Link{{Kind: jury.LinkCandidate, Value: "cand-1"}},
			wantRecusals: map[string][]string{"cy-1": {"j1"}}},
		{name: "R21: a link after evaluation voids the evaluation's count; the deliberation needs the two other jurors",
			session: threeJurors,
			setup: func(t *testing.T, s *session.Session) {
				evaluate(t, s, "cy-1", "j1")
				evaluate(t, s, "cy-1", "j2")
			},
			juror: "j1", links: []jury.Link{linkTo("AFPA Lyon")},
			wantRecusals: map[string][]string{"cy-1": {"j1"}},
			check: func(t *testing.T, s *session.Session) {
				// j1's evaluation is kept but counts no more: j3's is required (R49).
				if e, _ := s.Evaluation("cy-1", "j1"); len(e.Items) == 0 {
					t.Error("the recused juror's evaluation was deleted")
				}
				p, err := s.Progress("cy-1", tsgeri())
				if err != nil {
					t.Fatal(err)
				}
				if p.Jurors[0].State != session.JurorRecused || p.Jurors[0].Assessed != 0 {
					t.Errorf("progress of j1 = %+v; want RECUSED with nothing counted", p.Jurors[0])
				}
				if _, err := s.Deliberate("cy-1", "j2", allObtained(), tsgeri(), later); !errors.Is(err, session.ErrEvaluationMissing) {
					t.Fatalf("Deliberate without j3's evaluation = %v; want ErrEvaluationMissing (R49)", err)
				}
				evaluate(t, s, "cy-1", "j3")
				if _, err := s.Deliberate("cy-1", "j2", allObtained(), tsgeri(), later); err != nil {
					t.Fatalf("Deliberate by the two free jurors = %v", err)
				}
			}},
		{name: "R19: a link that leaves one free juror blocks the deliberation",
			session: opened,
			setup: func(t *testing.T, s *session.Session) {
				evaluate(t, s, "cy-1", "j1")
				evaluate(t, s, "cy-1", "j2")
			},
			juror: "j2", links: []jury.Link{linkTo("AFPA Lyon")},
			wantRecusals: map[string][]string{"cy-1": {"j2"}},
			check: func(t *testing.T, s *session.Session) {
				_, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), later)
				requireRule(t, err, session.ErrJuryTooSmall, apperr.KindFailedPrecondition, "R19")
			}},
		{name: "R21: the declaration replaces the centre's links: a link withdrawn lifts the recusal",
			session: func(t *testing.T) *session.Session {
				s := newSession(t, draft())
				addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkEmployer, Value: "Carrefour"}))
				register(t, s, "cy-1", "cand-1")
				if _, err := s.DeclareLinks("j1", []jury.Link{linkTo("AFPA Lyon")}, now); err != nil {
					t.Fatal(err)
				}
				s.PullEvents()
				return s
			},
			juror: "j1", links: []jury.Link{{Kind: jury.LinkEmployer, Value: "Carrefour"}},
			wantRecusals: map[string][]string{"cy-1": nil},
			check: func(t *testing.T, s *session.Session) {
				if s.Conflicted("j1", "cy-1") {
					t.Error("j1 is still recused")
				}
			}},
		{name: "R21: nothing is declared once every candidacy is deliberated",
			session: deliberated, juror: "j1", links: []jury.Link{linkTo("AFPA Lyon")},
			wantErr: session.ErrLinksLocked, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "R21: after a deliberation, a link concerning that candidacy is refused while others are pending",
			session: func(t *testing.T) *session.Session { return threeJurorsWith(t, "cand-1", "cand-2") },
			setup: func(t *testing.T, s *session.Session) {
				for _, j := range []string{"j1", "j2", "j3"} {
					evaluate(t, s, "cy-1", j)
				}
				if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
					t.Fatal(err)
				}
			},
			juror: "j1", links: []jury.Link{linkTo("AFPA Lyon")},
			wantErr: session.ErrLinkAfterDeliberation, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "R21: after a deliberation, a link concerning only a pending candidacy is accepted",
			session: func(t *testing.T) *session.Session { return threeJurorsWith(t, "cand-1", "cand-2") },
			setup: func(t *testing.T, s *session.Session) {
				for _, j := range []string{"j1", "j2", "j3"} {
					evaluate(t, s, "cy-1", j)
				}
				if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
					t.Fatal(err)
				}
			},
			juror: "j1", links: []jury.Link{{Kind: jury.LinkCandidate, Value: "cand-2"}},
			wantRecusals: map[string][]string{"cy-2": {"j1"}}},
		{name: "R21: after the ministry returns the minutes, a link with a cited candidate recuses before the new deliberation",
			session: func(t *testing.T) *session.Session {
				s := closedTwo(t)
				if _, err := s.Reopen(returnOf(t, s, "cy-2"), hasher{}, now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			juror: "j1", links: []jury.Link{{Kind: jury.LinkCandidate, Value: "cand-2"}},
			wantRecusals: map[string][]string{"cy-2": {"j1"}},
			check: func(t *testing.T, s *session.Session) {
				// Two jurors: with j1 recused, the jury cannot deliberate again (R19).
				_, err := s.Deliberate("cy-2", "j2", allObtained(), tsgeri(), later)
				requireRule(t, err, session.ErrJuryTooSmall, apperr.KindFailedPrecondition, "R19")
			}},
		{name: "R21: after the ministry returns the minutes, a link with a candidate whose decision stands is refused",
			session: func(t *testing.T) *session.Session {
				s := closedTwo(t)
				if _, err := s.Reopen(returnOf(t, s, "cy-2"), hasher{}, now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			juror: "j1", links: []jury.Link{{Kind: jury.LinkCandidate, Value: "cand-1"}},
			wantErr: session.ErrLinkAfterDeliberation, wantKind: apperr.KindFailedPrecondition, wantRule: "R21"},
		{name: "a juror not on the jury declares nothing",
			session: threeJurors, juror: "j9", links: nil,
			wantErr: session.ErrJurorNotFound, wantKind: apperr.KindNotFound},
		{name: "links are bounded and checked",
			session: threeJurors, juror: "j1", links: []jury.Link{{Kind: "FRIEND", Value: ""}},
			wantErr: apperr.Invalid(), wantKind: apperr.KindInvalidArgument},
		{name: "R50: nothing is declared once the minutes are signed",
			session: closed, juror: "j1", links: nil,
			wantErr: session.ErrClosed, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			s.PullEvents()
			version := s.Version()
			j, err := s.DeclareLinks(tt.juror, tt.links, later)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				if s.Version() != version || len(s.PullEvents()) != 0 {
					t.Error("a refused declaration changed the session")
				}
				return
			}
			if err != nil {
				t.Fatalf("DeclareLinks() = %v", err)
			}
			if !j.LinksDeclaredAt.Equal(later) || len(j.Links) != len(tt.links) {
				t.Errorf("juror = %+v; want the declared links, declared at %v", j, later)
			}
			events := s.PullEvents()
			declared, ok := events[0].(session.JurorLinksDeclared)
			if !ok || declared.Subject != tt.juror || declared.SessionID != s.ID() || !declared.At.Equal(later) || len(declared.Links) != len(tt.links) {
				t.Fatalf("first event = %#v; want JurorLinksDeclared", events[0])
			}
			got := map[string][]string{}
			for _, e := range events[1:] {
				r, ok := e.(session.CandidacyRecusalsChanged)
				if !ok {
					t.Fatalf("event %#v; want CandidacyRecusalsChanged", e)
				}
				got[r.CandidacyID] = r.Jurors
			}
			if len(got) != len(tt.wantRecusals) {
				t.Errorf("recusals changed = %v; want %v", got, tt.wantRecusals)
			}
			for id, want := range tt.wantRecusals {
				if g, ok := got[id]; !ok || !slices.Equal(g, want) {
					t.Errorf("recusals of %s = %v; want %v", id, g, want)
				}
			}
			if tt.check != nil {
				tt.check(t, s)
			}
		})
	}
}

func TestDeclareLinksAgainIsANoOp(t *testing.T) {
	t.Parallel()
	s := threeJurors(t)
	links := []jury.Link{linkTo("AFPA Lyon")}
	if _, err := s.DeclareLinks("j1", links, now); err != nil {
		t.Fatal(err)
	}
	s.PullEvents()
	version := s.Version()
	j, err := s.DeclareLinks("j1", links, now.Add(time.Hour))
	if err != nil || !j.LinksDeclaredAt.Equal(now) {
		t.Fatalf("DeclareLinks again = %+v, %v; want the first declaration", j, err)
	}
	if s.Version() != version || len(s.PullEvents()) != 0 {
		t.Error("declaring the same links again changed the session")
	}
}

func TestAddJurorAgainKeepsTheJurorsDeclaration(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1", jury.Link{Kind: jury.LinkEmployer, Value: "Carrefour"}))
	if _, err := s.DeclareLinks("j1", []jury.Link{linkTo("GRETA Lyon")}, now); err != nil {
		t.Fatal(err)
	}
	got, err := s.AddJuror(juror(t, "j1", jury.Link{Kind: jury.LinkEmployer, Value: "Carrefour"}), now)
	if err != nil {
		t.Fatalf("AddJuror again = %v", err)
	}
	if len(got.Links) != 1 || got.Links[0] != linkTo("GRETA Lyon") {
		t.Errorf("AddJuror again = %+v; want the juror's own declaration", got.Links)
	}
}
