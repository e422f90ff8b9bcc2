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
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// TestMigrateUpgradesAStoreOfTheFirstSchema: a data folder written before
// the evaluation aggregate (migrations up to 0003) upgrades in place and
// keeps its sessions and evaluations, which then read and write through the
// new paths (ADR 0006); its candidacies gain the candidate's access route
// (0007).
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
			s, ids := seedFirstSchema(t, db)

			require.NoError(t, sqlstore.Migrate(ctx, db), "the upgrade runs on a store with data")
			indexes := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'candidacies_session_subject'`
			if e.Name == dbtest.Postgres {
				indexes = `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'candidacies_session_subject'`
			}
			var n int
			require.NoError(t, db.QueryRowContext(ctx, indexes).Scan(&n))
			require.Equal(t, 1, n, "migration 0004 ran")
			part, err := st.sessions.GetPart(ctx, s, session.Part{CandidacyID: ids[0], CandidateSubject: "person-b"})
			require.NoError(t, err)
			require.Len(t, part.Candidacies(), 2)
			got, err := part.Evaluation(ids[0], "j1")
			require.NoError(t, err)
			_, err = st.sessions.Get(ctx, s)
			require.NoError(t, err)
			require.Equal(t, int64(1), got.Version, "the evaluation written before the upgrade is kept")
			again := score(t, st, s, ids[0], "j1", got.Etag())
			require.Equal(t, int64(2), again.Version)
			for _, c := range part.Candidacies() {
				want := candidate.RouteTraining // migration 0007 copies the route from the projection
				if c.ID == ids[1] {
					want = "" // not projected
				}
				require.Equal(t, want, c.AccessRoute, c.ID)
				require.False(t, c.Withdrawn())
			}
		})
	}
}

// seedFirstSchema writes, in the schema of migrations 0001 to 0003, an
// IN_PROGRESS session titre with jurors j1 to j3, candidacies of cand-a
// (person-a, projected on the training route) and cand-b (person-b), and
// j1's evaluation of the first, version 1. It returns the session's id
// and the candidacies' ids. Plain SQL: today's code writes today's schema.
func seedFirstSchema(t *testing.T, db *sqldb.DB) (string, []string) {
	t.Helper()
	ctx := context.Background()
	sessionID, ids := newID(t), []string{newID(t), newID(t)}
	exec := func(q string, args ...any) {
		t.Helper()
		_, err := db.ExecContext(ctx, q, args...)
		require.NoError(t, err, q)
	}
	exec(`INSERT INTO sessions (id, centre_id, type, title_id, title_version, ccp_codes, site, start_date, end_date,
			dossier_deadline, state, version, created_by, created_at, updated_at)
		VALUES ($1, 'C', 'TITRE', 'TP-00495', '2008', '["CCP1","CCP2"]', 'AFPA Lyon', '2026-06-01', '2026-06-03',
			'2026-05-25', 'IN_PROGRESS', 3, 'u', $2, $2)`, sessionID, now)
	for _, j := range []string{"j1", "j2", "j3"} {
		exec(`INSERT INTO session_jurors (session_id, subject, display_name, habilitation_number, habilitation_title_id,
				habilitation_valid_from, habilitation_valid_to, declared_links, assigned_at)
			VALUES ($1, $2, $3, $4, 'TP-00495', '2025-01-01', '2027-12-31', '[]', $5)`, sessionID, j, "Juror "+j, "HAB-"+j, now)
	}
	for i, id := range ids {
		suffix := string(rune('a' + i))
		exec(`INSERT INTO candidacies (id, session_id, candidate_id, candidate_subject, candidate_name, training_organisation,
				ccp_codes, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 'Martin Alice', 'AFPA Lyon', '["CCP1","CCP2"]', 1, $5, $5)`,
			id, sessionID, "cand-"+suffix, "person-"+suffix, now)
	}
	exec(`INSERT INTO candidates (id, subject, birth_name, given_names, access_route, training_organisation, source_version)
		VALUES ('cand-a', 'person-a', 'Martin', '["Alice"]', 'TRAINING', 'AFPA Lyon', 1)`)
	exec(`INSERT INTO evaluations (candidacy_id, juror_subject, session_id, items, version, updated_at)
		VALUES ($1, 'j1', $2, '[{"competence_code":"CCP1-C1","epreuve":"MISE_EN_SITUATION_PROFESSIONNELLE","verdict":"MASTERED","observation":""}]', 1, $3)`,
		ids[0], sessionID, now)
	return sessionID, ids
}
