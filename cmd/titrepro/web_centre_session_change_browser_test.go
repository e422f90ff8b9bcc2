package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// TestWebCentrePostponesAndCancelsInTheBrowser: from a planned session's
// page in Chromium, the centre postpones it with a reason (« Reporter »),
// then cancels it (« Annuler »); every screen is screenshotted and checked
// with axe-core, and the REST API shows the session cancelled.
func TestWebCentrePostponesAndCancelsInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	if !centreDevLogin(t, s.base) {
		t.Skip("the all-in-one serves no development login page yet (no authorization_endpoint in its discovery document)")
	}
	w := newTestWorkflow(t, s)
	ctx := context.Background()
	sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	tab := b.NewTab(t)
	if status := tab.Login(s.base, "centre", "agent-centre", w.centreID, "/centre/sessions/"+sessionID); status != http.StatusOK {
		t.Fatalf("login landed on %s (%d)", tab.URL(), status)
	}
	centreMustSee(t, tab, "Reporter ou annuler la session")
	tab.Check("centre-session-reporter-annuler")

	// A postponement without a reason is refused on its field.
	today := time.Now()
	centreSetDate(tab, "report-debut", today.AddDate(0, 0, 7))
	centreSetDate(tab, "report-fin", today.AddDate(0, 0, 8))
	if status := tab.Follow("Reporter la session"); status != http.StatusUnprocessableEntity {
		t.Errorf("a postponement without a reason: %d; want 422", status)
	}
	tab.Check("centre-session-report-refuse")
	centreSetDate(tab, "report-debut", today.AddDate(0, 0, 7))
	centreSetDate(tab, "report-fin", today.AddDate(0, 0, 8))
	tab.Fill("Motif du report", "Plateau technique indisponible")
	tab.Follow("Reporter la session")
	centreMustSee(t, tab, "La session est reportée")
	tab.Check("centre-session-reportee")

	tab.Fill("Motif de l’annulation", "Fermeture administrative du centre")
	tab.Follow("Annuler la session")
	centreMustSee(t, tab, "La session est annulée", "Les candidatures sont libérées")
	tab.Check("centre-session-annulee")

	got := &assessmentv1.GetSessionResponse{}
	if err := w.call(ctx, asCentre, "GET", "/v1/sessions/"+sessionID, nil, got); err != nil {
		t.Fatal(err)
	}
	if got.GetSession().GetState() != assessmentv1.SessionState_SESSION_STATE_CANCELLED {
		t.Fatalf("session state = %v; want CANCELLED", got.GetSession().GetState())
	}
}
