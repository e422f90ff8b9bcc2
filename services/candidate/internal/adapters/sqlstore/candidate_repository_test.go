package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestCandidateRepository_CreateAndGet(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := newCandidate(t, "user-1", "centre-1", baseTime.Add(123456789*time.Nanosecond))
		stored, err := repo.Create(ctx, c, candidate.CreateKey{CreatedBy: "centre-user"})
		require.NoError(t, err)
		require.Equal(t, c.ID(), stored.ID())

		got, err := repo.Get(ctx, c.ID())
		require.NoError(t, err)
		require.Equal(t, c.Details(), got.Details())
		require.Equal(t, "centre-1", got.CentreID())
		require.Equal(t, int64(1), got.Version())
		require.True(t, got.CreatedAt().Equal(c.CreatedAt()), "created_at = %v; want %v", got.CreatedAt(), c.CreatedAt())
		require.True(t, got.UpdatedAt().Equal(c.UpdatedAt()), "updated_at = %v; want %v", got.UpdatedAt(), c.UpdatedAt())

		// A VAE candidate without optional parts round-trips too.
		d := details("")
		d.UsageName, d.Phone, d.PostalAddress, d.Training = "", "", nil, nil
		d.AccessRoute = candidate.RouteVAE
		d.VAE = &candidate.VAEAdmissibility{DecisionDate: "2025-06-10"}
		vae, err := candidate.New("0197a5d0-0000-7000-8000-0000000000aa", "", d, baseTime)
		require.NoError(t, err)
		_, err = repo.Create(ctx, vae, candidate.CreateKey{CreatedBy: "centre-user"})
		require.NoError(t, err)
		got, err = repo.Get(ctx, vae.ID())
		require.NoError(t, err)
		require.Equal(t, vae.Details(), got.Details())

		rows := outboxRows(t, db)
		require.Len(t, rows, 2)
		require.Equal(t, "titrepro.candidate.v1.candidate_registered", rows[0].Subject)
		require.Equal(t, "titrepro.candidate.v1.CandidateRegistered", rows[0].Type)
		require.Equal(t, "titrepro/candidate", rows[0].Source)
		require.Equal(t, "candidates/"+c.ID(), rows[0].Resource)
		var ev candidatev1.CandidateRegistered
		require.NoError(t, proto.Unmarshal(rows[0].Payload, &ev))
		require.Equal(t, rows[0].ID, ev.GetEventId())
		require.Equal(t, int64(1), ev.GetVersion())
		require.Equal(t, c.ID(), ev.GetCandidate().GetId())
		require.Empty(t, ev.GetCandidate().GetEtag(), "events omit the etag")
	})
}

func TestCandidateRepository_GetUnknown(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, _ *sqldb.DB, repo *sqlstore.CandidateRepository) {
		_, err := repo.Get(context.Background(), "0197a5d0-0000-7000-8000-00000000ffff")
		require.ErrorIs(t, err, candidate.ErrNotFound)
	})
}

func TestCandidateRepository_IdempotentCreate(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		key := candidate.CreateKey{CreatedBy: "centre-user", RequestID: "9a7e2c5e-9d4e-4e4b-8a56-3f0b1c2d3e4f", RequestHash: "h1"}
		first, err := repo.Create(ctx, newCandidate(t, "", "centre-1", baseTime), key)
		require.NoError(t, err)

		// Same caller, same request id, same content: the first record, no new row or event.
		again, err := repo.Create(ctx, newCandidate(t, "", "centre-1", baseTime.Add(time.Second)), key)
		require.NoError(t, err)
		require.Equal(t, first.ID(), again.ID())
		require.Equal(t, 1, countCandidates(t, db))
		require.Len(t, outboxRows(t, db), 1)

		// Same request id with other content: refused.
		other := key
		other.RequestHash = "h2"
		_, err = repo.Create(ctx, newCandidate(t, "", "centre-1", baseTime), other)
		require.ErrorIs(t, err, candidate.ErrRequestIDReused)

		// Another caller may use the same request id.
		elsewhere := key
		elsewhere.CreatedBy = "other-centre-user"
		third, err := repo.Create(ctx, newCandidate(t, "", "centre-2", baseTime), elsewhere)
		require.NoError(t, err)
		require.NotEqual(t, first.ID(), third.ID())
		require.Equal(t, 2, countCandidates(t, db))
		require.Len(t, outboxRows(t, db), 2)
	})
}

func TestCandidateRepository_ConcurrentIdempotentCreates(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		key := candidate.CreateKey{CreatedBy: "user-1", RequestID: "0197a5d0-0000-7000-8000-00000000beef", RequestHash: "h"}
		const n = 8
		ids := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				c, err := repo.Create(context.Background(), newCandidate(t, "user-1", "", baseTime), key)
				errs[i] = err
				if err == nil {
					ids[i] = c.ID()
				}
			})
		}
		wg.Wait()
		for i := range n {
			require.NoError(t, errs[i], "retry %d", i)
			require.Equal(t, ids[0], ids[i], "every retry returns the first record")
		}
		require.Equal(t, 1, countCandidates(t, db))
		require.Len(t, outboxRows(t, db), 1)
	})
}

func TestCandidateRepository_UniqueSubject(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		create(t, repo, "user-1", "", baseTime)
		_, err := repo.Create(ctx, newCandidate(t, "user-1", "centre-1", baseTime), candidate.CreateKey{CreatedBy: "centre-user"})
		require.ErrorIs(t, err, candidate.ErrAlreadyRegistered)

		// Records without a subject are not constrained.
		create(t, repo, "", "centre-1", baseTime)
		create(t, repo, "", "centre-1", baseTime)
		require.Equal(t, 3, countCandidates(t, db))
		require.Len(t, outboxRows(t, db), 3, "a refused create writes no event")

		// Racing creates for one subject: exactly one wins.
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = repo.Create(ctx, newCandidate(t, "user-2", "", baseTime), candidate.CreateKey{CreatedBy: fmt.Sprintf("c%d", i)})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, candidate.ErrAlreadyRegistered)
		}
		require.Equal(t, 1, wins)
	})
}

func TestCandidateRepository_Update(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := create(t, repo, "user-1", "centre-1", baseTime)
		at := baseTime.Add(time.Hour)
		updated, err := repo.Update(ctx, c.ID(), func(c *candidate.Candidate) error {
			p := c.Details()
			p.Email = "new@example.org"
			p.PostalAddress = nil
			return c.Update(p, []string{"email", "postal_address"}, at)
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), updated.Version())

		got, err := repo.Get(ctx, c.ID())
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version())
		require.Equal(t, "new@example.org", got.Details().Email)
		require.Nil(t, got.Details().PostalAddress)
		require.True(t, got.UpdatedAt().Equal(at))
		require.True(t, got.CreatedAt().Equal(c.CreatedAt()))

		rows := outboxRows(t, db)
		require.Len(t, rows, 2)
		require.Equal(t, "titrepro.candidate.v1.candidate_updated", rows[1].Subject)
		var ev candidatev1.CandidateUpdated
		require.NoError(t, proto.Unmarshal(rows[1].Payload, &ev))
		require.Equal(t, []string{"email", "postal_address"}, ev.GetChangedFields())
		require.Equal(t, int64(2), ev.GetVersion())
		require.Equal(t, rows[1].ID, ev.GetEventId())

		// A change that changes nothing writes nothing.
		same, err := repo.Update(ctx, c.ID(), func(c *candidate.Candidate) error {
			return c.Update(c.Details(), []string{"email"}, at)
		})
		require.NoError(t, err)
		require.Equal(t, int64(2), same.Version())
		require.Len(t, outboxRows(t, db), 2)

		_, err = repo.Update(ctx, "0197a5d0-0000-7000-8000-00000000ffff", func(*candidate.Candidate) error { return nil })
		require.ErrorIs(t, err, candidate.ErrNotFound)
	})
}

func TestCandidateRepository_UpdateSubjectTaken(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		create(t, repo, "user-1", "", baseTime)
		unbound := create(t, repo, "", "centre-1", baseTime)
		_, err := repo.Update(context.Background(), unbound.ID(), func(c *candidate.Candidate) error {
			p := c.Details()
			p.Subject = "user-1"
			return c.Update(p, []string{"subject"}, baseTime)
		})
		require.ErrorIs(t, err, candidate.ErrAlreadyRegistered)
		require.Len(t, outboxRows(t, db), 2, "the refused update wrote no event")
	})
}

func TestCandidateRepository_RollbackWritesNoOutboxRow(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := create(t, repo, "user-1", "", baseTime)
		boom := errors.New("boom")
		_, err := repo.Update(ctx, c.ID(), func(c *candidate.Candidate) error {
			p := c.Details()
			p.Email = "changed@example.org"
			if err := c.Update(p, []string{"email"}, baseTime); err != nil {
				return err
			}
			return boom // fails after the change and its event were recorded
		})
		require.ErrorIs(t, err, boom)
		got, err := repo.Get(ctx, c.ID())
		require.NoError(t, err)
		require.Equal(t, int64(1), got.Version())
		require.Equal(t, "camille.martin@example.org", got.Details().Email)
		require.Len(t, outboxRows(t, db), 1, "only the registration event")
	})
}

// TestCandidateRepository_ConcurrentUpdates: two clients update from the
// same etag; exactly one wins and the other gets ErrVersionConflict.
func TestCandidateRepository_ConcurrentUpdates(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		c := create(t, repo, "user-1", "", baseTime)
		// On PostgreSQL both transactions read version 1 before either saves
		// (the barrier), so the loser is stopped by the conditional UPDATE.
		// SQLite serialises write transactions (BEGIN IMMEDIATE): the second
		// reads version 2 and is stopped by the etag check.
		var barrier sync.WaitGroup
		if db.Dialect == sqldb.DialectPostgres {
			barrier.Add(2)
		}
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range 2 {
			wg.Go(func() {
				entered := false
				_, errs[i] = repo.Update(context.Background(), c.ID(), func(c *candidate.Candidate) error {
					if db.Dialect == sqldb.DialectPostgres && !entered {
						entered = true
						barrier.Done()
						barrier.Wait()
					}
					if err := c.CheckEtag("1"); err != nil {
						return err
					}
					p := c.Details()
					p.Email = fmt.Sprintf("writer%d@example.org", i)
					return c.Update(p, []string{"email"}, baseTime)
				})
			})
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
				continue
			}
			require.ErrorIs(t, err, candidate.ErrVersionConflict)
		}
		require.Equal(t, 1, wins)
		got, err := repo.Get(context.Background(), c.ID())
		require.NoError(t, err)
		require.Equal(t, int64(2), got.Version())
		require.Len(t, outboxRows(t, db), 2, "one registration, one update")
	})
}
