package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

func TestGetRecordAuthorisation(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewHolderRepository(db)
	for _, h := range []holder.Holder{
		{CandidateID: "cand-anne", Subject: "sub-anne", BirthName: "Martin", SourceVersion: 1, UpdatedAt: time.Now()},
		{CandidateID: "cand-nosub", BirthName: "Durand", SourceVersion: 1, UpdatedAt: time.Now()},
	} {
		if _, err := repo.Upsert(context.Background(), h); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
	}
	h := query.NewGetRecordHandler(repo, sqlstore.NewRecordRepository(db), sqlstore.NewCertificateRepository(db), sqlstore.NewResultRepository(db))

	tests := []struct {
		name       string
		ctx        context.Context
		id         string
		wantKind   apperr.Kind
		wantReason string
	}{
		{name: "ministry reads any record", ctx: as("officer", auth.RoleMinistry), id: "cand-anne"},
		{name: "admin reads any record", ctx: as("root", auth.RoleAdmin), id: "cand-nosub"},
		{name: "the person reads their own record", ctx: as("sub-anne", auth.RoleCandidate), id: "cand-anne"},
		{name: "ministry: unknown record is not found", ctx: as("officer", auth.RoleMinistry), id: "cand-unknown",
			wantKind: apperr.KindNotFound, wantReason: "RECORD_NOT_FOUND"},
		{name: "candidate: another person's record is denied", ctx: as("sub-bob", auth.RoleCandidate), id: "cand-anne",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "candidate: unknown record is denied, not revealed", ctx: as("sub-bob", auth.RoleCandidate), id: "cand-unknown",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "candidate: a record without subject is nobody's", ctx: as("sub-bob", auth.RoleCandidate), id: "cand-nosub",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "centre may not read records", ctx: as("centre-user", auth.RoleCentre), id: "cand-anne",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "juror may not read records", ctx: as("juror", auth.RoleJuror), id: "cand-anne",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "no token", ctx: context.Background(), id: "cand-anne",
			wantKind: apperr.KindUnauthenticated, wantReason: "UNAUTHENTICATED"},
		{name: "missing id", ctx: as("officer", auth.RoleMinistry), id: "",
			wantKind: apperr.KindInvalidArgument, wantReason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := h.Handle(tt.ctx, query.GetRecord{CandidateID: tt.id})
			if tt.wantReason != "" {
				requireKind(t, err, tt.wantKind, tt.wantReason)
				return
			}
			if err != nil || got.CandidateID != tt.id || got.Holder.CandidateID != tt.id {
				t.Fatalf("Handle() = %+v, %v; want record %s", got, err, tt.id)
			}
		})
	}
}
