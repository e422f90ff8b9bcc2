package main

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// exposed returns, for each sample name of a Prometheus text exposition,
// the label sets it was exposed with.
func exposed(text string) map[string][]string {
	samples := map[string][]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		series, _, _ := strings.Cut(line, " ")
		name, labels, _ := strings.Cut(series, "{")
		samples[name] = append(samples[name], labels)
	}
	return samples
}

// TestMetricsOfTheAlertsAreEmitted runs the all-in-one, makes a call, and
// checks that /metrics exposes every titrepro metric that
// deploy/prometheus/alerts.yml uses (the gateway's, the four services' gRPC
// calls, outbox and consumer lag, the document store's errors), so that no
// alert watches a metric that does not exist.
func TestMetricsOfTheAlertsAreEmitted(t *testing.T) {
	t.Parallel()
	s := startServer(t, testConfig(t, t.TempDir()))
	s.expect(t, 200, "GET", "/v1/titles", "", nil) // a REST request, a gRPC call to certification

	rules, err := os.ReadFile(filepath.Join("..", "..", "deploy", "prometheus", "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	names := regexp.MustCompile(`\btitrepro_[a-z0-9_]+`).FindAllString(string(rules), -1)
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) < 7 {
		t.Fatalf("only %v in alerts.yml", names)
	}

	res := s.call(t, "GET", "/metrics", "", nil)
	if res.status != 200 {
		t.Fatalf("GET /metrics = %d", res.status)
	}
	text := string(res.body)
	metrics := exposed(text)
	for _, name := range names {
		if len(metrics[name]) == 0 {
			t.Errorf("alerts.yml uses %s, which /metrics does not expose", name)
		}
	}
	// Labels that tell the alerts apart, from each service of the process.
	for name, labels := range map[string][]string{
		"titrepro_grpc_requests_total": {`service="titrepro.certification.v1.CertificationService"`, `code="OK"`},
		"titrepro_http_requests_total": {`method="GET"`, `code="200"`},
		// Read with the candidate's own bus identity: its permissions allow it.
		"titrepro_consumer_pending_events":           {`service="candidate"`, `durable="candidate_notify_certification"`},
		"titrepro_outbox_oldest_pending_age_seconds": {`service="portfolio"`},
		"titrepro_blob_errors_total":                 {`operation="write"`},
		"titrepro_lag_collect_errors_total":          {`service="assessment"`, `source="consumer"`},
	} {
		found := slices.ContainsFunc(metrics[name], func(set string) bool {
			for _, l := range labels {
				if !strings.Contains(set, l) {
					return false
				}
			}
			return true
		})
		if !found {
			t.Errorf("no %s with %v in /metrics: %v", name, labels, metrics[name])
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", text)
	}
}
