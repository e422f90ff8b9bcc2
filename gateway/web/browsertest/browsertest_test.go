package browsertest

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// The helpers must be able to fail: axe-core finds the faults of a bad
// page, the focus check sees a missing focus ring, and resources that fail
// are recorded.
func TestHelpersSeeFaults(t *testing.T) {
	b := Start(t)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /mauvaise", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>x</title>
<style>a:focus{outline:none}</style></head><body>
<img src="/absente.png"><input id="x"><a href="/ailleurs">lien</a>
<label for="nom">Nom <span>(obligatoire)</span></label><input id="nom">
</body></html>`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	tab := b.NewTab(t)
	tab.Open(srv.URL + "/mauvaise")

	var ids []string
	for _, v := range tab.Violations() {
		ids = append(ids, v.ID+"/"+v.Impact)
	}
	for _, want := range []string{"image-alt/critical", "label/critical", "html-has-lang/serious"} {
		if !slices.Contains(ids, want) {
			t.Errorf("axe found %v; want %s among them", ids, want)
		}
	}
	tab.Fill("Nom", "Durand")
	if v := tab.String(`document.getElementById("nom").value`); v != "Durand" {
		t.Errorf("Fill by a label with a hint: %q", v)
	}
	tab.ClickCSS("#x")
	reached := false
	for range 3 {
		tab.Press(KeyTab)
		if f := tab.Focused(); f.Tag == "a" {
			reached = true
			if f.Outline {
				t.Error("a link without focus ring is reported with one")
			}
			break
		}
	}
	if !reached {
		t.Error("Tab did not reach the link")
	}
	tab.mu.Lock()
	problems := tab.problems
	tab.mu.Unlock()
	if len(problems) == 0 {
		t.Error("the missing image was not recorded")
	}
}
