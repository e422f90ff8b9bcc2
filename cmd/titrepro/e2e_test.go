package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// These tests drive the all-in-one server through REST exactly as a user
// would after `make run`: real gRPC services, SQLite files, the embedded
// JetStream, the local token issuer.

func validCandidate(birthName, email string) map[string]any {
	return map[string]any{
		"birth_name":  birthName,
		"usage_name":  "",
		"given_names": []string{"Camille", "Marie"},
		"birth_date":  "1994-03-12",
		"birth_place": map[string]any{"commune": "Lyon", "country_code": "FR"},
		"email":       email,
		"phone":       "+33612345678",
		"postal_address": map[string]any{
			"lines": []string{"12 rue des Lilas"}, "postal_code": "69003", "locality": "Lyon", "country_code": "FR",
		},
		"access_route": "ACCESS_ROUTE_TRAINING",
		"training":     map[string]any{"organisation": "AFPA Lyon", "start_date": "2026-01-05", "end_date": "2026-10-30"},
	}
}

func TestEndToEndCatalogueAndCandidates(t *testing.T) {
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir)
	s := startServer(t, cfg)

	t.Run("first start prints how to get a token", func(t *testing.T) {
		for _, want := range []string{"titrepro is running", "titrepro token --role", "TP-00495"} {
			if !strings.Contains(s.output.String(), want) {
				t.Errorf("banner lacks %q:\n%s", want, s.output.String())
			}
		}
	})

	t.Run("catalogue shows TP-00495 with 3 CCPs and 20 competences, without a token", func(t *testing.T) {
		list := s.expect(t, http.StatusOK, "GET", "/v1/titles", "", nil)
		titles, _ := list["titles"].([]any)
		if len(titles) != 1 {
			t.Fatalf("titles = %v", list)
		}
		title := s.expect(t, http.StatusOK, "GET", "/v1/titles/TP-00495", "", nil)["title"].(map[string]any)
		ccps := title["ccps"].([]any)
		competences := 0
		for _, c := range ccps {
			competences += len(c.(map[string]any)["competences"].([]any))
		}
		if len(ccps) != 3 || competences != 20 {
			t.Fatalf("TP-00495 has %d CCPs and %d competences; want 3 and 20", len(ccps), competences)
		}
		if got := dig(title, "ccps", 0, "competences", 5, "label"); got != "Utiliser l'anglais dans son activité professionnelle en informatique." {
			t.Errorf("CCP1 competence 6 = %q", got)
		}
		s.expect(t, http.StatusNotFound, "GET", "/v1/titles/TP-99998", "", nil)
	})

	centre := s.mustToken(t, "centre", "centre-user-1", "CENTRE-69-001")
	ministry := s.mustToken(t, "ministry", "dreets-officer-1", "")
	var candidateID, etag string

	t.Run("centre creates a candidate, idempotently", func(t *testing.T) {
		body := validCandidate("Durand", "camille.durand@example.org")
		created := s.expect(t, http.StatusOK, "POST", "/v1/candidates?request_id=6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01", centre, body)
		candidateID, _ = dig(created, "candidate", "id").(string)
		etag, _ = dig(created, "candidate", "etag").(string)
		if candidateID == "" || etag == "" {
			t.Fatalf("created = %v", created)
		}
		again := s.expect(t, http.StatusOK, "POST", "/v1/candidates?request_id=6f1c1c1e-8a53-4a8e-9a55-2f0f7f0b6a01", centre, body)
		if id := dig(again, "candidate", "id"); id != candidateID {
			t.Fatalf("retry with the same request_id created %v; want %s", id, candidateID)
		}
	})

	t.Run("get and list", func(t *testing.T) {
		got := s.expect(t, http.StatusOK, "GET", "/v1/candidates/"+candidateID, centre, nil)
		if dig(got, "candidate", "birth_name") != "Durand" || dig(got, "candidate", "centre_id") != "CENTRE-69-001" {
			t.Fatalf("get = %v", got)
		}
		list := s.expect(t, http.StatusOK, "GET", "/v1/candidates?page_size=10", centre, nil)
		if n := len(list["candidates"].([]any)); n != 1 {
			t.Fatalf("list has %d candidates; want 1", n)
		}
	})

	t.Run("update with etag; stale etag is 409", func(t *testing.T) {
		upd := s.expect(t, http.StatusOK, "PATCH", "/v1/candidates/"+candidateID, centre,
			map[string]any{"email": "c.durand@example.org", "etag": etag})
		newEtag, _ := dig(upd, "candidate", "etag").(string)
		if newEtag == "" || newEtag == etag || dig(upd, "candidate", "email") != "c.durand@example.org" {
			t.Fatalf("update = %v", upd)
		}
		stale := s.call(t, "PATCH", "/v1/candidates/"+candidateID, centre, map[string]any{"email": "x@example.org", "etag": etag})
		if stale.status != http.StatusConflict {
			t.Fatalf("stale etag = HTTP %d; want 409: %s", stale.status, stale.body)
		}
	})

	t.Run("invalid input is 400 with every bad field", func(t *testing.T) {
		bad := validCandidate("", "not-an-email")
		bad["birth_date"] = "12/03/1994"
		r := s.call(t, "POST", "/v1/candidates", centre, bad)
		if r.status != http.StatusBadRequest {
			t.Fatalf("invalid create = HTTP %d; want 400: %s", r.status, r.body)
		}
		body := string(r.body)
		for _, field := range []string{"birth_name", "email", "birth_date", "field_violations"} {
			if !strings.Contains(body, field) {
				t.Errorf("error body does not name %q: %s", field, body)
			}
		}
	})

	t.Run("no token is 401; another candidate's record is 403", func(t *testing.T) {
		if r := s.call(t, "GET", "/v1/candidates/"+candidateID, "", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("no token = HTTP %d; want 401: %s", r.status, r.body)
		}
		if r := s.call(t, "GET", "/v1/candidates", "not-a-jwt", nil); r.status != http.StatusUnauthorized {
			t.Fatalf("garbage token = HTTP %d; want 401: %s", r.status, r.body)
		}
		alice := s.mustToken(t, "candidate", "alice@idp", "")
		bob := s.mustToken(t, "candidate", "bob@idp", "")
		own := s.expect(t, http.StatusOK, "POST", "/v1/candidates", alice, validCandidate("Martin", "alice@example.org"))
		aliceID := dig(own, "candidate", "id").(string)
		s.expect(t, http.StatusOK, "GET", "/v1/candidates/"+aliceID, alice, nil)
		if r := s.call(t, "GET", "/v1/candidates/"+aliceID, bob, nil); r.status != http.StatusForbidden {
			t.Fatalf("bob reading alice = HTTP %d; want 403: %s", r.status, r.body)
		}
		if r := s.call(t, "GET", "/v1/candidates/"+candidateID, alice, nil); r.status != http.StatusForbidden {
			t.Fatalf("alice reading a centre's candidate = HTTP %d; want 403: %s", r.status, r.body)
		}
	})

	t.Run("CandidateRegistered is on JetStream with CloudEvents headers", func(t *testing.T) {
		msgs := streamMessages(t, cfg, "TITREPRO_CANDIDATE")
		var found *jetstream.RawStreamMsg
		for _, m := range msgs {
			if m.Header.Get("ce-type") == "titrepro.candidate.v1.CandidateRegistered" && m.Header.Get("ce-subject") == "candidates/"+candidateID {
				found = m
			}
		}
		if found == nil {
			t.Fatalf("no CandidateRegistered for %s among %d messages", candidateID, len(msgs))
		}
		if found.Subject != "titrepro.candidate.v1.candidate_registered" {
			t.Errorf("subject = %s", found.Subject)
		}
		h := found.Header
		for _, k := range []string{"ce-specversion", "ce-id", "ce-source", "ce-time", "content-type"} {
			if h.Get(k) == "" {
				t.Errorf("header %s missing: %v", k, h)
			}
		}
		if h.Get("Nats-Msg-Id") != h.Get("ce-id") || h.Get("content-type") != "application/protobuf" {
			t.Errorf("headers = %v", h)
		}
	})

	t.Run("the certification service projects the holder", func(t *testing.T) {
		eventually(t, "holder projection", func() bool {
			r := s.call(t, "GET", "/v1/records/"+candidateID, ministry, nil)
			return r.status == http.StatusOK && dig(r.json(t), "record", "holder", "birth_name") == "Durand"
		})
	})

	t.Run("ops endpoints", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/.well-known/jwks.json"} {
			if r := s.call(t, "GET", path, "", nil); r.status != http.StatusOK {
				t.Errorf("GET %s = HTTP %d", path, r.status)
			}
		}
	})

	t.Run("referentiel import by the CLI", func(t *testing.T) {
		seed, err := os.ReadFile(filepath.Join("..", "..", "referentiels", "tp-00495-tsgeri.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		other := strings.Replace(string(seed), "code: TP-00495", "code: TP-99999", 1)
		file := filepath.Join(t.TempDir(), "tp-99999.yaml")
		if err := os.WriteFile(file, []byte(other), 0o600); err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		if err := referentiel(context.Background(), cfg, []string{"import", file}, &out); err != nil {
			t.Fatalf("import: %v", err)
		}
		out.Reset()
		if err := referentiel(context.Background(), cfg, []string{"import", file}, &out); err != nil || !strings.Contains(out.String(), "unchanged") {
			t.Fatalf("second import: %v, %q", err, out.String())
		}
		s.expect(t, http.StatusOK, "GET", "/v1/titles/TP-99999", "", nil)
		if r := s.call(t, "POST", "/v1/titles:import", centre, map[string]any{"referentiel_yaml": other}); r.status != http.StatusForbidden {
			t.Fatalf("import by a centre = HTTP %d; want 403", r.status)
		}
	})

	t.Run("a restart keeps every record and publishes nothing twice", func(t *testing.T) {
		s.stop()
		s2 := startServer(t, cfg)
		got := s2.expect(t, http.StatusOK, "GET", "/v1/candidates/"+candidateID, centre, nil)
		if dig(got, "candidate", "email") != "c.durand@example.org" {
			t.Fatalf("after restart = %v", got)
		}
		published := 0
		for _, m := range streamMessages(t, cfg, "TITREPRO_CERTIFICATION") {
			if m.Header.Get("ce-type") == "titrepro.certification.v1.TitleVersionPublished" && m.Header.Get("ce-subject") == "titles/TP-00495" {
				published++
			}
		}
		if published != 1 {
			t.Fatalf("TitleVersionPublished for TP-00495 seen %d times; want 1", published)
		}
		if strings.Contains(s2.output.String(), "First start") {
			t.Errorf("second start claims to be the first")
		}
	})
}

// streamMessages reads every message of a stream, in order, as the
// operator (only the admin identity may read a stream's messages directly).
func streamMessages(t *testing.T, cfg config, stream string) []*jetstream.RawStreamMsg {
	t.Helper()
	nc := busConnect(t, cfg, natsauth.Admin)
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, stream)
	if err != nil {
		t.Fatalf("stream %s: %v", stream, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && info.State.Msgs > 0; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(fmt.Errorf("get %s #%d: %w", stream, seq, err))
		}
		out = append(out, m)
	}
	return out
}
