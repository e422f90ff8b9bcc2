package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Every input bounded, every request answered: the edge limits through
// REST against the all-in-one server.

// chunkedBody hides the length of a reader: net/http sends it chunked.
type chunkedBody struct{ r io.Reader }

func (b chunkedBody) Read(p []byte) (int, error) { return b.r.Read(p) }

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// pdfOfSize is a PDF header followed by zeros, n bytes in all.
func pdfOfSize(n int64) io.Reader {
	const head = "%PDF-1.4\n"
	return io.MultiReader(strings.NewReader(head), io.LimitReader(zeroReader{}, n-int64(len(head))))
}

// blobFiles lists the files under the data folder's blob store.
func blobFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(filepath.Join(dataDir, "blobs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func errorReason(t *testing.T, body []byte) string {
	t.Helper()
	var st struct {
		Message string `json:"message"`
		Details []struct {
			Type   string `json:"@type"`
			Reason string `json:"reason"`
		} `json:"details"`
	}
	if err := json.Unmarshal(body, &st); err != nil {
		t.Fatalf("error body is not a status: %s", body)
	}
	for _, leak := range []string{"strconv", "proto:", "grpc:", "invalid UTF-8", "http:"} {
		if strings.Contains(st.Message, leak) {
			t.Errorf("error message names internals (%q): %s", leak, st.Message)
		}
	}
	for _, d := range st.Details {
		if strings.HasSuffix(d.Type, "ErrorInfo") {
			return d.Reason
		}
	}
	return ""
}

func TestEndToEndLimits(t *testing.T) {
	dataDir := t.TempDir()
	cfg := testConfig(t, dataDir)
	cfg.Gateway.BodyTimeout = 2 * time.Second // the slow client below is cut off after about that
	cfg.Gateway.AnonymousPerMinute = 30
	cfg.Gateway.AuthFailuresPerMinute = 3
	s := startServer(t, cfg)
	w := newTestWorkflow(t, s)
	ctx := context.Background()
	candidateID, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dossierID, err := w.prepareDossier(ctx, candidateID)
	if err != nil {
		t.Fatal(err)
	}
	candidate := w.tokens[asCandidate]
	client := &http.Client{Timeout: 30 * time.Second}
	do := func(t *testing.T, method, path, token string, body io.Reader, header map[string]string) response {
		t.Helper()
		req, err := http.NewRequest(method, s.base+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		return response{status: resp.StatusCode, header: resp.Header, body: raw}
	}

	t.Run("an upload over the limit gets 413 whatever its framing, and leaves no file, blob or row", func(t *testing.T) {
		before := blobFiles(t, dataDir)
		path := "/v1/dossiers/" + dossierID + "/documents?kind=ANNEX&file_name=big.pdf"
		for _, framing := range []struct {
			name string
			body io.Reader
		}{
			{"chunked", chunkedBody{pdfOfSize(40 << 20)}},
			{"with a length", bytes.NewReader(make([]byte, 26<<20))},
		} {
			r := do(t, "POST", path, candidate, framing.body, nil)
			if r.status != http.StatusRequestEntityTooLarge || errorReason(t, r.body) != "DOCUMENT_TOO_LARGE" {
				t.Fatalf("%s: HTTP %d %s; want 413 DOCUMENT_TOO_LARGE", framing.name, r.status, r.body)
			}
		}
		eventually(t, "the temporary blobs removed", func() bool { return len(blobFiles(t, dataDir)) == len(before) })
		if n := documentCount(t, w, dossierID); n != 1 {
			t.Errorf("the dossier has %d documents; want only the first one", n)
		}
	})

	t.Run("an upload of 25 MiB goes through", func(t *testing.T) {
		r := do(t, "POST", "/v1/dossiers/"+dossierID+"/documents?kind=ANNEX&file_name=big.pdf", candidate,
			io.MultiReader(pdfOfSize(25<<20-6), strings.NewReader("%%EOF\n")), nil)
		if r.status != http.StatusOK {
			t.Fatalf("HTTP %d %s", r.status, r.body)
		}
	})

	t.Run("other bodies over 1 MiB get 413", func(t *testing.T) {
		big := `{"birth_name": "` + strings.Repeat("a", 2<<20) + `"}`
		for _, body := range []io.Reader{strings.NewReader(big), chunkedBody{strings.NewReader(big)}} {
			r := do(t, "POST", "/v1/candidates", candidate, body, map[string]string{"Content-Type": "application/json"})
			if r.status != http.StatusRequestEntityTooLarge || errorReason(t, r.body) != "REQUEST_TOO_LARGE" {
				t.Fatalf("HTTP %d %.300s; want 413 REQUEST_TOO_LARGE", r.status, r.body)
			}
		}
	})

	t.Run("malformed requests get 400 without parser internals", func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"GET", "/v1/candidates/%ff%fe", ""},
			{"GET", "/v1/candidates?page_token=%c3%28", ""},
			{"GET", "/v1/candidates?page_size=many", ""},
			{"POST", "/v1/candidates", `{"birth_name": `},
			{"POST", "/v1/candidates", "{\"birth_name\": \"\xff\"}"},
		} {
			r := do(t, c.method, c.path, candidate, strings.NewReader(c.body), map[string]string{"Content-Type": "application/json"})
			if r.status != http.StatusBadRequest {
				t.Errorf("%s %s %q: HTTP %d %s; want 400", c.method, c.path, c.body, r.status, r.body)
				continue
			}
			if reason := errorReason(t, r.body); reason != "REQUEST_MALFORMED" {
				t.Errorf("%s %s %q: reason %q; want REQUEST_MALFORMED", c.method, c.path, c.body, reason)
			}
		}
	})

	t.Run("answers carry nosniff and no-store, no internal header, an RFC 6750 challenge", func(t *testing.T) {
		r := do(t, "GET", "/v1/candidates/"+candidateID, candidate, nil, nil)
		if r.status != http.StatusOK {
			t.Fatalf("HTTP %d %s", r.status, r.body)
		}
		if r.header.Get("Cache-Control") != "no-store" || r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("headers %v", r.header)
		}
		for k := range r.header {
			if strings.HasPrefix(k, "Grpc") {
				t.Errorf("internal header %s: %v", k, r.header[k])
			}
		}
		if r := do(t, "GET", "/healthz", "", nil, nil); r.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("/healthz headers %v", r.header)
		}
		r = do(t, "GET", "/v1/candidates/"+candidateID, "not-a-token", nil, nil)
		if r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") != `Bearer realm="titrepro", error="invalid_token"` {
			t.Errorf("HTTP %d, WWW-Authenticate %q", r.status, r.header.Get("WWW-Authenticate"))
		}
	})

	t.Run("a client trickling its body is cut off", func(t *testing.T) {
		conn, err := net.Dial("tcp", strings.TrimPrefix(s.base, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/candidates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n", candidate)
		closed := make(chan *http.Response, 1)
		go func() {
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				closed <- nil
				return
			}
			closed <- resp
		}()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		giveUp := time.After(20 * time.Second)
		for {
			select {
			case resp := <-closed:
				if resp != nil && resp.StatusCode != http.StatusRequestTimeout {
					t.Errorf("HTTP %d; want 408 or a closed connection", resp.StatusCode)
				}
				return
			case <-tick.C:
				_, _ = conn.Write([]byte(" ")) // one byte at a time
			case <-giveUp:
				t.Fatal("a client sending one byte every 200 ms still holds its connection after 20 s")
			}
		}
	})

	t.Run("failed authentications per address are limited: 429 with Retry-After", func(t *testing.T) {
		var r response
		for i := 0; i < 5; i++ {
			if r = do(t, "GET", "/v1/candidates/"+candidateID, "forged", nil, nil); r.status == http.StatusTooManyRequests {
				break
			}
		}
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
			t.Fatalf("HTTP %d, Retry-After %q; want 429 with Retry-After", r.status, r.header.Get("Retry-After"))
		}
		// Even a good token waits: the address is the one guessing.
		if r := do(t, "GET", "/v1/candidates/"+candidateID, candidate, nil, nil); r.status != http.StatusTooManyRequests {
			t.Errorf("HTTP %d; want 429", r.status)
		}
	})

	t.Run("anonymous routes are limited per address: 429 with Retry-After", func(t *testing.T) {
		var r response
		for i := 0; i < 40; i++ {
			if r = do(t, "GET", "/v1/titles", "", nil, nil); r.status != http.StatusOK {
				break
			}
		}
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || errorReason(t, r.body) != "RATE_LIMITED" {
			t.Fatalf("HTTP %d, Retry-After %q: %s; want 429 with Retry-After", r.status, r.header.Get("Retry-After"), r.body)
		}
		// The web page of the verification shares the address's budget,
		// and says it in French.
		r = do(t, "GET", "/verifier/TP-2026-0000-0000-6", "", nil, nil)
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" || !strings.Contains(string(r.body), "Trop de demandes") {
			t.Fatalf("verification page: HTTP %d, Retry-After %q: %s; want a French 429", r.status, r.header.Get("Retry-After"), r.body)
		}
	})
}
