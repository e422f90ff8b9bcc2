package sqlstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// openDB returns a fresh, migrated database of engine e.
func openDB(t *testing.T, e dbtest.Engine) *sqldb.DB {
	t.Helper()
	db := e.Open(t)
	ctx := context.Background()
	if err := sqlstore.Migrate(ctx, db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := outbox.Migrate(ctx, db); err != nil {
		t.Fatalf("outbox.Migrate: %v", err)
	}
	return db
}

// title returns a valid title version; label changes its content (and
// hash) without changing its key.
func title(t *testing.T, code, version, label string) catalogue.TitleVersion {
	t.Helper()
	yaml := fmt.Sprintf(`code: %s
version: %q
label: %q
level: 5
valid_from: 2024-01-01
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: Activité 1
    competences:
      - code: CCP1-C1
        label: Compétence 1
epreuves:
  - kind: MISE_EN_SITUATION_PROFESSIONNELLE
    session_types: [TITRE, CCP]
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`, code, version, label)
	tv, err := catalogue.Parse("test.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return tv
}

// countEvents returns how many outbox rows have the given subject.
func countEvents(t *testing.T, db *sqldb.DB, subject string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM outbox WHERE subject = $1`, subject).Scan(&n); err != nil {
		t.Fatalf("count outbox: %v", err)
	}
	return n
}
