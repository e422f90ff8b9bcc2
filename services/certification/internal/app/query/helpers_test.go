package query_test

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
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// sqliteDB returns a fresh, migrated SQLite database.
func sqliteDB(t *testing.T) *sqldb.DB {
	t.Helper()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	if err := sqlstore.Migrate(context.Background(), db); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	if err := outbox.Migrate(context.Background(), db); err != nil {
		t.Fatalf("outbox.Migrate: %v", err)
	}
	return db
}

// publish stores title versions (code@version) at the given time.
func publish(t *testing.T, repo catalogue.Repository, at time.Time, keys ...catalogue.Key) {
	t.Helper()
	var titles []catalogue.TitleVersion
	for _, k := range keys {
		tv, err := catalogue.Parse("test.yaml", []byte(fmt.Sprintf(`code: %s
version: %q
label: Titre
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
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`, k.Code, k.Version)))
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		titles = append(titles, tv)
	}
	if _, err := repo.Publish(context.Background(), at, titles...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
}

func as(subject string, roles ...auth.Role) context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{Subject: subject, Roles: roles})
}

// requireKind fails unless err is an *apperr.Error of kind and reason.
func requireKind(t *testing.T, err error, kind apperr.Kind, reason string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != kind || ae.Reason != reason {
		t.Fatalf("err = %v; want %v %s", err, kind, reason)
	}
}
