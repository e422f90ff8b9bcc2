// Package prometheus_test checks the Prometheus configuration of deploy/:
// the rules and the scrape configuration with promtool (a Go tool pinned
// in tools/promtool/go.mod), the rules' unit tests (alerts_test.yml), and that the
// Grafana dashboard shows every metric the alerts use. That titrepro emits
// those metrics is checked against a running server in cmd/titrepro
// (TestMetricsOfTheAlertsAreEmitted).
package prometheus_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// promtool runs `go tool promtool args...` in this folder, the version
// pinned in tools/promtool/go.mod. The first run builds promtool: about
// 7 CPU minutes on a cold build cache, seconds afterwards.
func promtool(t *testing.T, args ...string) string {
	t.Helper()
	modfile, err := filepath.Abs(filepath.Join("..", "..", "tools", "promtool", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", append([]string{"tool", "-modfile=" + modfile, "promtool"}, args...)...)
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestPromtoolChecksRulesAndConfig(t *testing.T) {
	out := promtool(t, "check", "rules", "alerts.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool check rules: no SUCCESS in\n%s", out)
	}
	out = promtool(t, "check", "config", "prometheus.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool check config: no SUCCESS in\n%s", out)
	}
	out = promtool(t, "test", "rules", "alerts_test.yml")
	if !strings.Contains(out, "SUCCESS") {
		t.Errorf("promtool test rules: no SUCCESS in\n%s", out)
	}
}

// TestEveryAlertIsUnitTested: alerts_test.yml fires every alert of
// alerts.yml at least once.
func TestEveryAlertIsUnitTested(t *testing.T) {
	alerts := regexp.MustCompile(`(?m)^\s*- alert: (\w+)`).FindAllStringSubmatch(read(t, "alerts.yml"), -1)
	if len(alerts) == 0 {
		t.Fatal("no alert in alerts.yml")
	}
	tests := read(t, "alerts_test.yml")
	for _, a := range alerts {
		// A test that expects the alert lists its labels under it.
		if !regexp.MustCompile(`alertname: ` + a[1] + `\n\s*exp_alerts:\n\s*- exp_labels:`).MatchString(tests) {
			t.Errorf("alerts_test.yml never expects %s to fire", a[1])
		}
	}
}

// MetricNames returns the metrics an alert or a panel expression names:
// titrepro's own, and Prometheus's up.
func metricNames(expr string) []string {
	names := regexp.MustCompile(`\b(titrepro_[a-z0-9_]+|up)\b`).FindAllString(expr, -1)
	slices.Sort(names)
	return slices.Compact(names)
}

func TestDashboardShowsEveryAlertMetric(t *testing.T) {
	var dash struct {
		SchemaVersion int `json:"schemaVersion"`
		Panels        []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(read(t, filepath.Join("..", "grafana", "titrepro-dashboard.json"))), &dash); err != nil {
		t.Fatalf("dashboard: %v", err)
	}
	if dash.SchemaVersion < 36 {
		t.Errorf("dashboard schemaVersion %d; want a current Grafana's (>= 36)", dash.SchemaVersion)
	}
	shown := map[string]bool{}
	for _, p := range dash.Panels {
		for _, target := range p.Targets {
			for _, name := range metricNames(target.Expr) {
				shown[name] = true
			}
		}
	}
	var exprs []string
	for _, m := range regexp.MustCompile(`(?s)expr: (\|\n.*?|[^\n]*)\n\s+(?:for|labels):`).FindAllStringSubmatch(read(t, "alerts.yml"), -1) {
		exprs = append(exprs, m[1])
	}
	used := metricNames(strings.Join(exprs, "\n"))
	if len(used) < 8 {
		t.Fatalf("found only %v in the alerts' expressions", used)
	}
	for _, name := range used {
		if !shown[name] {
			t.Errorf("%s is used by an alert but shown by no panel of the dashboard", name)
		}
	}
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestEveryProcessIsScraped: prometheus.yml scrapes the gateway and the
// four services under the job names TitreproTargetDown watches.
func TestEveryProcessIsScraped(t *testing.T) {
	if !strings.Contains(read(t, "alerts.yml"), `up{job=~"titrepro-.*"} == 0`) {
		t.Fatal(`TitreproTargetDown no longer watches up{job=~"titrepro-.*"}: update this test`)
	}
	jobs := regexp.MustCompile(`job_name: (\S+)`).FindAllStringSubmatch(read(t, "prometheus.yml"), -1)
	var names []string
	for _, j := range jobs {
		names = append(names, j[1])
	}
	for _, process := range []string{"gateway", "candidate", "portfolio", "assessment", "certification"} {
		if !slices.Contains(names, "titrepro-"+process) {
			t.Errorf("prometheus.yml has no job titrepro-%s (jobs: %v)", process, names)
		}
	}
}
