package query_test

import (
	"context"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

func TestGetTitle(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewTitleRepository(db, outbox.New(db))
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	publish(t, repo, at, catalogue.Key{Code: "TP-00001", Version: "2008"}, catalogue.Key{Code: "TP-00001", Version: "2024"})
	publish(t, repo, at.Add(time.Hour), catalogue.Key{Code: "TP-00002", Version: "2024"})
	h := query.NewGetTitleHandler(repo)

	tests := []struct {
		name        string
		q           query.GetTitle
		wantVersion string
		wantKind    apperr.Kind
		wantReason  string
	}{
		{name: "without version: the latest", q: query.GetTitle{Code: "TP-00001"}, wantVersion: "2024"},
		{name: "an older version by name", q: query.GetTitle{Code: "TP-00001", Version: "2008"}, wantVersion: "2008"},
		{name: "unknown version", q: query.GetTitle{Code: "TP-00001", Version: "1999"}, wantKind: apperr.KindNotFound, wantReason: "TITLE_NOT_FOUND"},
		{name: "unknown title", q: query.GetTitle{Code: "TP-00009"}, wantKind: apperr.KindNotFound, wantReason: "TITLE_NOT_FOUND"},
		{name: "missing title id", q: query.GetTitle{Version: "2024"}, wantKind: apperr.KindInvalidArgument, wantReason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := h.Handle(context.Background(), tt.q)
			if tt.wantReason != "" {
				requireKind(t, err, tt.wantKind, tt.wantReason)
				return
			}
			if err != nil || got.Title.Version != tt.wantVersion {
				t.Fatalf("Handle() = %q, %v; want version %q", got.Title.Version, err, tt.wantVersion)
			}
		})
	}
}
