package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

func TestSnapshotRepository_SubmitStoresTheSnapshotAndItsEvent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d := create(t, repo, "cand-1", baseTime)
		doc := document(t, "attestation.pdf", 42)
		_, err := repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error { return d.AddDocument(doc, dossier.Limits{}, baseTime) })
		require.NoError(t, err)

		at := baseTime.Add(time.Hour)
		key := dossier.RequestKey{CreatedBy: "alice", RequestID: "sub-1", RequestHash: "h"}
		s, err := repo.Submit(ctx, d.ID(), key, submitFn(t, at))
		require.NoError(t, err)

		got, err := repo.Snapshot(ctx, d.ID(), s.ID)
		require.NoError(t, err)
		require.Equal(t, s.ManifestHash, got.ManifestHash)
		require.Equal(t, s.Content, got.Content)
		require.Equal(t, s.Cover, got.Cover)
		require.Equal(t, []dossier.Document{{ID: doc.ID, FileName: doc.FileName, ContentType: doc.ContentType,
			Size: doc.Size, SHA256: doc.SHA256, Kind: doc.Kind, CreatedAt: baseTime}}, got.Documents)
		require.True(t, got.SubmittedAt.Equal(at))
		ok, err := got.VerifyManifest()
		require.NoError(t, err)
		require.True(t, ok, "R41: the stored snapshot still matches its manifest hash")

		// The event committed with the snapshot.
		var subject, typ, resource string
		var payload []byte
		require.NoError(t, db.QueryRowContext(ctx, `SELECT subject, type, resource, payload FROM outbox`).
			Scan(&subject, &typ, &resource, &payload))
		require.Equal(t, "titrepro.portfolio.v1.dossier_submitted", subject)
		require.Equal(t, "titrepro.portfolio.v1.DossierSubmitted", typ)
		require.Equal(t, "dossiers/"+d.ID()+"/snapshots/"+s.ID, resource)
		var ev portfoliov1.DossierSubmitted
		require.NoError(t, proto.Unmarshal(payload, &ev))
		require.Equal(t, s.ID, ev.GetSnapshotId())
		require.Equal(t, "sess-1", ev.GetSessionId())
		require.Equal(t, "cy-1", ev.GetCandidacyId())
		require.Equal(t, s.ManifestHash, ev.GetManifestHash())
		require.Equal(t, "2026-03-01", ev.GetSwornStatementDate())

		// A retry returns the same snapshot and publishes nothing more.
		again, err := repo.Submit(ctx, d.ID(), key, submitFn(t, at.Add(time.Minute)))
		require.NoError(t, err)
		require.Equal(t, s.ID, again.ID)
		require.Equal(t, 1, count(t, db, "snapshots"))
		require.Equal(t, 1, count(t, db, "outbox"))
		key.RequestHash = "other"
		_, err = repo.Submit(ctx, d.ID(), key, submitFn(t, at))
		require.ErrorIs(t, err, dossier.ErrRequestIDReused)

		// R41: deleting the document and editing the draft leave the
		// snapshot as it was.
		_, err = repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error {
			c := d.Content()
			c.Examples[0].Tasks = "rewritten"
			if err := d.Update(c, []string{"examples"}, title, at); err != nil {
				return err
			}
			return d.RemoveDocument(doc.ID, at)
		})
		require.NoError(t, err)
		frozen, err := repo.Snapshot(ctx, d.ID(), s.ID)
		require.NoError(t, err)
		require.Equal(t, got, frozen)
		with, err := repo.SnapshotsWithDocument(ctx, d.ID(), doc.ID)
		require.NoError(t, err)
		require.Len(t, with, 1)
		require.Equal(t, s.ID, with[0].ID)

		_, err = repo.Snapshot(ctx, d.ID(), "missing")
		require.ErrorIs(t, err, dossier.ErrSnapshotNotFound)
		_, err = repo.Snapshot(ctx, "other-dossier", s.ID)
		require.ErrorIs(t, err, dossier.ErrSnapshotNotFound)
	})
}

func TestSnapshotRepository_SubmitFailureWritesNothing(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d, err := repo.Create(ctx, mustNew(t, dossier.Content{}), dossier.RequestKey{CreatedBy: "alice"})
		require.NoError(t, err)
		_, err = repo.Submit(ctx, d.ID(), dossier.RequestKey{CreatedBy: "alice"}, submitFn(t, baseTime))
		require.ErrorIs(t, err, dossier.ErrIncomplete)
		require.Equal(t, 0, count(t, db, "snapshots"))
		require.Equal(t, 0, count(t, db, "outbox"))
	})
}

func mustNew(t *testing.T, c dossier.Content) *dossier.Dossier {
	t.Helper()
	d, err := dossier.New(newID(t), "cand-9", title, c, baseTime)
	require.NoError(t, err)
	return d
}

func TestSnapshotRepository_ListFilters(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d1 := create(t, repo, "cand-1", baseTime)
		d2 := create(t, repo, "cand-2", baseTime)
		var ids []string
		for i, d := range []*dossier.Dossier{d1, d2, d1} {
			s, err := repo.Submit(ctx, d.ID(), dossier.RequestKey{CreatedBy: "x"}, submitFn(t, baseTime.Add(time.Duration(i)*time.Minute)))
			require.NoError(t, err)
			ids = append(ids, s.ID)
		}
		of1, err := repo.Snapshots(ctx, dossier.SnapshotQuery{DossierID: d1.ID(), Limit: 10})
		require.NoError(t, err)
		require.Len(t, of1, 2)
		require.Equal(t, ids[0], of1[0].ID)
		require.Equal(t, ids[2], of1[1].ID)

		page, err := repo.Snapshots(ctx, dossier.SnapshotQuery{SessionID: "sess-1", Limit: 2})
		require.NoError(t, err)
		require.Len(t, page, 2)
		rest, err := repo.Snapshots(ctx, dossier.SnapshotQuery{SessionID: "sess-1", Limit: 2,
			After: &dossier.Cursor{CreatedAt: page[1].SubmittedAt, ID: page[1].ID}})
		require.NoError(t, err)
		require.Len(t, rest, 1)
		require.Equal(t, ids[2], rest[0].ID)

		none, err := repo.Snapshots(ctx, dossier.SnapshotQuery{SessionID: "other", Limit: 10})
		require.NoError(t, err)
		require.Empty(t, none)

		// A recused juror's list leaves candidates out (R21), with paging.
		but1, err := repo.Snapshots(ctx, dossier.SnapshotQuery{SessionID: "sess-1", ExceptCandidates: []string{"cand-1"}, Limit: 10})
		require.NoError(t, err)
		require.Len(t, but1, 1)
		require.Equal(t, ids[1], but1[0].ID)
		butBoth, err := repo.Snapshots(ctx, dossier.SnapshotQuery{SessionID: "sess-1", ExceptCandidates: []string{"cand-1", "cand-2"},
			After: &dossier.Cursor{CreatedAt: baseTime.Add(-time.Hour), ID: ""}, Limit: 10})
		require.NoError(t, err)
		require.Empty(t, butBoth)
	})
}
