package session_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

func TestMinutesContent(t *testing.T) {
	t.Parallel()
	if _, err := opened(t).Minutes(hasher{}); err == nil {
		t.Fatal("R50: minutes drawn up before the deliberation")
	}
	s := deliberated(t)
	m := mustMinutes(t, s)
	c := m.Content
	if c.SessionID != "s-1" || c.JuryDate != "2026-06-03" || c.TitleID != "TP-00495" || len(c.Lines) != 1 {
		t.Fatalf("content = %+v", c)
	}
	line := c.Lines[0]
	if line.CandidacyID != "cy-1" || line.CandidateID != "cand-1" || line.Outcome != deliberation.Awarded ||
		line.DossierManifestHash != "hash-cy-1" || len(line.Decisions) != 3 {
		t.Fatalf("line = %+v", line)
	}
	if len(c.Jurors) != 2 || c.Jurors[0].Subject != "j1" || c.Jurors[0].Name != "Juror j1" {
		t.Fatalf("jurors = %+v", c.Jurors)
	}
	if !slices.Equal(m.Unsigned, []string{"j1", "j2"}) || m.Hash == "" {
		t.Fatalf("minutes = %+v", m)
	}
}

func TestSign(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		session  func(t *testing.T) *session.Session
		juror    string
		hash     func(t *testing.T, s *session.Session) string
		wantErr  error
		wantKind apperr.Kind
		wantRule string
	}{
		{name: "R50: a juror signs the current content",
			session: deliberated, juror: "j1", hash: currentHash},
		{name: "R50: a signature bound to another content is refused",
			session: deliberated, juror: "j1", hash: func(*testing.T, *session.Session) string { return "0123" },
			wantErr: minutes.ErrChanged, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
		{name: "R50: a signature of minutes read before a re-deliberation is refused",
			session: deliberated, juror: "j1",
			hash: func(t *testing.T, s *session.Session) string {
				h := currentHash(t, s)
				if _, err := s.Deliberate("cy-1", "j2", partial(), tsgeri(), now); err != nil {
					t.Fatal(err)
				}
				return h
			},
			wantErr: minutes.ErrChanged, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
		{name: "R50: a juror signs once",
			session: func(t *testing.T) *session.Session {
				s := deliberated(t)
				if _, err := s.Sign("j1", currentHash(t, s), hasher{}, now); err != nil {
					t.Fatal(err)
				}
				return s
			},
			juror: "j1", hash: currentHash, wantErr: minutes.ErrAlreadySigned, wantKind: apperr.KindAlreadyExists},
		{name: "a juror not assigned is refused",
			session: deliberated, juror: "j9", hash: currentHash,
			wantErr: session.ErrJurorNotAssigned, wantKind: apperr.KindPermissionDenied},
		{name: "R50: no minutes to sign before every candidacy is deliberated",
			session: opened, juror: "j1", hash: func(*testing.T, *session.Session) string { return "x" },
			wantErr: session.ErrNotDeliberated, wantKind: apperr.KindFailedPrecondition, wantRule: "R50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.session(t)
			hash := tt.hash(t, s)
			s.PullEvents()
			before := s.Snapshot()
			m, err := s.Sign(tt.juror, hash, hasher{}, now)
			if tt.wantErr != nil {
				requireRule(t, err, tt.wantErr, tt.wantKind, tt.wantRule)
				if !snapshotsEqual(before, s.Snapshot()) {
					t.Fatal("a refused signature changed the session")
				}
				return
			}
			if err != nil {
				t.Fatalf("Sign() = %v", err)
			}
			if !m.SignedBy(tt.juror) || len(m.Unsigned) != 1 || s.State() != session.StateDeliberated || len(s.PullEvents()) != 0 {
				t.Fatalf("after one signature: %+v, state %s", m, s.State())
			}
		})
	}
}

func currentHash(t *testing.T, s *session.Session) string {
	t.Helper()
	return mustMinutes(t, s).Hash
}

func TestLastSignatureClosesTheSession(t *testing.T) {
	t.Parallel()
	s := deliberated(t)
	s.PullEvents()
	hash := currentHash(t, s)
	if _, err := s.Sign("j2", hash, hasher{}, now); err != nil {
		t.Fatal(err)
	}
	m, err := s.Sign("j1", hash, hasher{}, now)
	if err != nil {
		t.Fatalf("last Sign() = %v", err)
	}
	if s.State() != session.StateClosed || len(m.Unsigned) != 0 || len(m.Signatures) != 2 {
		t.Fatalf("R50: after every signature: state %s, minutes %+v", s.State(), m)
	}
	ev := s.PullEvents()
	signed, ok := ev[0].(session.MinutesSigned)
	if len(ev) != 1 || !ok {
		t.Fatalf("events = %#v; want one MinutesSigned", ev)
	}
	if signed.Minutes.Hash != hash || len(signed.Minutes.Signatures) != 2 ||
		signed.Minutes.Content.Lines[0].Outcome != deliberation.Awarded || signed.Minutes.Signatures[0].ContentHash != hash {
		t.Fatalf("MinutesSigned = %+v", signed.Minutes)
	}
	// Once closed, the session is immutable (R50).
	for name, write := range map[string]func() error{
		"add a juror":    func() error { _, err := s.AddJuror(juror(t, "j3"), now); return err },
		"remove a juror": func() error { return s.RemoveJuror("j1", "", now) },
		"register a candidacy": func() error {
			_, err := s.Register("cy-2", candidacy.Registration{CandidateID: "cand-2"}, person("cand-2"), tsgeri(), session.RequestKey{}, now)
			return err
		},
		"evaluate": func() error {
			_, err := s.RecordEvaluation("cy-1", "j1", "1", fullEvaluation(), tsgeri(), now)
			return err
		},
		"deliberate": func() error { _, err := s.Deliberate("cy-1", "j1", partial(), tsgeri(), now); return err },
		"open":       func() error { return s.Open("", now) },
	} {
		t.Run(name, func(t *testing.T) {
			requireRule(t, write(), session.ErrClosed, apperr.KindFailedPrecondition, "R50")
		})
	}
	if ok, err := s.AttachDossier(session.Submission{CandidacyID: "cy-1", Dossier: candidacy.Dossier{SnapshotID: "late", SubmittedAt: now.Add(1e12)}}, now); ok || err != nil {
		t.Fatalf("late dossier on a closed session = %v, %v; want ignored", ok, err)
	}
	if s.RefreshCandidate(person("cand-1"), now) {
		t.Fatal("a closed session's candidacy was refreshed")
	}
}

// TestR50MinutesKeepTheEncodingOfTheirFirstSignature: minutes nobody
// signed yet are hashed in the current encoding; once a juror signed, in
// the encoding that juror signed, so that a session signed in part before
// an upgrade (the first encoding) is signed to the end over the same hash,
// and the last signature closes it.
func TestR50MinutesKeepTheEncodingOfTheirFirstSignature(t *testing.T) {
	t.Parallel()
	fresh := mustMinutes(t, deliberated(t))
	if fresh.Encoding != minutes.CurrentEncoding || minutes.CurrentEncoding != minutes.EncodingV2 {
		t.Fatalf("unsigned minutes encoding = %q; want %q", fresh.Encoding, minutes.EncodingV2)
	}

	// j1 signed the first encoding's hash before the upgrade.
	snap := deliberated(t).Snapshot()
	v1Hash, err := hasher{}.Hash(minutes.EncodingV1, fresh.Content)
	if err != nil {
		t.Fatal(err)
	}
	snap.Signatures = []minutes.Signature{{JurorSubject: "j1", JurorName: fresh.Content.Jurors[0].Name,
		SignedAt: now, ContentHash: v1Hash, Encoding: minutes.EncodingV1}}
	s, err := session.UnmarshalFromDatabase(snap)
	if err != nil {
		t.Fatal(err)
	}
	if m := mustMinutes(t, s); m.Encoding != minutes.EncodingV1 || m.Hash != v1Hash {
		t.Fatalf("minutes signed in v1 read as %q %s; want %q %s", m.Encoding, m.Hash, minutes.EncodingV1, v1Hash)
	}
	if _, err := s.Sign("j2", fresh.Hash, hasher{}, now); !errors.Is(err, minutes.ErrChanged) {
		t.Fatalf("signing the v2 hash of v1-signed minutes = %v; want ErrChanged", err)
	}
	m, err := s.Sign("j2", v1Hash, hasher{}, now)
	if err != nil {
		t.Fatalf("signing the v1 hash = %v", err)
	}
	if s.State() != session.StateClosed || m.Signatures[1].Encoding != minutes.EncodingV1 {
		t.Fatalf("after the last signature: state %s, signatures %+v", s.State(), m.Signatures)
	}
}
