package web

import (
	"net/http"
	"strings"
	"testing"
)

// A certificate number's check symbol may be "*": its verification
// address shows it as printed (the candidate's results page shows that
// address as the link's text), and anything that would change the path is
// still escaped.
func TestVerifyPathKeepsTheCheckSymbol(t *testing.T) {
	t.Parallel()
	for number, want := range map[string]string{
		"TP-2026-ERWR-T1CQ-*": "/verifier/TP-2026-ERWR-T1CQ-*",
		"TP-2026-ERWR-T1CQ-~": "/verifier/TP-2026-ERWR-T1CQ-~",
		"TP-2026-ERWR-T1CQ-$": "/verifier/TP-2026-ERWR-T1CQ-$",
		"TP-2026-ERWR-T1CQ-=": "/verifier/TP-2026-ERWR-T1CQ-=",
		"TP/../compte?x#y":    "/verifier/TP%2F..%2Fcompte%3Fx%23y",
	} {
		if got := verifyPath(number); got != want {
			t.Errorf("verifyPath(%q) = %q; want %q", number, got, want)
		}
	}
	_, srv := newTestApp(t, Config{}, startCertBackend(t, newCertBackend()))
	p := get(t, browser(t), srv.URL+"/verifier?numero=tp-2026-erwr-t1cq-*")
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/verifier/TP-2026-ERWR-T1CQ-*" {
		t.Errorf("form sent = %d %q", p.status, p.header.Get("Location"))
	}
	if v := get(t, browser(t), srv.URL+"/verifier/TP-2026-ERWR-T1CQ-*"); v.status != http.StatusOK || !strings.Contains(v.body, "data-verdict") {
		t.Errorf("the verdict's address with its check symbol: %d", v.status)
	}
}
