package sqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// TestCandidateRepository_ListPagingWhileInserting pages through 120
// candidates, 7 at a time, while 40 more are inserted with creation times
// spread over the same range. Every original candidate must be seen exactly
// once, nothing twice, and in (created_at, id) order.
func TestCandidateRepository_ListPagingWhileInserting(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		const originals = 120
		want := map[string]bool{}
		for i := range originals {
			// Groups of three share a timestamp, so ties are broken by id.
			c := create(t, repo, "", "centre-1", baseTime.Add(time.Duration(i/3)*time.Millisecond))
			want[c.ID()] = true
		}

		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range 40 {
				at := baseTime.Add(time.Duration(i)*time.Millisecond + 500*time.Microsecond)
				if _, err := repo.Create(ctx, newCandidate(t, "", "centre-1", at), candidate.CreateKey{CreatedBy: "x"}); err != nil {
					t.Errorf("concurrent Create() = %v", err)
					return
				}
			}
		})

		seen := map[string]bool{}
		var prev *candidate.Candidate
		var after *candidate.Cursor
		for pages := 0; ; pages++ {
			require.Less(t, pages, 100, "paging does not end")
			page, err := repo.List(ctx, candidate.ListQuery{CentreID: "centre-1", After: after, Limit: 7})
			require.NoError(t, err)
			for _, c := range page {
				require.False(t, seen[c.ID()], "candidate %s seen twice", c.ID())
				seen[c.ID()] = true
				if prev != nil {
					ordered := prev.CreatedAt().Before(c.CreatedAt()) ||
						prev.CreatedAt().Equal(c.CreatedAt()) && prev.ID() < c.ID()
					require.True(t, ordered, "%s (%v) listed after %s (%v)", c.ID(), c.CreatedAt(), prev.ID(), prev.CreatedAt())
				}
				prev = c
			}
			if len(page) < 7 {
				break
			}
			last := page[len(page)-1]
			after = &candidate.Cursor{CreatedAt: last.CreatedAt(), ID: last.ID()}
		}
		wg.Wait()
		for id := range want {
			require.True(t, seen[id], "original candidate %s was skipped", id)
		}
	})
}

func TestCandidateRepository_ListFilters(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, _ *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		a := create(t, repo, "user-a", "centre-1", baseTime)
		b := create(t, repo, "", "centre-1", baseTime.Add(time.Second))
		self := create(t, repo, "user-c", "", baseTime.Add(2*time.Second))
		other := create(t, repo, "", "centre-2", baseTime.Add(3*time.Second))

		ids := func(q candidate.ListQuery) []string {
			q.Limit = 50
			got, err := repo.List(ctx, q)
			require.NoError(t, err)
			out := []string{}
			for _, c := range got {
				out = append(out, c.ID())
			}
			return out
		}
		require.Equal(t, []string{a.ID(), b.ID(), self.ID(), other.ID()}, ids(candidate.ListQuery{}))
		require.Equal(t, []string{a.ID(), b.ID()}, ids(candidate.ListQuery{CentreID: "centre-1"}))
		require.Equal(t, []string{self.ID()}, ids(candidate.ListQuery{Subject: "user-c"}))
		require.Equal(t, []string{}, ids(candidate.ListQuery{Subject: "nobody"}))
		require.Equal(t, []string{other.ID()}, ids(candidate.ListQuery{After: &candidate.Cursor{CreatedAt: self.CreatedAt(), ID: self.ID()}}))
	})
}
