package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

func TestDossierRepository_CreateAndGet(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d := create(t, repo, "cand-1", baseTime)
		got, err := repo.Get(ctx, d.ID())
		require.NoError(t, err)
		require.Equal(t, d.Content(), got.Content(), "content round trip, sign time included")
		require.Equal(t, "cand-1", got.CandidateID())
		require.Equal(t, "TP-00495", got.TitleID())
		require.Equal(t, "2008", got.TitleVersion())
		require.Equal(t, int64(1), got.Version())
		require.True(t, got.CreatedAt().Equal(baseTime))
		require.False(t, got.Content().Sworn.SignedAt.IsZero())

		_, err = repo.Get(ctx, "missing")
		require.ErrorIs(t, err, dossier.ErrNotFound)

		_, err = repo.Create(ctx, newDossier(t, "cand-1", baseTime), dossier.RequestKey{CreatedBy: "alice"})
		require.ErrorIs(t, err, dossier.ErrAlreadyExists, "one dossier per candidate and title version")
	})
}

func TestDossierRepository_CreateIsIdempotent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		key := dossier.RequestKey{CreatedBy: "alice", RequestID: "req-1", RequestHash: "h1"}
		first, err := repo.Create(ctx, newDossier(t, "cand-1", baseTime), key)
		require.NoError(t, err)
		again, err := repo.Create(ctx, newDossier(t, "cand-1", baseTime), key)
		require.NoError(t, err)
		require.Equal(t, first.ID(), again.ID(), "a retry returns the first dossier")
		key.RequestHash = "h2"
		_, err = repo.Create(ctx, newDossier(t, "cand-2", baseTime), key)
		require.ErrorIs(t, err, dossier.ErrRequestIDReused)
		require.Equal(t, 1, count(t, db, "dossiers"))
	})
}

func TestDossierRepository_UpdateContentAndDocuments(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d := create(t, repo, "cand-1", baseTime)
		a, b := document(t, "a.pdf", 10), document(t, "b.pdf", 20)
		_, err := repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error {
			c := d.Content()
			c.Examples = c.Examples[:1]
			if err := d.Update(c, []string{"examples"}, title, baseTime.Add(time.Minute)); err != nil {
				return err
			}
			if err := d.AddDocument(a, dossier.Limits{}, baseTime.Add(2*time.Minute)); err != nil {
				return err
			}
			return d.AddDocument(b, dossier.Limits{}, baseTime.Add(3*time.Minute))
		})
		require.NoError(t, err)
		got, err := repo.Get(ctx, d.ID())
		require.NoError(t, err)
		require.Len(t, got.Content().Examples, 1)
		require.Equal(t, int64(4), got.Version())
		require.Equal(t, int64(30), got.TotalDocumentBytes())
		docs := got.Documents()
		require.Len(t, docs, 2)
		require.Equal(t, "a.pdf", docs[0].FileName, "oldest first")
		require.True(t, docs[0].CreatedAt.Equal(baseTime.Add(2*time.Minute)))

		_, err = repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error { return d.RemoveDocument(a.ID, baseTime) })
		require.NoError(t, err)
		got, err = repo.Get(ctx, d.ID())
		require.NoError(t, err)
		require.Len(t, got.Documents(), 1)
		require.Equal(t, b.ID, got.Documents()[0].ID)

		// A failing fn writes nothing.
		boom := errors.New("boom")
		_, err = repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error {
			if err := d.AddDocument(document(t, "c.pdf", 1), dossier.Limits{}, baseTime); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, 1, count(t, db, "documents"))

		_, err = repo.Update(ctx, "missing", func(*dossier.Dossier) error { return nil })
		require.ErrorIs(t, err, dossier.ErrNotFound)
	})
}

// TestDossierRepository_ConcurrentUploadsRespectTheDossierLimit checks
// that the lock of Update serialises changes of one dossier: concurrent
// additions all commit (no spurious conflicts) and the per-dossier limit
// holds, on both engines.
func TestDossierRepository_ConcurrentUploadsRespectTheDossierLimit(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		d := create(t, repo, "cand-1", baseTime)
		limits := dossier.Limits{MaxDossierBytes: 50}
		const writers = 8 // each adds 10 bytes: 5 fit
		var wg sync.WaitGroup
		errs := make([]error, writers)
		for i := range writers {
			wg.Go(func() {
				_, errs[i] = repo.Update(ctx, d.ID(), func(d *dossier.Dossier) error {
					return d.AddDocument(document(t, fmt.Sprintf("%d.pdf", i), 10), limits, baseTime)
				})
			})
		}
		wg.Wait()
		ok, tooLarge := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case errors.Is(err, dossier.ErrDossierTooLarge):
				tooLarge++
			default:
				t.Errorf("Update() = %v", err)
			}
		}
		require.Equal(t, 5, ok)
		require.Equal(t, 3, tooLarge)
		got, err := repo.Get(ctx, d.ID())
		require.NoError(t, err)
		require.Equal(t, int64(50), got.TotalDocumentBytes())
		require.Equal(t, int64(6), got.Version())
	})
}

func TestDossierRepository_ListPagesByCandidate(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository) {
		ctx := context.Background()
		var mine []string
		for i := range 5 {
			tv := title
			tv.Version = fmt.Sprint(2000 + i) // one dossier per candidate and title version
			d, err := dossier.New(newID(t), fmt.Sprintf("cand-%d", i%2), tv, content(), baseTime.Add(time.Duration(i)*time.Second))
			require.NoError(t, err)
			_, err = repo.Create(ctx, d, dossier.RequestKey{CreatedBy: "alice"})
			require.NoError(t, err)
			if i%2 == 0 {
				mine = append(mine, d.ID())
			}
		}
		page, err := repo.List(ctx, dossier.ListQuery{CandidateID: "cand-0", Limit: 2})
		require.NoError(t, err)
		require.Len(t, page, 2)
		last := page[1]
		rest, err := repo.List(ctx, dossier.ListQuery{CandidateID: "cand-0", Limit: 2,
			After: &dossier.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}})
		require.NoError(t, err)
		require.Len(t, rest, 1)
		require.Equal(t, mine, []string{page[0].ID(), page[1].ID(), rest[0].ID()})
		all, err := repo.List(ctx, dossier.ListQuery{Limit: 10})
		require.NoError(t, err)
		require.Len(t, all, 5)
	})
}
