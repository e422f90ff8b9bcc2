package app_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/testdocs"
)

// observedContents is the real blob store, with a look at the database
// each time a content is committed.
type observedContents struct {
	dossier.Contents
	afterCommit func()
}

func (c observedContents) NewUpload(ctx context.Context) (dossier.PendingContent, error) {
	p, err := c.Contents.NewUpload(ctx)
	return observedPending{PendingContent: p, afterCommit: c.afterCommit}, err
}

type observedPending struct {
	dossier.PendingContent
	afterCommit func()
}

func (p observedPending) Commit(ctx context.Context) error {
	if err := p.PendingContent.Commit(ctx); err != nil {
		return err
	}
	p.afterCommit()
	return nil
}

// The content is committed — on disk, for a file store — while the row
// naming it is not committed yet: a power cut in between leaves a content
// no row names, never a row naming a missing or cut-short content.
func TestUpload_ContentIsStoredBeforeTheRowCommits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.create(t, dossier.Content{})
	repo := sqlstore.NewDossierRepository(e.db, outbox.New(e.db))
	commits := 0
	observed := app.New(app.Deps{
		Dossiers: repo,
		Contents: observedContents{Contents: e.blobs, afterCommit: func() {
			commits++
			// Another connection sees the dossier as it was: the
			// document's row is not committed yet.
			seen, err := repo.Get(context.Background(), d.ID())
			require.NoError(t, err)
			require.Empty(t, seen.Documents(), "the row committed before the content")
		}},
		Candidates: sqlstore.NewCandidates(e.db), Titles: sqlstore.NewTitles(e.db), Sessions: sqlstore.NewSessions(e.db),
		Schedules: sqlstore.NewSchedules(e.db), Limits: limits, Now: func() time.Time { return now },
	})
	_, doc, err := observed.Commands.UploadDocument.Handle(as(alice), command.UploadDocument{
		DossierID: d.ID(), FileName: "a.pdf", Kind: dossier.KindIllustrative, Content: bytes.NewReader(testdocs.PDF()),
	})
	require.NoError(t, err)
	require.Equal(t, 1, commits)
	after, err := repo.Get(context.Background(), d.ID())
	require.NoError(t, err)
	require.Len(t, after.Documents(), 1)
	r, err := e.blobs.Open(context.Background(), doc.SHA256, doc.Size)
	require.NoError(t, err)
	require.NoError(t, r.Close())
}
