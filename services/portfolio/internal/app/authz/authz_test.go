package authz_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

var (
	alice    = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleCandidate}}
	bob      = auth.Principal{Subject: "bob@idp", Roles: []auth.Role{auth.RoleCandidate}}
	centre1  = auth.Principal{Subject: "c1-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C1"}
	centre2  = auth.Principal{Subject: "c2-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C2"}
	noCentre = auth.Principal{Subject: "c-user", Roles: []auth.Role{auth.RoleCentre}}
	juror    = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
	juror2   = auth.Principal{Subject: "juror-2", Roles: []auth.Role{auth.RoleJuror}}
	ministry = auth.Principal{Subject: "m", Roles: []auth.Role{auth.RoleMinistry}}
	admin    = auth.Principal{Subject: "a", Roles: []auth.Role{auth.RoleAdmin}}
	// aliceAsJuror holds the juror role under alice's candidate subject: the
	// candidate role is what makes an owner.
	aliceAsJuror = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleJuror}}
	// recused sits on s1's jury and declared a link with alice (R21).
	recused = auth.Principal{Subject: "juror-3", Roles: []auth.Role{auth.RoleJuror}}
	// centreAndRecusedJuror organises s1 and is, under the same subject,
	// a juror recused from alice's candidacy: the centre reads it.
	centreAndRecusedJuror = auth.Principal{Subject: "c1-user", Roles: []auth.Role{auth.RoleCentre, auth.RoleJuror}, Centre: "C1"}
)

// fakeRefs is an in-memory projection.
type fakeRefs struct {
	candidates map[string]refdata.Candidate
	sessions   map[string]refdata.Session
	jurors     map[string]bool // session|subject
	err        error
}

func (f fakeRefs) Get(_ context.Context, id string) (refdata.Candidate, error) {
	if f.err != nil {
		return refdata.Candidate{}, f.err
	}
	c, ok := f.candidates[id]
	if !ok {
		return refdata.Candidate{}, refdata.ErrCandidateNotFound
	}
	return c, nil
}

func (f fakeRefs) BySubject(context.Context, string) (refdata.Candidate, error) {
	return refdata.Candidate{}, refdata.ErrCandidateNotFound
}

func (f fakeRefs) Upsert(context.Context, refdata.Candidate) (bool, error) { return false, nil }

type fakeSessions struct{ fakeRefs }

func (f fakeSessions) Get(_ context.Context, id string) (refdata.Session, error) {
	s, ok := f.sessions[id]
	if !ok {
		return refdata.Session{}, refdata.ErrSessionNotFound
	}
	return s, nil
}

func (f fakeSessions) Insert(context.Context, refdata.Session) (bool, error) { return false, nil }

func (f fakeSessions) IsJuror(_ context.Context, session, subject string) (bool, error) {
	return f.jurors[session+"|"+subject], nil
}

func (f fakeSessions) ApplyJuror(context.Context, refdata.JurorChange) (bool, error) {
	return false, nil
}

// fakeCandidacies holds the recusals: session|candidate → jurors.
type fakeCandidacies map[string][]string

func (f fakeCandidacies) Get(context.Context, string) (refdata.Candidacy, error) {
	return refdata.Candidacy{}, refdata.ErrCandidacyNotFound
}

func (f fakeCandidacies) OfCandidate(context.Context, string, string) (refdata.Candidacy, error) {
	return refdata.Candidacy{}, refdata.ErrCandidacyNotFound
}

func (f fakeCandidacies) Insert(context.Context, refdata.Candidacy) (bool, error) { return false, nil }

func (f fakeCandidacies) Recused(_ context.Context, session, candidate, subject string) (bool, error) {
	return slices.Contains(f[session+"|"+candidate], subject), nil
}

func (f fakeCandidacies) RecusedCandidates(_ context.Context, session, subject string) ([]string, error) {
	var out []string
	for k, jurors := range f {
		s, c, _ := strings.Cut(k, "|")
		if s == session && slices.Contains(jurors, subject) {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f fakeCandidacies) ApplyRecusals(context.Context, refdata.Recusals) (bool, error) {
	return false, nil
}

func newAccess() authz.Access {
	refs := fakeRefs{
		candidates: map[string]refdata.Candidate{"cand-alice": {ID: "cand-alice", Subject: "alice@idp"}},
		sessions: map[string]refdata.Session{
			"s1": {ID: "s1", CentreID: "C1"},
			"s2": {ID: "s2", CentreID: "C2"},
		},
		jurors: map[string]bool{"s1|juror-1": true, "s2|juror-2": true, "s1|juror-3": true, "s1|c1-user": true},
	}
	recusals := fakeCandidacies{"s1|cand-alice": {"juror-3", "c1-user"}}
	return authz.Access{Candidates: refs, Sessions: fakeSessions{refs}, Candidacies: recusals}
}

func TestReadsDraft(t *testing.T) {
	t.Parallel()
	d := dossier.UnmarshalDossierFromDatabase("d1", "cand-alice", "TP-00495", "2008", dossier.Content{}, nil, 1, testTime, testTime)
	tests := []struct {
		name string
		p    auth.Principal
		ok   bool
	}{
		{"the owner reads their draft", alice, true},
		{"another candidate does not", bob, false},
		{"the owner's subject without the candidate role does not", aliceAsJuror, false},
		{"a centre never reads a draft", centre1, false},
		{"a juror never reads a draft", juror, false},
		{"ministry reads every draft", ministry, true},
		{"admin reads every draft", admin, true},
		{"no role, nothing", auth.Principal{Subject: "alice@idp"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := newAccess().ReadsDraft(context.Background(), tt.p, d)
			if tt.ok != (err == nil) {
				t.Errorf("ReadsDraft() = %v; want allowed=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, authz.ErrDenied) {
				t.Errorf("ReadsDraft() = %v; want DOSSIER_ACCESS_DENIED", err)
			}
		})
	}
}

func TestReadsSnapshot(t *testing.T) {
	t.Parallel()
	s1 := &dossier.Snapshot{ID: "snap", CandidateID: "cand-alice", SessionID: "s1"}
	unknownSession := &dossier.Snapshot{ID: "snap", CandidateID: "cand-alice", SessionID: "nope"}
	tests := []struct {
		name string
		p    auth.Principal
		s    *dossier.Snapshot
		ok   bool
	}{
		{"the owner reads their snapshot", alice, s1, true},
		{"another candidate does not", bob, s1, false},
		{"the organising centre reads it", centre1, s1, true},
		{"another centre does not", centre2, s1, false},
		{"a centre token without centre does not", noCentre, s1, false},
		{"a juror assigned to the session reads it", juror, s1, true},
		{"a juror of another session does not", juror2, s1, false},
		{"R21: a juror of the session recused from the candidacy does not", recused, s1, false},
		{"R21: the organising centre reads what a juror of the same subject is recused from", centreAndRecusedJuror, s1, true},
		{"ministry reads it", ministry, s1, true},
		{"admin reads it", admin, s1, true},
		{"nobody but ministry reads a snapshot of an unknown session as centre", centre1, unknownSession, false},
		{"the owner reads a snapshot of an unknown session", alice, unknownSession, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := newAccess().ReadsSnapshot(context.Background(), tt.p, tt.s)
			if tt.ok != (err == nil) {
				t.Errorf("ReadsSnapshot() = %v; want allowed=%v", err, tt.ok)
			}
		})
	}
}

func TestReadsSessionAs(t *testing.T) {
	t.Parallel()
	s := refdata.Session{ID: "s1", CentreID: "C1"}
	tests := []struct {
		name    string
		p       auth.Principal
		isJuror bool
		want    bool
	}{
		{"centre of the session", centre1, false, true},
		{"other centre", centre2, false, false},
		{"assigned juror", juror, true, true},
		{"unassigned juror", juror, false, false},
		{"a candidate the jury holds is not a juror without the role", alice, true, false},
	}
	for _, tt := range tests {
		if got := authz.ReadsSessionAs(tt.p, s, tt.isJuror); got != tt.want {
			t.Errorf("%s: ReadsSessionAs() = %v; want %v", tt.name, got, tt.want)
		}
	}
}

func TestProjectionErrorsAreNotDenials(t *testing.T) {
	t.Parallel()
	boom := errors.New("database down")
	a := authz.Access{Candidates: fakeRefs{err: boom}, Sessions: fakeSessions{}}
	d := dossier.UnmarshalDossierFromDatabase("d1", "cand-alice", "T", "1", dossier.Content{}, nil, 1, testTime, testTime)
	if err := a.ReadsDraft(context.Background(), alice, d); !errors.Is(err, boom) {
		t.Errorf("ReadsDraft() = %v; want the projection's error, not a denial", err)
	}
}

func TestHide(t *testing.T) {
	t.Parallel()
	notFound := dossier.ErrNotFound
	if err := authz.Hide(bob, notFound, false); !errors.Is(err, authz.ErrDenied) {
		t.Errorf("Hide(stranger) = %v; want denied", err)
	}
	if err := authz.Hide(ministry, notFound, false); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("Hide(ministry) = %v; want not found", err)
	}
	if err := authz.Hide(alice, notFound, true); !errors.Is(err, dossier.ErrNotFound) {
		t.Errorf("Hide(owner) = %v; want not found", err)
	}
}

func TestR21RecusedCandidatesAreLeftOutOfAJurorsList(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a := newAccess()
	got, err := a.RecusedCandidates(ctx, recused, "s1")
	if err != nil || !slices.Equal(got, []string{"cand-alice"}) {
		t.Errorf("RecusedCandidates(recused juror) = %v, %v; want [cand-alice]", got, err)
	}
	for _, p := range []auth.Principal{juror, centre1, centreAndRecusedJuror, ministry} {
		if got, err := a.RecusedCandidates(ctx, p, "s1"); err != nil || len(got) != 0 {
			t.Errorf("RecusedCandidates(%s) = %v, %v; want none", p.Subject, got, err)
		}
	}
	err = a.ReadsSnapshot(ctx, recused, &dossier.Snapshot{ID: "snap", CandidateID: "cand-alice", SessionID: "s1"})
	if !errors.Is(err, authz.ErrDenied) {
		t.Errorf("ReadsSnapshot(recused juror) = %v; want DOSSIER_ACCESS_DENIED", err)
	}
}
