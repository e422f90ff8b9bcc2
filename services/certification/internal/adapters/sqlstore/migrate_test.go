package sqlstore_test

import (
	"context"
	"os"
	"testing"
	"testing/fstest"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// TestMigrateIndexesTheResultsValidatedBefore: a store written before the
// index of validated results by person (migrations up to 0003) upgrades in
// place, and the results validated by then show in the records of the
// people they decide on; one still awaiting validation does not (R51).
func TestMigrateIndexesTheResultsValidatedBefore(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t)
			first := fstest.MapFS{}
			for _, d := range []string{"sqlite", "postgres"} {
				for _, f := range []string{"0001_catalogue_and_holders.sql", "0002_results_records_certificates.sql", "0003_certificate_format.sql"} {
					raw, err := os.ReadFile("migrations/" + d + "/" + f)
					if err != nil {
						t.Fatal(err)
					}
					first[d+"/"+f] = &fstest.MapFile{Data: raw}
				}
			}
			if err := sqldb.Migrate(ctx, db, first, sqlstore.VersionTable); err != nil {
				t.Fatalf("first schema: %v", err)
			}
			repo := sqlstore.NewResultRepository(db)
			// The rows as the code of that schema wrote them.
			lines := `[{"candidacy_id":"cy-a","candidate_id":"cand-a","decisions":[{"ccp_code":"CCP1","outcome":"NOT_OBTAINED","motivation":"absent"}],` +
				`"title_outcome":"","dossier_manifest_hash":""},{"candidacy_id":"cy-b","candidate_id":"cand-b","decisions":[],"title_outcome":"","dossier_manifest_hash":""}]`
			for _, id := range []string{"s-validated", "s-awaiting"} {
				if _, err := db.ExecContext(ctx, `INSERT INTO results (session_id, centre_id, session_type, title_id, title_version,
						jury_date, minutes_hash, lines, signatures, received_at, state)
					VALUES ($1, '', 'TITRE', 'TP-00001', '2024', '2026-03-01', 'h', $2, '[]', $3, 'AWAITING_VALIDATION')`,
					id, lines, sqldb.Timestamp(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))); err != nil {
					t.Fatalf("insert %s: %v", id, err)
				}
			}
			if _, err := db.ExecContext(ctx, `UPDATE results SET state = 'VALIDATED', validated_by = 'officer' WHERE session_id = 's-validated'`); err != nil {
				t.Fatal(err)
			}

			if err := sqlstore.Migrate(ctx, db); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			for _, who := range []string{"cand-a", "cand-b"} {
				got, err := repo.ValidatedFor(ctx, who)
				if err != nil || len(got) != 1 || got[0].SessionID != "s-validated" {
					t.Fatalf("ValidatedFor(%s) = %+v, %v; want s-validated only", who, got, err)
				}
			}
			got, _ := repo.ValidatedFor(ctx, "cand-a")
			if d := got[0].LinesOf("cand-a"); len(d) != 1 || d[0].Decisions[0].Motivation != "absent" {
				t.Errorf("cand-a's line = %+v", d)
			}
			if got, err := repo.ValidatedFor(ctx, "cand-z"); err != nil || len(got) != 0 {
				t.Errorf("ValidatedFor(a stranger) = %+v, %v", got, err)
			}
			// 0006 (R51): the results received before are their first
			// version, the validated ones validated in it.
			v, err := repo.Get(ctx, "s-validated")
			if err != nil || v.Version != 1 || v.ValidatedVersion != 1 || len(v.History) != 1 || v.History[0].State != result.Validated {
				t.Errorf("s-validated after 0006 = %+v, %v", v, err)
			}
		})
	}
}
