package query_test

import (
	"context"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

func TestResultsAreForTheMinistry(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewResultRepository(db)
	for _, id := range []string{"s1", "s2", "s3"} {
		r := result.SessionResult{SessionID: id, Type: result.SessionCcp, TitleCode: "TP-00001", TitleVersion: "2024",
			JuryDate: "2026-03-01", MinutesHash: "h", State: result.AwaitingValidation}
		if _, err := repo.Record(context.Background(), r); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	list, get := query.NewListResultsHandler(repo), query.NewGetResultHandler(repo)
	tests := []struct {
		name       string
		ctx        context.Context
		wantKind   apperr.Kind
		wantReason string
	}{
		{name: "ministry", ctx: as("officer", auth.RoleMinistry)},
		{name: "admin", ctx: as("root", auth.RoleAdmin)},
		{name: "the centre is denied", ctx: as("centre-user", auth.RoleCentre), wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "a candidate is denied", ctx: as("sub", auth.RoleCandidate), wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "no token", ctx: context.Background(), wantKind: apperr.KindUnauthenticated, wantReason: "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			page, err := list.Handle(tt.ctx, query.ListResults{PageSize: 2, State: result.AwaitingValidation})
			_, getErr := get.Handle(tt.ctx, query.GetResult{SessionID: "s1"})
			if tt.wantReason != "" {
				requireKind(t, err, tt.wantKind, tt.wantReason)
				requireKind(t, getErr, tt.wantKind, tt.wantReason)
				return
			}
			if err != nil || getErr != nil || len(page.Results) != 2 || page.NextPageToken == "" {
				t.Fatalf("List() = %d results, token %q, %v; Get() = %v", len(page.Results), page.NextPageToken, err, getErr)
			}
			next, err := list.Handle(tt.ctx, query.ListResults{PageSize: 2, State: result.AwaitingValidation, PageToken: page.NextPageToken})
			if err != nil || len(next.Results) != 1 || next.Results[0].SessionID != "s3" || next.NextPageToken != "" {
				t.Fatalf("second page = %+v, %v; want s3 only", next, err)
			}
		})
	}
	ministry := as("officer", auth.RoleMinistry)
	if _, err := get.Handle(ministry, query.GetResult{SessionID: "missing"}); apperr.KindOf(err) != apperr.KindNotFound {
		t.Fatalf("Get(missing) = %v; want not found", err)
	}
	if _, err := list.Handle(ministry, query.ListResults{State: "SOMETHING"}); apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("List(bad state) = %v; want invalid argument", err)
	}
	page, err := list.Handle(ministry, query.ListResults{PageSize: 2})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if _, err := list.Handle(ministry, query.ListResults{PageToken: page.NextPageToken, State: result.Validated}); apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("token of another filter = %v; want invalid argument", err)
	}
}
