package session_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// closedTwo returns a CLOSED session titre with jurors j1, j2 and two
// candidacies cy-1, cy-2, every CCP obtained, signed by both jurors.
func closedTwo(t *testing.T) *session.Session {
	t.Helper()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	for _, id := range []string{"cy-1", "cy-2"} {
		register(t, s, id, "cand-"+id[3:])
		attach(t, s, id)
	}
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"cy-1", "cy-2"} {
		evaluate(t, s, id, "j1")
		evaluate(t, s, id, "j2")
		if _, err := s.Deliberate(id, "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatal(err)
		}
	}
	signAll(t, s)
	s.PullEvents()
	return s
}

func signAll(t *testing.T, s *session.Session) minutes.Minutes {
	t.Helper()
	var m minutes.Minutes
	for _, j := range []string{"j1", "j2"} {
		var err error
		if m, err = s.Sign(j, mustMinutes(t, s).Hash, hasher{}, now); err != nil {
			t.Fatalf("Sign(%s) = %v", j, err)
		}
	}
	return m
}

func returnOf(t *testing.T, s *session.Session, ids ...string) minutes.Return {
	t.Helper()
	return minutes.Return{Version: s.MinutesVersion(), ContentHash: mustMinutes(t, s).Hash,
		Reason: "CCP2 : motivation absente", CandidacyIDs: ids, By: "dreets-1", At: now}
}

func TestR51ReturnReopensTheCitedCandidacies(t *testing.T) {
	t.Parallel()
	s := closedTwo(t)
	v1 := mustMinutes(t, s)
	ok, err := s.Reopen(returnOf(t, s, "cy-2"), hasher{}, now)
	if err != nil || !ok {
		t.Fatalf("Reopen() = %v, %v", ok, err)
	}
	if s.State() != session.StateInProgress || s.MinutesVersion() != 2 {
		t.Fatalf("state %s, version %d; want IN_PROGRESS, 2", s.State(), s.MinutesVersion())
	}
	if cy1, _ := s.Candidacy("cy-1"); !cy1.Deliberated() {
		t.Fatal("R51: the decision on a candidacy not returned was undone")
	}
	if cy2, _ := s.Candidacy("cy-2"); cy2.Deliberated() {
		t.Fatal("R51: the returned candidacy is still deliberated")
	}
	if _, err := s.Minutes(hasher{}); !errors.Is(err, session.ErrNotDeliberated) {
		t.Fatalf("minutes before the re-deliberation: %v", err)
	}
	// The jury may score the returned candidacy again, then deliberates it.
	evaluate(t, s, "cy-2", "j1")
	if _, err := s.Deliberate("cy-2", "j2", partial(), tsgeri(), now); err != nil {
		t.Fatalf("re-deliberation = %v", err)
	}
	v2 := mustMinutes(t, s)
	if v2.Encoding != minutes.EncodingV3 || v2.Content.Version != 2 || v2.Content.PreviousHash != v1.Hash {
		t.Fatalf("v2 = encoding %s, version %d, previous %q; want %s, 2, %q",
			v2.Encoding, v2.Content.Version, v2.Content.PreviousHash, minutes.EncodingV3, v1.Hash)
	}
	if v2.Hash == v1.Hash || len(v2.Signatures) != 0 || len(v2.Unsigned) != 2 {
		t.Fatalf("R51: v2 must have a new hash and no signature: %+v", v2)
	}
	m := signAll(t, s)
	if s.State() != session.StateClosed || m.Content.Version != 2 {
		t.Fatalf("state %s after every juror signed v2", s.State())
	}
	evs := s.PullEvents()
	if len(evs) != 1 {
		t.Fatalf("events = %v", evs)
	}
	if ms, ok := evs[0].(session.MinutesSigned); !ok || ms.Minutes.Content.Version != 2 || ms.Minutes.Hash != v2.Hash {
		t.Fatalf("event = %+v", evs[0])
	}
}

func TestR51SameDecisionsNewVersionNewHash(t *testing.T) {
	t.Parallel()
	s := closedTwo(t)
	v1 := mustMinutes(t, s)
	if _, err := s.Reopen(returnOf(t, s, "cy-1"), hasher{}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
		t.Fatal(err)
	}
	if v2 := mustMinutes(t, s); v2.Hash == v1.Hash {
		t.Fatal("R51: the same decisions in a new version must not share the hash of the version returned")
	}
}

func TestR51Reopen(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		session  func(t *testing.T) *session.Session
		ret      func(t *testing.T, s *session.Session) minutes.Return
		wantOK   bool
		wantErr  error
		wantRule string
	}{
		{name: "R51: a return of the signed minutes reopens the session",
			session: closedTwo, ret: func(t *testing.T, s *session.Session) minutes.Return { return returnOf(t, s, "cy-1") },
			wantOK: true},
		{name: "R51: a return already applied changes nothing",
			session: func(t *testing.T) *session.Session {
				s := closedTwo(t)
				if _, err := s.Reopen(returnOf(t, s, "cy-1"), hasher{}, now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			ret: func(*testing.T, *session.Session) minutes.Return {
				return minutes.Return{Version: 1, ContentHash: "x", Reason: "r", CandidacyIDs: []string{"cy-1"}}
			}},
		{name: "R51: a return of other minutes is refused",
			session: closedTwo,
			ret: func(t *testing.T, s *session.Session) minutes.Return {
				r := returnOf(t, s, "cy-1")
				r.ContentHash = "0000"
				return r
			},
			wantErr: minutes.ErrReturnMismatch, wantRule: "R51"},
		{name: "R51: unsigned minutes cannot be returned",
			session: deliberated,
			ret:     func(t *testing.T, s *session.Session) minutes.Return { return returnOf(t, s, "cy-1") },
			wantErr: minutes.ErrReturnMismatch, wantRule: "R51"},
		{name: "R51: a return cites at least one candidacy",
			session: closedTwo, ret: func(t *testing.T, s *session.Session) minutes.Return { return returnOf(t, s) },
			wantRule: "R51"},
		{name: "R51: a return has a reason",
			session: closedTwo,
			ret: func(t *testing.T, s *session.Session) minutes.Return {
				r := returnOf(t, s, "cy-1")
				r.Reason = "  "
				return r
			},
			wantRule: "R51"},
		{name: "R51: a return cites candidacies of the session",
			session: closedTwo, ret: func(t *testing.T, s *session.Session) minutes.Return { return returnOf(t, s, "cy-9") },
			wantErr: session.ErrCandidacyNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			ok, err := s.Reopen(tt.ret(t, s), hasher{}, now)
			if tt.wantErr == nil && tt.wantRule == "" {
				if err != nil || ok != tt.wantOK {
					t.Fatalf("Reopen() = %v, %v; want %v", ok, err, tt.wantOK)
				}
				return
			}
			if err == nil {
				t.Fatal("Reopen() accepted")
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("Reopen() = %v; want %v", err, tt.wantErr)
			}
			var ae *apperr.Error
			if tt.wantRule != "" && (!errors.As(err, &ae) || ae.Rule != tt.wantRule) {
				t.Fatalf("Reopen() = %v; want rule %s", err, tt.wantRule)
			}
		})
	}
}

func TestR51DecisionsNotReturnedStand(t *testing.T) {
	t.Parallel()
	s := closedTwo(t)
	if _, err := s.Reopen(returnOf(t, s, "cy-2"), hasher{}, now); err != nil {
		t.Fatal(err)
	}
	_, err := s.Deliberate("cy-1", "j1", partial(), tsgeri(), now)
	var ae *apperr.Error
	if !errors.Is(err, minutes.ErrDecisionStands) || !errors.As(err, &ae) || ae.Rule != "R51" {
		t.Fatalf("R51: deliberating a candidacy not returned = %v; want MINUTES_DECISION_STANDS", err)
	}
	if _, err := s.Evaluation("cy-1", "j1"); err != nil {
		t.Fatal(err)
	}
}

func TestR51SnapshotKeepsTheVersion(t *testing.T) {
	t.Parallel()
	s := closedTwo(t)
	if _, err := s.Reopen(returnOf(t, s, "cy-2"), hasher{}, now); err != nil {
		t.Fatal(err)
	}
	back, err := session.UnmarshalFromDatabase(s.Snapshot())
	if err != nil {
		t.Fatal(err)
	}
	if back.MinutesVersion() != 2 || back.Reopened() == nil || !back.Reopened().Cites("cy-2") {
		t.Fatalf("rehydrated: version %d, reopened %+v", back.MinutesVersion(), back.Reopened())
	}
	if _, err := back.Deliberate("cy-1", "j1", partial(), tsgeri(), now); !errors.Is(err, minutes.ErrDecisionStands) {
		t.Fatalf("R51 after a reload: %v", err)
	}
}
