package sqlstore_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestMigrateUpgradesAStoreOfTheFirstSchema: a data folder written before
// the evaluation aggregate (migrations up to 0003) upgrades in place and
// keeps its sessions and evaluations, which then read and write through the
// new paths (ADR 0006).
func TestMigrateUpgradesAStoreOfTheFirstSchema(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t)
			first := fstest.MapFS{}
			for _, d := range []string{"sqlite", "postgres"} {
				for _, f := range []string{"0001_assessment.sql", "0002_minutes_encoding.sql", "0003_candidate_centre.sql"} {
					raw, err := os.ReadFile("migrations/" + d + "/" + f)
					require.NoError(t, err)
					first[d+"/"+f] = &fstest.MapFile{Data: raw}
				}
			}
			require.NoError(t, sqldb.Migrate(ctx, db, first, sqlstore.VersionTable))
			// The code writing below reads the minutes versions (0008, R51),
			// a table of its own that nothing before needs: the old store gets
			// it now, and 0008 (IF NOT EXISTS) leaves it as it is.
			raw, err := os.ReadFile("migrations/" + e.Name + "/0008_minutes_versions.sql")
			require.NoError(t, err)
			up, _, _ := strings.Cut(strings.TrimPrefix(string(raw), "-- +goose Up"), "-- +goose Down")
			_, err = db.ExecContext(ctx, up)
			require.NoError(t, err)
			require.NoError(t, outbox.Migrate(ctx, db))
			st := store{db: db, sessions: sqlstore.NewSessionRepository(db, outbox.New(db)), engine: e.Name}
			s, ids := opened(t, st, 2)
			stored := score(t, st, s.ID(), ids[0], "j1", "")

			require.NoError(t, sqlstore.Migrate(ctx, db), "the upgrade runs on a store with data")
			indexes := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'candidacies_session_subject'`
			if e.Name == dbtest.Postgres {
				indexes = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'candidacies_session_subject'`
			}
			var n int
			require.NoError(t, db.QueryRowContext(ctx, indexes).Scan(&n))
			require.Equal(t, 1, n, "migration 0004 ran")
			part, err := st.sessions.GetPart(ctx, s.ID(), session.Part{CandidacyID: ids[0], CandidateSubject: "person-b"})
			require.NoError(t, err)
			require.Len(t, part.Candidacies(), 2)
			got, err := part.Evaluation(ids[0], "j1")
			require.NoError(t, err)
			require.Equal(t, stored.Version, got.Version, "the evaluation written before the upgrade is kept")
			again := score(t, st, s.ID(), ids[0], "j1", got.Etag())
			require.Equal(t, int64(2), again.Version)
		})
	}
}
