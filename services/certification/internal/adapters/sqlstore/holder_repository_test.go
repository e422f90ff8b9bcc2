package sqlstore_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

func identity(version int64, birthName string) holder.Holder {
	return holder.Holder{
		CandidateID:      "0198c0de-0000-7000-8000-000000000001",
		Subject:          "sub-1",
		BirthName:        birthName,
		UsageName:        "Usage",
		GivenNames:       []string{"Anne", "Marie"},
		BirthDate:        "1990-05-17",
		BirthCommune:     "Lyon",
		BirthCountryCode: "FR",
		Sex:              "F",
		BirthInseeCode:   "69123",
		SourceVersion:    version,
		UpdatedAt:        time.Date(2026, 1, 2, 3, 4, int(version), 0, time.UTC),
	}
}

func TestHolderRepository(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB)
			}{
				{"unknown candidate is not found", testHolderNotFound},
				{"upsert stores newer versions and ignores older and equal ones", testHolderUpsert},
				{"a write in a transaction that rolls back leaves nothing", testHolderRollback},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, openDB(t, e))
				})
			}
		})
	}
}

func testHolderNotFound(t *testing.T, db *sqldb.DB) {
	_, err := sqlstore.NewHolderRepository(db).Get(context.Background(), "missing")
	if !errors.Is(err, holder.ErrNotFound) {
		t.Fatalf("Get(missing) = %v; want holder.ErrNotFound", err)
	}
}

func testHolderUpsert(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	repo := sqlstore.NewHolderRepository(db)
	steps := []struct {
		name      string
		in        holder.Holder
		wantWrite bool
		want      holder.Holder // stored afterwards
	}{
		{"first version is stored", identity(2, "Martin"), true, identity(2, "Martin")},
		{"same version again is ignored", identity(2, "Autre"), false, identity(2, "Martin")},
		{"older version is ignored", identity(1, "Ancien"), false, identity(2, "Martin")},
		{"newer version replaces", identity(3, "Durand"), true, identity(3, "Durand")},
	}
	for _, s := range steps {
		wrote, err := repo.Upsert(ctx, s.in)
		if err != nil || wrote != s.wantWrite {
			t.Fatalf("%s: Upsert() = %v, %v; want %v", s.name, wrote, err, s.wantWrite)
		}
		got, err := repo.Get(ctx, s.in.CandidateID)
		if err != nil {
			t.Fatalf("%s: Get: %v", s.name, err)
		}
		if !reflect.DeepEqual(got, s.want) {
			t.Fatalf("%s: stored %+v; want %+v", s.name, got, s.want)
		}
	}
}

func testHolderRollback(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	errAbort := errors.New("abort")
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		wrote, err := sqlstore.NewHolderRepositoryTx(tx).Upsert(ctx, identity(1, "Martin"))
		if err != nil || !wrote {
			t.Errorf("Upsert in tx = %v, %v", wrote, err)
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("InTx = %v", err)
	}
	if _, err := sqlstore.NewHolderRepository(db).Get(ctx, identity(1, "").CandidateID); !errors.Is(err, holder.ErrNotFound) {
		t.Fatalf("Get after rollback = %v; want not found", err)
	}
}
