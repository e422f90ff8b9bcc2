package sqlstore

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

func seedDocument(t *testing.T) (hash, doc string) {
	t.Helper()
	raw, err := os.ReadFile("../../../../../referentiels/tp-00495-tsgeri.yaml")
	if err != nil {
		t.Fatal(err)
	}
	title, err := catalogue.Parse("tp-00495-tsgeri.yaml", raw)
	if err != nil {
		t.Fatal(err)
	}
	canonical, err := title.CanonicalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if hash, err = title.ContentHash(); err != nil {
		t.Fatal(err)
	}
	return hash, string(canonical)
}

func TestTitleCacheDecodesOnceAndRefusesAlteredDocuments(t *testing.T) {
	t.Parallel()
	hash, doc := seedDocument(t)
	c := titleCache{max: 10, byHash: map[string]catalogue.TitleVersion{}}

	altered := strings.Replace(doc, "Utiliser l'anglais", "Utiliser le latin", 1)
	if _, err := c.decode(hash, altered); !errors.Is(err, catalogue.ErrCorruptTitleVersion) {
		t.Fatalf("altered document: err = %v; want ErrCorruptTitleVersion", err)
	}
	if len(c.byHash) != 0 {
		t.Fatalf("an altered document was cached")
	}

	first, err := c.decode(hash, doc)
	if err != nil || first.Code != "TP-00495" || first.CompetenceCount() != 20 {
		t.Fatalf("decode = %v, %v", first.Code, err)
	}
	// Once cached, the stored document is not decoded again: even garbage
	// under a known hash returns the cached title.
	again, err := c.decode(hash, "not json")
	if err != nil || again.Code != first.Code {
		t.Fatalf("cached decode = %v, %v", again.Code, err)
	}
}

func TestTitleCacheIsBounded(t *testing.T) {
	t.Parallel()
	hash, doc := seedDocument(t)
	c := titleCache{max: 0, byHash: map[string]catalogue.TitleVersion{}}
	if _, err := c.decode(hash, doc); err != nil {
		t.Fatal(err)
	}
	if len(c.byHash) != 0 {
		t.Fatalf("cache holds %d entries beyond its bound 0", len(c.byHash))
	}
}
