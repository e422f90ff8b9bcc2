package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

var (
	t0 = time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	t1 = t0.Add(time.Hour)
)

func TestTitleRepository(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB, repo *sqlstore.TitleRepository)
			}{
				{"publish stores the version and one event", testPublishStores},
				{"publishing the same content again changes nothing", testPublishSameContent},
				{"other content for a published version is refused, batch rolled back", testPublishImmutable},
				{"get of an unknown title or version is not found", testGetNotFound},
				{"latest is the last published, then the greatest version", testLatest},
				{"list pages in byte order of code then version", testListPaging},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					db := openDB(t, e)
					tt.run(t, db, sqlstore.NewTitleRepository(db, outbox.New(db)))
				})
			}
		})
	}
}

func testPublishStores(t *testing.T, db *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	tv := title(t, "TP-00001", "2024", "Titre")
	results, err := repo.Publish(ctx, t0, tv)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	wantHash, _ := tv.ContentHash()
	if len(results) != 1 || !results[0].Created || results[0].ContentHash != wantHash {
		t.Fatalf("Publish() = %+v; want one created result with hash %s", results, wantHash)
	}
	got, err := repo.Get(ctx, catalogue.KeyOf(tv))
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	gotHash, _ := got.Title.ContentHash()
	if gotHash != wantHash || got.ContentHash != wantHash {
		t.Fatalf("Get() content hash %s (stored %s); want %s", gotHash, got.ContentHash, wantHash)
	}
	if want := t0.Truncate(time.Microsecond); !got.PublishedAt.Equal(want) {
		t.Fatalf("Get().PublishedAt = %v; want %v", got.PublishedAt, want)
	}

	var (
		id, typ, source, resource string
		payload                   []byte
	)
	err = db.QueryRowContext(ctx, `SELECT id, type, source, resource, payload FROM outbox WHERE subject = $1`,
		"titrepro.certification.v1.title_version_published").Scan(&id, &typ, &source, &resource, &payload)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	var ev certificationv1.TitleVersionPublished
	if err := proto.Unmarshal(payload, &ev); err != nil {
		t.Fatalf("decode event: %v", err)
	}
	if typ != "titrepro.certification.v1.TitleVersionPublished" || source != "titrepro/certification" || resource != "titles/TP-00001" {
		t.Fatalf("event headers = %s %s %s", typ, source, resource)
	}
	if ev.GetEventId() != id || ev.GetTitle().GetId() != "TP-00001" || ev.GetTitle().GetContentHash() != wantHash {
		t.Fatalf("event = %v (ce-id %s)", &ev, id)
	}
}

func testPublishSameContent(t *testing.T, db *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	tv := title(t, "TP-00001", "2024", "Titre")
	if _, err := repo.Publish(ctx, t0, tv); err != nil {
		t.Fatalf("first Publish: %v", err)
	}
	results, err := repo.Publish(ctx, t1, tv)
	if err != nil {
		t.Fatalf("second Publish: %v", err)
	}
	if results[0].Created || !results[0].PublishedAt.Equal(t0.Truncate(time.Microsecond)) {
		t.Fatalf("second Publish() = created %v at %v; want not created, first publish time", results[0].Created, results[0].PublishedAt)
	}
	if n := countEvents(t, db, "titrepro.certification.v1.title_version_published"); n != 1 {
		t.Fatalf("%d events; want 1", n)
	}
}

func testPublishImmutable(t *testing.T, db *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	if _, err := repo.Publish(ctx, t0, title(t, "TP-00001", "2024", "Titre")); err != nil {
		t.Fatalf("first Publish: %v", err)
	}
	fresh := title(t, "TP-00002", "2024", "Autre titre")
	changed := title(t, "TP-00001", "2024", "Titre corrigé")
	_, err := repo.Publish(ctx, t1, fresh, changed)
	if !errors.Is(err, catalogue.ErrTitleVersionChanged) {
		t.Fatalf("Publish(changed) = %v; want ErrTitleVersionChanged", err)
	}
	if _, err := repo.Get(ctx, catalogue.KeyOf(fresh)); !errors.Is(err, catalogue.ErrTitleNotFound) {
		t.Fatalf("Get(fresh) after failed batch = %v; want not found", err)
	}
	got, err := repo.Get(ctx, catalogue.KeyOf(changed))
	if err != nil || got.Title.Label != "Titre" {
		t.Fatalf("Get(original) = %q, %v; want the original label", got.Title.Label, err)
	}
	if n := countEvents(t, db, "titrepro.certification.v1.title_version_published"); n != 1 {
		t.Fatalf("%d events; want 1", n)
	}
}

func testGetNotFound(t *testing.T, _ *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	if _, err := repo.Publish(ctx, t0, title(t, "TP-00001", "2024", "Titre")); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	for _, key := range []catalogue.Key{{Code: "TP-00001", Version: "2025"}, {Code: "TP-00009", Version: "2024"}} {
		if _, err := repo.Get(ctx, key); !errors.Is(err, catalogue.ErrTitleNotFound) {
			t.Errorf("Get(%v) = %v; want ErrTitleNotFound", key, err)
		}
	}
	if _, err := repo.Latest(ctx, "TP-00009"); !errors.Is(err, catalogue.ErrTitleNotFound) {
		t.Errorf("Latest(unknown) = %v; want ErrTitleNotFound", err)
	}
}

func testLatest(t *testing.T, _ *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	// TP-00001: "2030" first, then "2024" later: the later publication wins
	// even though its version string is smaller.
	// TP-00002: "2024" and "2030" published together: the greater wins.
	steps := []struct {
		at     time.Time
		titles []catalogue.TitleVersion
	}{
		{t0, []catalogue.TitleVersion{title(t, "TP-00001", "2030", "x"), title(t, "TP-00002", "2030", "x"), title(t, "TP-00002", "2024", "x")}},
		{t1, []catalogue.TitleVersion{title(t, "TP-00001", "2024", "x")}},
	}
	for _, s := range steps {
		if _, err := repo.Publish(ctx, s.at, s.titles...); err != nil {
			t.Fatalf("Publish: %v", err)
		}
	}
	for code, want := range map[string]string{"TP-00001": "2024", "TP-00002": "2030"} {
		got, err := repo.Latest(ctx, code)
		if err != nil || got.Title.Version != want {
			t.Errorf("Latest(%s) = %q, %v; want %q", code, got.Title.Version, err, want)
		}
	}
}

func testListPaging(t *testing.T, _ *sqldb.DB, repo *sqlstore.TitleRepository) {
	ctx := context.Background()
	// Byte order: upper case before lower case ("B" < "a"), which a
	// locale collation would not give.
	keys := []catalogue.Key{
		{Code: "TP-00002", Version: "a"}, {Code: "TP-00001", Version: "2024"},
		{Code: "TP-00002", Version: "B"}, {Code: "TP-00010", Version: "2008"}, {Code: "TP-00002", Version: "2024"},
	}
	var titles []catalogue.TitleVersion
	for _, k := range keys {
		titles = append(titles, title(t, k.Code, k.Version, "x"))
	}
	if _, err := repo.Publish(ctx, t0, titles...); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	want := []catalogue.Key{
		{Code: "TP-00001", Version: "2024"}, {Code: "TP-00002", Version: "2024"}, {Code: "TP-00002", Version: "B"},
		{Code: "TP-00002", Version: "a"}, {Code: "TP-00010", Version: "2008"},
	}
	var got []catalogue.Key
	after := catalogue.Key{}
	for page := 0; page < 10; page++ {
		rows, err := repo.List(ctx, after, 2)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(rows) > 2 {
			t.Fatalf("List(limit 2) returned %d rows", len(rows))
		}
		if len(rows) == 0 {
			break
		}
		for _, r := range rows {
			got = append(got, catalogue.KeyOf(r.Title))
		}
		after = catalogue.KeyOf(rows[len(rows)-1].Title)
	}
	if len(got) != len(want) {
		t.Fatalf("listed %v; want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("listed %v; want %v", got, want)
		}
	}
}
