package app_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/query"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// TestSubmitOnlyOntoOwnCandidacy: a dossier goes only onto its owner's
// candidacy in the session named; another person's candidacy, or the
// owner's in another session, gets the answer an unknown one gets, and
// nothing is stored.
func TestSubmitOnlyOntoOwnCandidacy(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, completeContent())
	for _, tt := range []struct{ name, session, candidacy string }{
		{"another person's candidacy in the session", "s1", "cy-bob"},
		{"the owner's candidacy in another session", "s1", "cy-2"},
		{"a candidacy nobody registered", "s1", "cy-none"},
	} {
		_, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: tt.session, CandidacyID: tt.candidacy})
		require.ErrorIs(t, err, dossier.ErrCandidacyUnknown, tt.name)
	}
	n := 0
	require.NoError(t, e.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM snapshots`).Scan(&n))
	require.Zero(t, n, "a refused submission stores nothing")

	// Without a candidacy id, the owner's candidacy in the session.
	s, err := e.app.Commands.SubmitDossier.Handle(as(alice), command.SubmitDossier{DossierID: d.ID(), SessionID: "s1"})
	require.NoError(t, err)
	require.Equal(t, "cy-1", s.CandidacyID)
}

// TestR21RecusedJurorReadsNoSnapshot: once a juror is recused from a
// candidacy, they neither read its snapshot nor download its documents
// nor see it listed; the other jurors and the centre still do.
func TestR21RecusedJurorReadsNoSnapshot(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d, doc, s := submitted(t, e)
	ctx := context.Background()
	_, err := e.app.Queries.SnapshotByID.Handle(as(juror1), d.ID(), s.ID)
	require.NoError(t, err, "before the recusal")

	_, err = sqlstore.NewCandidacies(e.db).ApplyRecusals(ctx, refdata.Recusals{
		CandidacyID: "cy-1", SessionID: "s1", CandidateID: "cand-alice", Jurors: []string{juror1.Subject}, At: now,
	})
	require.NoError(t, err)

	_, err = e.app.Queries.SnapshotByID.Handle(as(juror1), d.ID(), s.ID)
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "%v", err)
	_, _, err = e.app.Queries.DownloadDocument.Handle(as(juror1), query.DownloadDocument{DossierID: d.ID(), DocumentID: doc.ID, SnapshotID: s.ID})
	require.Equal(t, apperr.KindPermissionDenied, apperr.KindOf(err), "download: %v", err)
	page, err := e.app.Queries.ListSnapshots.Handle(as(juror1), query.ListSnapshots{DossierID: "-", SessionID: "s1"})
	require.NoError(t, err)
	require.Empty(t, page.Snapshots, "a recused juror's list leaves the candidacy out")

	page, err = e.app.Queries.ListSnapshots.Handle(as(centre1), query.ListSnapshots{DossierID: "-", SessionID: "s1"})
	require.NoError(t, err)
	require.Len(t, page.Snapshots, 1, "the centre still lists it")
	_, err = e.app.Queries.SnapshotByID.Handle(as(centre1), d.ID(), s.ID)
	require.NoError(t, err)
}
