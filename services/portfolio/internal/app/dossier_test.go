package app_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

func TestCreateDossier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	tests := []struct {
		name   string
		p      auth.Principal
		cmd    command.CreateDossier
		kind   apperr.Kind
		reason string
	}{
		{"a candidate without a record yet", nobody, command.CreateDossier{TitleID: "TP-00495"},
			apperr.KindFailedPrecondition, "CANDIDATE_UNKNOWN"},
		{"an unknown title", alice, command.CreateDossier{TitleID: "TP-99999"},
			apperr.KindFailedPrecondition, "TITLE_UNKNOWN"},
		{"an unknown version", alice, command.CreateDossier{TitleID: "TP-00495", TitleVersion: "1999"},
			apperr.KindFailedPrecondition, "TITLE_UNKNOWN"},
		{"no title", alice, command.CreateDossier{}, apperr.KindInvalidArgument, "INVALID_ARGUMENT"},
		{"for somebody else's record", alice, command.CreateDossier{TitleID: "TP-00495", CandidateID: "cand-bob"},
			apperr.KindPermissionDenied, "DOSSIER_ACCESS_DENIED"},
		{"a centre does not create dossiers", centre1, command.CreateDossier{TitleID: "TP-00495"},
			apperr.KindPermissionDenied, "DOSSIER_ACCESS_DENIED"},
		{"malformed content", alice, command.CreateDossier{TitleID: "TP-00495",
			Content: dossier.Content{Examples: []dossier.Example{{CCPCode: "CCP7", Title: "x"}}}},
			apperr.KindInvalidArgument, "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		_, err := e.app.Commands.CreateDossier.Handle(as(tt.p), tt.cmd)
		require.Equal(t, tt.kind, apperr.KindOf(err), "%s: %v", tt.name, err)
		require.Equal(t, tt.reason, reasonOf(err), "%s: %v", tt.name, err)
	}

	// Empty version: the latest; empty candidate: the caller's record.
	d, err := e.app.Commands.CreateDossier.Handle(as(alice), command.CreateDossier{TitleID: "TP-00495", RequestID: "r1"})
	require.NoError(t, err)
	require.Equal(t, "cand-alice", d.CandidateID())
	require.Equal(t, "2008", d.TitleVersion())
	again, err := e.app.Commands.CreateDossier.Handle(as(alice), command.CreateDossier{TitleID: "TP-00495", RequestID: "r1"})
	require.NoError(t, err)
	require.Equal(t, d.ID(), again.ID(), "idempotent retry")
	_, err = e.app.Commands.CreateDossier.Handle(as(alice), command.CreateDossier{TitleID: "TP-00495", TitleVersion: "2008"})
	require.ErrorIs(t, err, dossier.ErrAlreadyExists)

	cover, err := e.app.Queries.Cover.Handle(as(alice), d)
	require.NoError(t, err)
	require.Equal(t, dossier.AccessModeVAE, cover.AccessMode, "R42: alice's VAE route")
	require.Equal(t, "Durand", cover.BirthName)
	require.Equal(t, tsgeri.Label, cover.TitleLabel)
}

func TestUpdateDossier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	c := completeContent()
	upd := command.UpdateDossier{ID: d.ID(), Etag: "1", Patch: c, Paths: []string{"examples", "sworn_statement"}}
	for _, p := range []auth.Principal{bob, centre1, juror1, ministry} {
		_, err := e.app.Commands.UpdateDossier.Handle(as(p), upd)
		require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%s: %v", p.Subject, err)
	}
	_, err := e.app.Commands.UpdateDossier.Handle(as(alice), command.UpdateDossier{ID: d.ID(), Etag: "0", Patch: c, Paths: []string{"examples"}})
	require.ErrorIs(t, err, dossier.ErrVersionConflict)
	_, err = e.app.Commands.UpdateDossier.Handle(as(alice), command.UpdateDossier{ID: d.ID(), Etag: "0", Patch: c, Paths: []string{"*"}})
	require.Equal(t, apperr.KindInvalidArgument, apperr.KindOf(err), "a bad mask is refused whatever the etag")
	got, err := e.app.Commands.UpdateDossier.Handle(as(alice), upd)
	require.NoError(t, err)
	require.Equal(t, "2", got.Etag())
	require.Len(t, got.Content().Examples, 3)
}

// submitted returns alice's complete dossier with a document, submitted
// for session s1.
func submitted(t *testing.T, e *env) (*dossier.Dossier, dossier.Document, *dossier.Snapshot) {
	t.Helper()
	d := e.create(t, completeContent())
	doc, err := e.upload(as(alice), d.ID(), "attestation.pdf", testdocs.PDF())
	require.NoError(t, err)
	s, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s1", CandidacyID: "cy-1"})
	require.NoError(t, err)
	return d, doc, s
}

func TestSubmitDossier(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{Examples: []dossier.Example{example("CCP3")}})

	_, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s1"})
	require.ErrorIs(t, err, dossier.ErrIncomplete)
	var ae *apperr.Error
	require.True(t, errors.As(err, &ae))
	require.Equal(t, "R35", ae.Rule, "the first rule broken")
	require.Equal(t, "R35,R38", ae.Meta["rules"])

	_, err = e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "unknown"})
	require.Equal(t, "SESSION_UNKNOWN", reasonOf(err))
	_, err = e.app.Commands.SubmitDossier.Handle(as(bob), command.SubmitDossier{DossierID: d.ID(), SessionID: "s2"})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err))

	// The sworn statement, then a CCP session needs only CCP3's example.
	c := d.Content()
	c.Sworn = dossier.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-03-01"}
	_, err = e.app.Commands.UpdateDossier.Handle(as(alice), command.UpdateDossier{ID: d.ID(), Etag: "1", Patch: c, Paths: []string{"sworn_statement"}})
	require.NoError(t, err)
	s, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s2", RequestID: "sub-1"})
	require.NoError(t, err, "R35: a CCP session needs examples for its CCP only")
	require.Equal(t, dossier.AccessModeVAE, s.Cover.AccessMode, "R42: frozen from the candidate record")
	again, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s2", RequestID: "sub-1"})
	require.NoError(t, err)
	require.Equal(t, s.ID, again.ID)
	_, err = e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s1"})
	require.ErrorIs(t, err, dossier.ErrIncomplete, "a session titre needs every activity type")
}

func TestSnapshotAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d, doc, s := submitted(t, e)

	// R41: later edits and the deletion of the document change only the draft.
	c := d.Content()
	c.Examples[0].Tasks = "rewritten"
	_, err := e.app.Commands.UpdateDossier.Handle(as(alice), command.UpdateDossier{ID: d.ID(), Etag: "2", Patch: c, Paths: []string{"examples"}})
	require.NoError(t, err)
	_, err = e.app.Commands.DeleteDocument.Handle(as(alice), command.DeleteDocument{DossierID: d.ID(), DocumentID: doc.ID})
	require.NoError(t, err)

	tests := []struct {
		name string
		p    auth.Principal
		ok   bool
	}{
		{"the owner", alice, true},
		{"the organising centre", centre1, true},
		{"a juror of the session", juror1, true},
		{"the ministry", ministry, true},
		{"another candidate", bob, false},
		{"another centre", centre2, false},
		{"a juror of another session", juror2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.app.Queries.SnapshotByID.Handle(as(tt.p), d.ID(), s.ID)
			if !tt.ok {
				require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%v", err)
				_, _, err = e.app.Queries.DownloadDocument.Handle(as(tt.p), query.DownloadDocument{DossierID: d.ID(), DocumentID: doc.ID})
				require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "download: %v", err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, s.ManifestHash, got.ManifestHash)
			require.Equal(t, "Tasks", got.Content.Examples[0].Tasks, "R41: the snapshot keeps the submitted text")
			ok, err := got.VerifyManifest()
			require.NoError(t, err)
			require.True(t, ok)
			// The document deleted from the draft stays downloadable
			// through the snapshot, with or without naming it.
			for _, snapshotID := range []string{s.ID, ""} {
				meta, r, err := e.app.Queries.DownloadDocument.Handle(as(tt.p),
					query.DownloadDocument{DossierID: d.ID(), DocumentID: doc.ID, SnapshotID: snapshotID})
				require.NoError(t, err, "snapshot %q", snapshotID)
				require.Equal(t, doc.SHA256, meta.SHA256)
				require.Equal(t, testdocs.PDF(), read(t, r))
			}
		})
	}

	// Drafts are for the owner and the ministry only.
	for _, p := range []auth.Principal{centre1, juror1, bob} {
		_, err := e.app.Queries.DossierByID.Handle(as(p), d.ID())
		require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%s", p.Subject)
	}
	_, err = e.app.Queries.DossierByID.Handle(as(ministry), d.ID())
	require.NoError(t, err)
	_, err = e.app.Queries.DossierByID.Handle(as(ministry), "missing")
	require.ErrorIs(t, err, dossier.ErrNotFound, "ministry sees NotFound")
	_, err = e.app.Queries.SnapshotByID.Handle(as(alice), d.ID(), "missing")
	require.ErrorIs(t, err, dossier.ErrSnapshotNotFound, "the owner sees NotFound in their dossier")
	_, err = e.app.Queries.SnapshotByID.Handle(as(juror1), d.ID(), "missing")
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err))
}

func TestListSnapshotsAndDossiers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d, _, s := submitted(t, e)
	tests := []struct {
		name string
		p    auth.Principal
		q    query.ListSnapshots
		want int // -1: denied
	}{
		{"owner, one dossier", alice, query.ListSnapshots{DossierID: d.ID()}, 1},
		{"owner, all their dossiers", alice, query.ListSnapshots{DossierID: "-"}, 1},
		{"other candidate, all theirs", bob, query.ListSnapshots{DossierID: "-"}, 0},
		{"other candidate, alice's dossier", bob, query.ListSnapshots{DossierID: d.ID()}, -1},
		{"centre by its session", centre1, query.ListSnapshots{DossierID: "-", SessionID: "s1"}, 1},
		{"centre without session", centre1, query.ListSnapshots{DossierID: "-"}, -1},
		{"centre of another session", centre2, query.ListSnapshots{DossierID: "-", SessionID: "s1"}, -1},
		{"juror by their session", juror1, query.ListSnapshots{DossierID: d.ID(), SessionID: "s1"}, 1},
		{"juror of another session", juror2, query.ListSnapshots{DossierID: "-", SessionID: "s1"}, -1},
		{"ministry, everything", ministry, query.ListSnapshots{DossierID: "-"}, 1},
	}
	for _, tt := range tests {
		page, err := e.app.Queries.ListSnapshots.Handle(as(tt.p), tt.q)
		if tt.want < 0 {
			require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%s: %v", tt.name, err)
			continue
		}
		require.NoError(t, err, tt.name)
		require.Len(t, page.Snapshots, tt.want, tt.name)
		if tt.want == 1 {
			require.Equal(t, s.ID, page.Snapshots[0].ID)
		}
	}

	mine, err := e.app.Queries.ListDossiers.Handle(as(alice), query.ListDossiers{})
	require.NoError(t, err)
	require.Len(t, mine.Dossiers, 1)
	none, err := e.app.Queries.ListDossiers.Handle(as(bob), query.ListDossiers{})
	require.NoError(t, err)
	require.Empty(t, none.Dossiers)
	_, err = e.app.Queries.ListDossiers.Handle(as(bob), query.ListDossiers{CandidateID: "cand-alice"})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err))
	_, err = e.app.Queries.ListDossiers.Handle(as(centre1), query.ListDossiers{})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err))
	all, err := e.app.Queries.ListDossiers.Handle(as(ministry), query.ListDossiers{CandidateID: "cand-alice"})
	require.NoError(t, err)
	require.Len(t, all.Dossiers, 1)
}

func TestDeleteDocument(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	doc, err := e.upload(as(alice), d.ID(), "a.pdf", testdocs.PDF())
	require.NoError(t, err)
	_, err = e.app.Commands.DeleteDocument.Handle(as(bob), command.DeleteDocument{DossierID: d.ID(), DocumentID: doc.ID})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err))
	_, err = e.app.Commands.DeleteDocument.Handle(as(alice), command.DeleteDocument{DossierID: d.ID(), DocumentID: doc.ID, Etag: "1"})
	require.ErrorIs(t, err, dossier.ErrVersionConflict)
	got, err := e.app.Commands.DeleteDocument.Handle(as(alice), command.DeleteDocument{DossierID: d.ID(), DocumentID: doc.ID, Etag: "2"})
	require.NoError(t, err)
	require.Empty(t, got.Documents())
	_, err = e.app.Commands.DeleteDocument.Handle(as(alice), command.DeleteDocument{DossierID: d.ID(), DocumentID: doc.ID})
	require.ErrorIs(t, err, dossier.ErrDocumentNotFound)
	_, _, err = e.app.Queries.DownloadDocument.Handle(as(alice), query.DownloadDocument{DossierID: d.ID(), DocumentID: doc.ID})
	require.ErrorIs(t, err, dossier.ErrDocumentNotFound, "never submitted: gone for its owner")
}
