package dossier_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

var pdf = dossier.Document{
	ID: "doc-b", FileName: "attestation.pdf", ContentType: "application/pdf", Size: 1234,
	SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Kind: dossier.KindEvidence,
}

var png = dossier.Document{
	ID: "doc-a", FileName: "schema.png", ContentType: "image/png", Size: 99,
	SHA256: "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752", Kind: dossier.KindIllustrative,
}

func submitted(t *testing.T, d *dossier.Dossier) *dossier.Snapshot {
	t.Helper()
	s, err := d.Submit(dossier.SubmitInput{
		SnapshotID: "snap-1", Session: sessionTitre, Candidacy: ownCandidacy, Title: tsgeri, Cover: dossier.CoverOf(owner, tsgeri),
	}, now)
	if err != nil {
		t.Fatalf("Submit() = %v", err)
	}
	return s
}

func withDocuments(t *testing.T, docs ...dossier.Document) *dossier.Dossier {
	t.Helper()
	d := newDossier(t, complete())
	for _, doc := range docs {
		if err := d.AddDocument(doc, dossier.Limits{}, now); err != nil {
			t.Fatalf("AddDocument() = %v", err)
		}
	}
	return d
}

func TestSubmitFreezesTheDraft(t *testing.T) {
	t.Parallel()
	d := withDocuments(t, pdf, png)
	s := submitted(t, d)
	if s.DossierID != d.ID() || s.CandidateID != owner.ID || s.SessionID != "sess-1" || s.CandidacyID != "cy-1" {
		t.Errorf("snapshot identity = %+v", s)
	}
	if len(s.Documents) != 2 || len(s.Content.Examples) != 3 || s.Cover.AccessMode != dossier.AccessModeFormation {
		t.Errorf("snapshot content = %+v", s)
	}
	if len(s.ManifestHash) != 64 {
		t.Errorf("manifest hash = %q; want 64 hex digits", s.ManifestHash)
	}
	if ok, err := s.VerifyManifest(); !ok || err != nil {
		t.Errorf("VerifyManifest() = %v, %v; want true", ok, err)
	}

	// R41: later edits change only the draft.
	version := d.Version()
	c := d.Content()
	c.Examples[0].Tasks = "Something else entirely"
	if err := d.Update(c, []string{"examples"}, tsgeri, now); err != nil {
		t.Fatalf("Update() = %v", err)
	}
	if err := d.RemoveDocument(pdf.ID, now); err != nil {
		t.Fatalf("RemoveDocument() = %v", err)
	}
	if d.Version() != version+2 {
		t.Errorf("draft version = %d; want %d", d.Version(), version+2)
	}
	if s.Content.Examples[0].Tasks == "Something else entirely" || len(s.Documents) != 2 {
		t.Errorf("R41: editing the draft changed the snapshot")
	}
	if ok, _ := s.VerifyManifest(); !ok {
		t.Errorf("R41: the snapshot no longer matches its manifest after draft edits")
	}
}

func TestManifestHash(t *testing.T) {
	t.Parallel()
	base := submitted(t, withDocuments(t, pdf, png))
	tests := []struct {
		name string
		edit func(s *dossier.Snapshot)
		same bool
	}{
		{"R41: the same content gives the same hash", func(*dossier.Snapshot) {}, true},
		{"R41: document order does not matter", func(s *dossier.Snapshot) {
			s.Documents[0], s.Documents[1] = s.Documents[1], s.Documents[0]
		}, true},
		{"R41: the session is not part of the content", func(s *dossier.Snapshot) { s.SessionID, s.CandidacyID = "other", "other" }, true},
		{"R41: the submission time is not part of the content", func(s *dossier.Snapshot) { s.SubmittedAt = s.SubmittedAt.Add(time.Hour) }, true},
		{"R41: an example's text is covered", func(s *dossier.Snapshot) { s.Content.Examples[1].Means = "x" }, false},
		{"R41: example order is covered", func(s *dossier.Snapshot) {
			s.Content.Examples[0], s.Content.Examples[1] = s.Content.Examples[1], s.Content.Examples[0]
		}, false},
		{"R41: the sworn statement is covered", func(s *dossier.Snapshot) { s.Content.Sworn.Place = "Paris" }, false},
		{"R41: a prior qualification is covered", func(s *dossier.Snapshot) { s.Content.Qualifications = nil }, false},
		{"R41: the cover is covered", func(s *dossier.Snapshot) { s.Cover.AccessMode = dossier.AccessModeVAE }, false},
		{"R41: a document's SHA-256 is covered", func(s *dossier.Snapshot) {
			s.Documents[0].SHA256 = "0000000000000000000000000000000000000000000000000000000000000000"
		}, false},
		{"R41: a document's size is covered", func(s *dossier.Snapshot) { s.Documents[1].Size++ }, false},
		{"R41: a document's name is covered", func(s *dossier.Snapshot) { s.Documents[1].FileName = "other.pdf" }, false},
		{"R41: a document's type is covered", func(s *dossier.Snapshot) { s.Documents[1].ContentType = "image/jpeg" }, false},
		{"R41: a missing document is detected", func(s *dossier.Snapshot) { s.Documents = s.Documents[:1] }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := *base
			s.Content = base.Content.Clone()
			s.Documents = append([]dossier.Document(nil), base.Documents...)
			tt.edit(&s)
			got, err := s.ComputeManifestHash()
			if err != nil {
				t.Fatal(err)
			}
			if (got == base.ManifestHash) != tt.same {
				t.Errorf("hash equal = %v; want %v", got == base.ManifestHash, tt.same)
			}
		})
	}
}

func TestSubmitRefusals(t *testing.T) {
	t.Parallel()
	d := newDossier(t, complete())
	other := sessionTitre
	other.TitleVersion = "2024"
	otherCandidacy := ownCandidacy
	otherCandidacy.SessionID = other.ID
	_, err := d.Submit(dossier.SubmitInput{SnapshotID: "s", Session: other, Candidacy: otherCandidacy, Title: tsgeri, Cover: dossier.CoverOf(owner, tsgeri)}, now)
	if !errors.Is(err, dossier.ErrSessionTitleMismatch) {
		t.Errorf("Submit(session of another version) = %v; want SESSION_TITLE_MISMATCH", err)
	}
	incomplete := newDossier(t, dossier.Content{})
	_, err = incomplete.Submit(dossier.SubmitInput{SnapshotID: "s", Session: sessionTitre, Candidacy: ownCandidacy, Title: tsgeri, Cover: dossier.CoverOf(owner, tsgeri)}, now)
	if !errors.Is(err, dossier.ErrIncomplete) {
		t.Errorf("Submit(empty dossier) = %v; want DOSSIER_INCOMPLETE", err)
	}
}

// TestSubmitOnlyOntoTheOwnersCandidacy: a dossier goes only onto a
// candidacy of its own candidate in the session it is submitted for.
func TestSubmitOnlyOntoTheOwnersCandidacy(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		candidacy refdata.Candidacy
	}{
		{"another person's candidacy", refdata.Candidacy{ID: "cy-2", SessionID: sessionTitre.ID, CandidateID: "someone-else"}},
		{"the owner's candidacy in another session", refdata.Candidacy{ID: "cy-3", SessionID: "sess-other", CandidateID: owner.ID}},
		{"no candidacy", refdata.Candidacy{}},
	}
	for _, tt := range tests {
		d := newDossier(t, complete())
		_, err := d.Submit(dossier.SubmitInput{SnapshotID: "s", Session: sessionTitre, Candidacy: tt.candidacy,
			Title: tsgeri, Cover: dossier.CoverOf(owner, tsgeri)}, now)
		if !errors.Is(err, dossier.ErrCandidacyUnknown) {
			t.Errorf("%s: Submit() = %v; want CANDIDACY_UNKNOWN", tt.name, err)
		}
	}
}

// TestCheckSubmissionRefusesAsSubmitDoes: checking a dossier without
// submitting it (validate_only) refuses exactly what Submit refuses —
// another candidacy, another title version, R35/R38 incompleteness — and
// accepts what Submit accepts, without changing the dossier.
func TestCheckSubmissionRefusesAsSubmitDoes(t *testing.T) {
	t.Parallel()
	other := sessionTitre
	other.TitleVersion = "2024"
	otherCandidacy := ownCandidacy
	otherCandidacy.SessionID = other.ID
	tests := []struct {
		name    string
		content dossier.Content
		session refdata.Session
		cy      refdata.Candidacy
		want    error
	}{
		{"complete, own candidacy", complete(), sessionTitre, ownCandidacy, nil},
		{"another person's candidacy", complete(), sessionTitre, refdata.Candidacy{ID: "cy-2", SessionID: sessionTitre.ID, CandidateID: "someone-else"}, dossier.ErrCandidacyUnknown},
		{"a session of another title version", complete(), other, otherCandidacy, dossier.ErrSessionTitleMismatch},
		{"R35, R38: an empty dossier", dossier.Content{}, sessionTitre, ownCandidacy, dossier.ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDossier(t, tt.content)
			in := dossier.SubmitInput{Session: tt.session, Candidacy: tt.cy, Title: tsgeri, Cover: dossier.CoverOf(owner, tsgeri)}
			before := d.Version()
			err := d.CheckSubmission(in, now)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("CheckSubmission() = %v; want %v", err, tt.want)
			}
			in.SnapshotID = "s"
			_, submitErr := d.Submit(in, now)
			if (err == nil) != (submitErr == nil) {
				t.Errorf("CheckSubmission() = %v but Submit() = %v", err, submitErr)
			}
			if d.Version() != before {
				t.Error("the check changed the dossier")
			}
		})
	}
}
