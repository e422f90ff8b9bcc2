package openapi

import (
	"encoding/json"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDocumentListsTheRESTRoutes(t *testing.T) {
	t.Parallel()
	var s spec
	if err := json.Unmarshal(Document(), &s); err != nil {
		t.Fatalf("embedded document: %v", err)
	}
	for _, path := range []string{"/v1/candidates", "/v1/candidates/{candidate_id}", "/v1/titles", "/v1/titles/{title_id}", "/v1/titles:import", "/v1/records/{candidate_id}",
		"/v1/sessions/{session_id}/minutes:sign", "/v1/results/{session_id}:validate", "/v1/certificates/{number}:verify",
		"/v1/dossiers/{dossier_id}/documents", "/v1/dossiers/{dossier_id}/documents/{document_id}/content"} {
		if _, ok := s.Paths[path]; !ok {
			t.Errorf("path %s missing from the OpenAPI document", path)
		}
	}
}

func TestDocsPageShowsOperationsAndPublicMarks(t *testing.T) {
	t.Parallel()
	h, err := DocsHandler()
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/docs", nil))
	body, _ := io.ReadAll(rec.Body)
	page := string(body)
	for _, want := range []string{"<code>/v1/titles</code>", "PATCH", "ListTitles lists", "no token"} {
		if !strings.Contains(page, want) {
			t.Errorf("docs page lacks %q", want)
		}
	}
	if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
		t.Errorf("Content-Type = %q", got)
	}
}
