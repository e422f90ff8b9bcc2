package main

import (
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"
)

// BenchmarkWebPages measures pages of the web application on the
// all-in-one, over HTTP on loopback, one client at a time: p95-ms is the
// 95th percentile of the whole request as the client sees it (an upper
// bound of the server time), bytes/op the gzipped answer. first-page-KiB
// is what the home page and the files it links take gzipped (the browser
// test measures the real first visit, icons included). Issue 7's targets:
// p95 < 50 ms, first page < 200 KiB. Figures printed, never asserted.
func BenchmarkWebPages(b *testing.B) {
	cfg := testConfig(b, b.TempDir())
	cfg.LogLevel = slog.LevelError
	s := startServer(b, cfg).base
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(b *testing.B, url string) (int, int) {
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, int(n)
	}
	for _, page := range []struct {
		name, path string
		status     int
	}{
		{"home", "/", 200},
		{"verify-form", "/verifier", 200},
		{"verify-verdict", "/verifier/TP-2026-0000-0000-6", 200}, // well-formed, unknown: a real look-up in the certification database
		{"not-found", "/nulle-part", 404},
	} {
		b.Run(page.name, func(b *testing.B) {
			var durations []time.Duration
			var size int
			for b.Loop() {
				start := time.Now()
				status, n := get(b, s+page.path)
				durations = append(durations, time.Since(start))
				if status != page.status {
					b.Fatalf("%s = %d; want %d", page.path, status, page.status)
				}
				size = n
			}
			sorted := slices.Sorted(slices.Values(durations))
			b.ReportMetric(float64(sorted[len(sorted)*95/100])/float64(time.Millisecond), "p95-ms")
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
	b.Run("first-page", func(b *testing.B) {
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodGet, s+"/", nil)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			html, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			_, total := get(b, s+"/")
			for _, m := range linkedAsset.FindAllSubmatch(html, -1) {
				_, n := get(b, s+string(m[1]))
				total += n
			}
			b.ReportMetric(float64(total)/1024, "first-page-KiB")
		}
	})
}

var linkedAsset = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
