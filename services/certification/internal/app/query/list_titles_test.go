package query_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

func TestListTitlesPages(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewTitleRepository(db, outbox.New(db))
	var keys []catalogue.Key
	for i := 5; i >= 1; i-- {
		keys = append(keys, catalogue.Key{Code: fmt.Sprintf("TP-%05d", i), Version: "2024"})
	}
	publish(t, repo, time.Now(), keys...)
	h := query.NewListTitlesHandler(repo)

	var got []string
	var pages int
	token := ""
	for {
		page, err := h.Handle(context.Background(), query.ListTitles{PageSize: 2, PageToken: token})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		for _, p := range page.Titles {
			got = append(got, p.Title.Code)
		}
		if page.NextPageToken == "" {
			break
		}
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		token = page.NextPageToken
	}
	want := "[TP-00001 TP-00002 TP-00003 TP-00004 TP-00005]"
	if fmt.Sprint(got) != want || pages != 3 {
		t.Fatalf("listed %v in %d pages; want %s in 3 pages", got, pages, want)
	}
}

func TestListTitlesExactPageHasNoToken(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	repo := sqlstore.NewTitleRepository(db, outbox.New(db))
	publish(t, repo, time.Now(), catalogue.Key{Code: "TP-00001", Version: "1"}, catalogue.Key{Code: "TP-00001", Version: "2"})
	page, err := query.NewListTitlesHandler(repo).Handle(context.Background(), query.ListTitles{PageSize: 2})
	if err != nil || len(page.Titles) != 2 || page.NextPageToken != "" {
		t.Fatalf("Handle() = %d titles, token %q, %v; want 2 titles and no token", len(page.Titles), page.NextPageToken, err)
	}
}

func TestListTitlesBadRequests(t *testing.T) {
	t.Parallel()
	db := sqliteDB(t)
	h := query.NewListTitlesHandler(sqlstore.NewTitleRepository(db, outbox.New(db)))
	tests := []struct {
		name       string
		q          query.ListTitles
		wantReason string
	}{
		{"negative page size", query.ListTitles{PageSize: -1}, "INVALID_ARGUMENT"},
		{"forged token", query.ListTitles{PageToken: "not-a-token"}, "INVALID_PAGE_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := h.Handle(context.Background(), tt.q)
			requireKind(t, err, apperr.KindInvalidArgument, tt.wantReason)
		})
	}
}
