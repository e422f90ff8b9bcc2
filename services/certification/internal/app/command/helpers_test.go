package command_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
)

// referentiels is the repository's folder of title files.
const referentiels = "../../../../../referentiels"

var fixedNow = func() time.Time { return time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC) }

// sqliteDB returns a fresh, migrated SQLite database.
func sqliteDB(t *testing.T) *sqldb.DB {
	t.Helper()
	return migrated(t, dbtest.Engine{Name: dbtest.SQLite})
}

func migrated(t *testing.T, e dbtest.Engine) *sqldb.DB {
	t.Helper()
	db := e.Open(t)
	if err := sqlstore.Migrate(context.Background(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := outbox.Migrate(context.Background(), db); err != nil {
		t.Fatalf("outbox.Migrate: %v", err)
	}
	return db
}

func titleRepo(db *sqldb.DB) *sqlstore.TitleRepository {
	return sqlstore.NewTitleRepository(db, outbox.New(db))
}

// titleYAML is a valid title file; label changes its content only.
func titleYAML(code, version, label string) string {
	return fmt.Sprintf(`code: %s
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
}

func events(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM outbox WHERE subject = $1`, "titrepro.certification.v1.title_version_published").Scan(&n); err != nil {
		t.Fatalf("count events: %v", err)
	}
	return n
}

func titles(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM title_versions`).Scan(&n); err != nil {
		t.Fatalf("count titles: %v", err)
	}
	return n
}

func as(roles ...auth.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{Subject: "user-1", Roles: roles, Centre: "centre-1"})
}

// requireKind fails unless err is an *apperr.Error of kind and reason.
func requireKind(t *testing.T, err error, kind apperr.Kind, reason string) *apperr.Error {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != kind || ae.Reason != reason {
		t.Fatalf("err = %v; want %v %s", err, kind, reason)
	}
	return ae
}
