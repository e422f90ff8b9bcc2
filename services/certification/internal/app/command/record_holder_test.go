package command_test

import (
	"context"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

func person(version int64, birthName string) holder.Holder {
	return holder.Holder{
		CandidateID: "cand-1", Subject: "sub-1", BirthName: birthName, GivenNames: []string{"Anne"},
		BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR",
		SourceVersion: version, UpdatedAt: time.Date(2026, 1, 1, 0, 0, int(version), 0, time.UTC),
	}
}

func TestRecordHolder(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewHolderRepository(db)
	h := command.NewRecordHolderHandler()
	ctx := context.Background()
	// One person, events arriving out of order and twice.
	steps := []struct {
		name     string
		in       holder.Holder
		want     holder.Outcome
		wantName string // stored birth name afterwards
	}{
		{"registration is applied", person(1, "Martin"), holder.Apply, "Martin"},
		{"version 3 before version 2 is applied", person(3, "Durand"), holder.Apply, "Durand"},
		{"version 2 arriving late is ignored", person(2, "Petit"), holder.Stale, "Durand"},
		{"version 3 again is ignored", person(3, "Durand"), holder.Duplicate, "Durand"},
	}
	for _, s := range steps {
		got, err := h.Handle(ctx, repo, command.RecordHolder{Holder: s.in})
		if err != nil || got != s.want {
			t.Fatalf("%s: Handle() = %v, %v; want %v", s.name, got, err, s.want)
		}
		stored, err := repo.Get(ctx, "cand-1")
		if err != nil || stored.BirthName != s.wantName {
			t.Fatalf("%s: stored %q, %v; want %q", s.name, stored.BirthName, err, s.wantName)
		}
	}
}

func TestRecordHolderRejectsAnEventWithoutVersion(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	_, err := command.NewRecordHolderHandler().Handle(context.Background(), sqlstore.NewHolderRepository(db), command.RecordHolder{Holder: person(0, "Martin")})
	if apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("Handle(version 0) = %v; want invalid argument (the event is terminated, not retried)", err)
	}
}
