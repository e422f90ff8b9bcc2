package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCentrePostponesAndCancelsASession: the session page offers to
// postpone and cancel a planned session; a postponement needs later dates
// and a reason, and the page then shows the new dates; a cancellation
// needs a reason, and the page then shows the cancelled session without
// either form.
func TestCentrePostponesAndCancelsASession(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	const centre = "CENTRE-69-001"
	c := b.centreClient(t, centre)
	id := b.planSession(t, c)
	page := "/centre/sessions/" + id
	today := time.Now().In(paris)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }

	centreMust(t, "planned", get(t, c, b.srv.URL+page), http.StatusOK, "Reporter ou annuler la session", "Motif du report", "Motif de l’annulation")

	// Refused: the same first day, no reason.
	p := centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"reporter"}, "report-debut": {day(0)}, "report-fin": {day(1)}})
	centreMust(t, "postponement refused", p, http.StatusUnprocessableEntity, `id="report-motif-erreur"`, `id="report-debut-erreur"`,
		"Un report fixe un premier jour postérieur")

	p = centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"reporter"}, "report-debut": {day(14)}, "report-fin": {day(15)},
		"report-motif": {"Plateau technique indisponible"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != page+"?reportee=1" {
		t.Fatalf("postpone: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	centreMust(t, "postponed", get(t, c, b.srv.URL+page+"?reportee=1"), http.StatusOK, "La session est reportée",
		"du "+CivilDateFR(day(14))+" au "+CivilDateFR(day(15)), "jusqu’au "+CivilDateFR(day(14))+" inclus")

	p = centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"annuler"}})
	centreMust(t, "cancellation refused", p, http.StatusUnprocessableEntity, `id="annulation-motif-erreur"`)
	p = centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"annuler"}, "annulation-motif": {"Fermeture du centre"}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != page+"?annulee=1" {
		t.Fatalf("cancel: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	cancelled := get(t, c, b.srv.URL+page+"?annulee=1")
	centreMust(t, "cancelled", cancelled, http.StatusOK, "La session est annulée", "Les candidatures sont libérées", "Annulée")
	centreMustNot(t, "cancelled", cancelled, "Reporter la session</button>", "Annuler la session</button>", "Ouvrir la session</button>")
	if strings.Contains(cancelled.body, "Suivre la session") {
		t.Error("a cancelled session offers its board")
	}
}
