package candidacy_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var now = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

func tsgeri() title.Title {
	return title.Title{ID: "TP-00495", Version: "2008", CCPs: []title.CCP{
		{Code: "CCP1", Competences: []string{"CCP1-C1"}},
		{Code: "CCP2", Competences: []string{"CCP2-C1"}},
		{Code: "CCP3", Competences: []string{"CCP3-C1"}},
	}}
}

func TestResolveScope(t *testing.T) {
	t.Parallel()
	all := []string{"CCP1", "CCP2", "CCP3"}
	tests := []struct {
		name      string
		st        title.SessionType
		session   []string
		requested []string
		want      []string
	}{
		{"session titre, empty scope: the whole title", title.SessionTitre, all, nil, all},
		{"session titre, every CCP named in any order", title.SessionTitre, all, []string{"CCP3", "CCP1", "CCP2"}, all},
		{"session titre, a subset is refused", title.SessionTitre, all, []string{"CCP1"}, nil},
		{"session CCP, empty scope: the session's CCPs", title.SessionCCP, []string{"CCP3", "CCP2"}, nil, []string{"CCP2", "CCP3"}},
		{"session CCP, a subset", title.SessionCCP, []string{"CCP2", "CCP3"}, []string{"CCP3"}, []string{"CCP3"}},
		{"session CCP, a CCP outside the session is refused", title.SessionCCP, []string{"CCP3"}, []string{"CCP1"}, nil},
		{"repeated CCP is refused", title.SessionCCP, []string{"CCP2", "CCP3"}, []string{"CCP3", "CCP3"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := candidacy.ResolveScope(tsgeri(), tt.st, tt.session, tt.requested)
			if tt.want == nil {
				if apperr.KindOf(err) != apperr.KindInvalidArgument {
					t.Fatalf("ResolveScope() = %v, %v; want InvalidArgument", got, err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ResolveScope() = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestRegistrationCheck(t *testing.T) {
	t.Parallel()
	err := candidacy.Registration{Employer: string(make([]rune, 201))}.Check()
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Violations) != 2 {
		t.Fatalf("Check() = %v; want candidate_id and employer violations", err)
	}
}

func newCandidacy() candidacy.Candidacy {
	person := candidate.Candidate{ID: "cand-1", Subject: "alice", BirthName: "Martin", GivenNames: []string{"Alice"},
		TrainingOrganisation: "AFPA Lyon", Version: 1}
	return candidacy.New("cy-1", "s-1", candidacy.Registration{CandidateID: "cand-1", Employer: " ACME "},
		[]string{"CCP1"}, person, candidacy.RequestKey{}, now)
}

func TestAttach(t *testing.T) {
	t.Parallel()
	c := newCandidacy()
	if c.Employer != "ACME" || c.CandidateName != "Martin Alice" || c.Party().TrainingOrganisation != "AFPA Lyon" {
		t.Fatalf("New() = %+v", c)
	}
	first := candidacy.Dossier{SnapshotID: "snap-1", ManifestHash: "h1", SubmittedAt: now}
	if !c.Attach(first, now) || c.Version != 2 {
		t.Fatal("R34: first submission not attached")
	}
	if c.Attach(first, now) {
		t.Fatal("R34: the same submission attached twice")
	}
	older := candidacy.Dossier{SnapshotID: "snap-0", ManifestHash: "h0", SubmittedAt: now.Add(-time.Hour)}
	if c.Attach(older, now) || c.Dossier.SnapshotID != "snap-1" {
		t.Fatal("R34: an older submission replaced a newer one")
	}
	later := candidacy.Dossier{SnapshotID: "snap-2", ManifestHash: "h2", SubmittedAt: now.Add(time.Hour)}
	if !c.Attach(later, now) || c.Dossier.SnapshotID != "snap-2" {
		t.Fatal("R34: the latest submission does not win")
	}
	c.Decide(deliberation.Deliberation{Outcome: deliberation.Absent}, now)
	if c.Attach(candidacy.Dossier{SnapshotID: "snap-3", SubmittedAt: now.Add(2 * time.Hour)}, now) {
		t.Fatal("R34: a submission after the deliberation was attached")
	}
	clone := c.Clone()
	clone.Dossier.SnapshotID = "changed"
	if c.Dossier.SnapshotID != "snap-2" {
		t.Fatal("Clone shares the dossier")
	}
}

func TestRefresh(t *testing.T) {
	t.Parallel()
	c := newCandidacy()
	same := candidate.Candidate{ID: "cand-1", Subject: "alice", BirthName: "Martin", GivenNames: []string{"Alice"}, TrainingOrganisation: "AFPA Lyon"}
	if c.Refresh(same, now) {
		t.Fatal("Refresh with the same facts changed the candidacy")
	}
	same.TrainingOrganisation = "GRETA"
	if !c.Refresh(same, now) || c.TrainingOrganisation != "GRETA" || c.Version != 2 {
		t.Fatalf("Refresh did not apply: %+v", c)
	}
}
