package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// TestResultRepository_Versions (R51): a returned result is replaced by
// the next version of the minutes, the first staying readable as received
// with its return; an earlier version delivered again changes nothing; a
// version that does not follow the returned one is refused.
func TestResultRepository_Versions(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openDB(t, e)
			if err := outbox.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			repo := sqlstore.NewResultRepository(db)
			store := sqlstore.NewValidationStore(db, outbox.New(db))
			v1 := minutes("s1", "cand-1", "cand-2")
			if _, err := repo.Record(ctx, v1); err != nil {
				t.Fatal(err)
			}
			at := received.Add(time.Hour)
			err := store.InValidation(ctx, func(ctx context.Context, u command.ValidationUnit) error {
				r, err := u.Result(ctx, "s1")
				if err != nil {
					return err
				}
				if err := r.MarkReturned("dreets", at, minutesHash, "CCP2 : motivation insuffisante", []string{"cy-cand-2"}); err != nil {
					return err
				}
				return u.SaveReturn(ctx, r)
			})
			if err != nil {
				t.Fatalf("return: %v", err)
			}
			got, err := repo.Get(ctx, "s1")
			if err != nil || got.State != result.Returned || got.Return == nil || got.Return.Reason != "CCP2 : motivation insuffisante" {
				t.Fatalf("returned result = %+v, %v", got, err)
			}
			if list, err := repo.List(ctx, result.Returned, "", 10); err != nil || len(list) != 1 {
				t.Fatalf("List(RETURNED) = %v, %v", list, err)
			}
			if list, err := repo.List(ctx, result.AwaitingValidation, "", 10); err != nil || len(list) != 0 {
				t.Fatalf("List(AWAITING) = %v, %v", list, err)
			}

			skip := minutes("s1", "cand-1", "cand-2")
			skip.Version, skip.MinutesHash = 3, "h3"
			if _, err := repo.Record(ctx, skip); !errors.Is(err, result.ErrMinutesConflict) {
				t.Fatalf("R51: a version that does not follow the returned one = %v", err)
			}
			v2 := minutes("s1", "cand-1", "cand-2")
			v2.Version, v2.PreviousHash, v2.MinutesHash = 2, minutesHash, "h2"
			v2.Lines[1].Decisions[1] = result.CcpDecision{CcpCode: "CCP2", Outcome: result.Obtained}
			for i := range v2.Signatures {
				v2.Signatures[i].ContentHash = "h2"
			}
			if created, err := repo.Record(ctx, v2); err != nil || !created {
				t.Fatalf("Record(v2) = %v, %v", created, err)
			}
			if created, err := repo.Record(ctx, v1); err != nil || created {
				t.Fatalf("v1 again = %v, %v; want ignored", created, err)
			}
			cur, err := repo.Get(ctx, "s1")
			if err != nil || cur.Version != 2 || cur.State != result.AwaitingValidation || cur.MinutesHash != "h2" || cur.Return != nil {
				t.Fatalf("current = %+v, %v", cur, err)
			}
			if len(cur.History) != 2 || cur.History[0].State != result.Returned || cur.History[1].State != result.AwaitingValidation {
				t.Fatalf("history = %+v", cur.History)
			}
			old, err := repo.Version(ctx, "s1", 1)
			if err != nil || old.MinutesHash != minutesHash || old.Lines[1].Decisions[1].Outcome != result.NotObtained ||
				old.Return == nil || old.State != result.Returned {
				t.Fatalf("version 1 = %+v, %v", old, err)
			}
			if _, err := repo.Version(ctx, "s1", 7); !errors.Is(err, result.ErrVersionNotFound) {
				t.Fatalf("version 7 = %v", err)
			}
			err = store.InValidation(ctx, func(ctx context.Context, u command.ValidationUnit) error {
				r, err := u.Result(ctx, "s1")
				if err != nil {
					return err
				}
				if err := r.MarkValidated("dreets", at, minutesHash); !errors.Is(err, result.ErrVersionSuperseded) {
					t.Errorf("R51: validating v1 = %v; want MINUTES_VERSION_SUPERSEDED", err)
				}
				if err := r.MarkValidated("dreets", at, "h2"); err != nil {
					return err
				}
				return u.SaveValidation(ctx, r)
			})
			if err != nil {
				t.Fatalf("validate v2: %v", err)
			}
			cur, err = repo.Get(ctx, "s1")
			if err != nil || cur.State != result.Validated || cur.ValidatedVersion != 2 {
				t.Fatalf("validated = %+v, %v", cur, err)
			}
			people, err := repo.ValidatedFor(ctx, "cand-2")
			if err != nil || len(people) != 1 || people[0].LinesOf("cand-2")[0].Decisions[1].Outcome != result.Obtained {
				t.Fatalf("cand-2's validated results = %+v, %v", people, err)
			}
		})
	}
}
