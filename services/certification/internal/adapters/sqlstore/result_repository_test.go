package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func TestResultRepository(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB)
			}{
				{"record stores the minutes awaiting validation", testRecordResult},
				{"the same minutes again are recorded once", testRecordResultTwice},
				{"other minutes for the same session are refused", testRecordResultConflict},
				{"unknown session is not found", testResultNotFound},
				{"list pages by session id and filters by state", testListResults},
				{"a record in a transaction that rolls back leaves nothing", testRecordResultRollback},
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

func testRecordResult(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	repo := sqlstore.NewResultRepository(db)
	in := minutes("s1", "cand-1", "cand-2")
	created, err := repo.Record(ctx, in)
	if err != nil || !created {
		t.Fatalf("Record() = %v, %v; want created", created, err)
	}
	got, err := repo.Get(ctx, "s1")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	want := in
	want.Version = 1 // a first version (R51)
	want.History = []result.Version{{Number: 1, Hash: in.MinutesHash, State: result.AwaitingValidation, ReceivedAt: in.ReceivedAt}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Get() =\n%+v\nwant\n%+v", got, want)
	}
}

func testRecordResultTwice(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	repo := sqlstore.NewResultRepository(db)
	for i, want := range []bool{true, false, false} {
		created, err := repo.Record(ctx, minutes("s1", "cand-1"))
		if err != nil || created != want {
			t.Fatalf("Record #%d = %v, %v; want %v", i, created, err, want)
		}
	}
	if n := count(t, db, "results"); n != 1 {
		t.Fatalf("%d results; want 1", n)
	}
}

func testRecordResultConflict(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	repo := sqlstore.NewResultRepository(db)
	if _, err := repo.Record(ctx, minutes("s1", "cand-1")); err != nil {
		t.Fatalf("Record: %v", err)
	}
	other := minutes("s1", "cand-1", "cand-2")
	other.MinutesHash = "other"
	if _, err := repo.Record(ctx, other); !errors.Is(err, result.ErrMinutesConflict) {
		t.Fatalf("Record(other minutes) = %v; want ErrMinutesConflict", err)
	}
	got, err := repo.Get(ctx, "s1")
	if err != nil || got.MinutesHash != minutesHash || len(got.Lines) != 1 {
		t.Fatalf("stored result changed: %+v, %v", got, err)
	}
}

func testResultNotFound(t *testing.T, db *sqldb.DB) {
	if _, err := sqlstore.NewResultRepository(db).Get(context.Background(), "missing"); !errors.Is(err, result.ErrNotFound) {
		t.Fatalf("Get(missing) = %v; want result.ErrNotFound", err)
	}
}

func testListResults(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	repo := sqlstore.NewResultRepository(db)
	for _, id := range []string{"s3", "s1", "s5", "s2", "s4"} {
		if _, err := repo.Record(ctx, minutes(id, "cand-1")); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	for _, id := range []string{"s2", "s4"} {
		err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
			r, err := u.Result(ctx, id)
			if err != nil {
				return err
			}
			if err := r.MarkValidated("officer", received, ""); err != nil {
				return err
			}
			return u.SaveValidation(ctx, r)
		})
		if err != nil {
			t.Fatalf("validate %s: %v", id, err)
		}
	}
	page := func(state result.State) []string {
		var got []string
		after := ""
		for range 10 {
			rows, err := repo.List(ctx, state, after, 2)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(rows) == 0 {
				break
			}
			for _, r := range rows {
				got = append(got, r.SessionID+"="+string(r.State))
			}
			after = rows[len(rows)-1].SessionID
		}
		return got
	}
	tests := []struct {
		state result.State
		want  string
	}{
		{"", "[s1=AWAITING_VALIDATION s2=VALIDATED s3=AWAITING_VALIDATION s4=VALIDATED s5=AWAITING_VALIDATION]"},
		{result.AwaitingValidation, "[s1=AWAITING_VALIDATION s3=AWAITING_VALIDATION s5=AWAITING_VALIDATION]"},
		{result.Validated, "[s2=VALIDATED s4=VALIDATED]"},
	}
	for _, tt := range tests {
		if got := fmt.Sprint(page(tt.state)); got != tt.want {
			t.Errorf("List(%q) = %s; want %s", tt.state, got, tt.want)
		}
	}
	r, err := repo.Get(ctx, "s2")
	if err != nil || r.ValidatedBy != "officer" || !r.ValidatedAt.Equal(received) {
		t.Fatalf("validated result = %+v, %v", r, err)
	}
}

func testRecordResultRollback(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	errAbort := errors.New("abort")
	err := db.InTx(ctx, func(tx *sqldb.Tx) error {
		if _, err := sqlstore.NewResultRepositoryTx(tx).Record(ctx, minutes("s1", "cand-1")); err != nil {
			t.Errorf("Record in tx: %v", err)
		}
		return errAbort
	})
	if !errors.Is(err, errAbort) {
		t.Fatalf("InTx = %v", err)
	}
	if n := count(t, db, "results"); n != 0 {
		t.Fatalf("%d results after rollback; want 0", n)
	}
}
