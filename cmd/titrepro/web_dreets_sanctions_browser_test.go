package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web"
	"github.com/titrepro/titrepro/gateway/web/browsertest"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
)

// TestWebDreetsSanctionInTheBrowser: the DREETS officer pronounces a ban
// (R58) in Chromium against `titrepro serve`, and the candidate then reads
// it in their space. The candidate's record is created through REST as
// set-up; the officer opens the sanctions page from the menu, finds the
// candidate by the id of their record, sends the form without its date,
// reference and motivation (refused next to the fields), completes it and
// sees the ban recorded « du … au … inclus »; the candidate, logged in,
// reads at the top of their space that they cannot be registered until the
// ban's last day, with the reference and the motivation. Every screen is
// checked (screenshots at two sizes, axe-core).
func TestWebDreetsSanctionInTheBrowser(t *testing.T) {
	b := browsertest.Start(t)
	s := startServer(t, testConfig(t, t.TempDir()))
	ctx := context.Background()
	w := newTestWorkflow(t, s)
	id, err := w.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}

	tab := b.NewPerson(t)
	officer := "agent-dreets-" + randomSuffix()
	if status := tab.Login(s.base, "ministry", officer, "", "/dreets/a-valider"); status != http.StatusOK {
		t.Fatalf("login: %d", status)
	}
	if status := tab.Follow("Sanctions"); status != http.StatusOK || !strings.HasSuffix(tab.URL(), "/dreets/sanctions") {
		t.Fatalf("the sanctions page: %d at %s", status, tab.URL())
	}
	tab.Check("dreets-sanctions")
	tab.Fill("Identifiant de la fiche du candidat", id)
	if status := tab.Follow("Rechercher le candidat"); status != http.StatusOK || !tab.Has("#formulaire-sanction") || !tab.Has("#aucune-sanction") {
		t.Fatalf("the candidate: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-sanctions-candidat")
	if status := tab.Follow("Prononcer la sanction"); status != http.StatusUnprocessableEntity || !tab.Has("#sanction-notification-erreur") ||
		!tab.Has("#sanction-reference-erreur") || !tab.Has("#sanction-motivation-erreur") {
		t.Fatalf("an incomplete sanction: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-sanction-incomplete")
	const motivation = "Notes dissimulées consultées pendant la mise en situation professionnelle."
	tab.Fill("Référence", "Rapport de fraude RF-2026-042")
	tab.Fill("Motivation", motivation)
	centreSetDate(tab, "sanction-notification", time.Now())
	if status := tab.Follow("Prononcer la sanction"); status != http.StatusOK || !tab.Has("#sanction-prononcee") {
		t.Fatalf("the ban: %d\n%s", status, tab.MainText())
	}
	tab.Check("dreets-sanction-prononcee")

	list := &candidatev1.ListSanctionsResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/candidates/"+id+"/sanctions", nil, list); err != nil || len(list.GetSanctions()) != 1 {
		t.Fatalf("the candidate's sanctions: %v, %v", list, err)
	}
	ban := list.GetSanctions()[0]
	if ban.GetKind() != candidatev1.SanctionKind_SANCTION_KIND_BAN || ban.GetDurationMonths() != 12 || ban.GetPronouncedBy() != officer {
		t.Fatalf("the ban recorded: %v", ban)
	}
	end, err := time.Parse(time.DateOnly, ban.GetEndsOn())
	if err != nil {
		t.Fatal(err)
	}
	last := web.CivilDateFR(end.AddDate(0, 0, -1).Format(time.DateOnly))
	if text := tab.MainText(); !strings.Contains(text, "au "+last+" inclus") {
		t.Errorf("the confirmation does not give the ban's last day, %s:\n%s", last, text)
	}

	me := b.NewPerson(t)
	if status := me.Login(s.base, "candidate", w.subjects[asCandidate], "", "/candidat"); status != http.StatusOK {
		t.Fatalf("the candidate's login: %d", status)
	}
	text := me.MainText()
	if !me.Has("#interdiction-en-cours") || !strings.Contains(text, "Vous ne pouvez pas être inscrit(e) à une session jusqu’au "+last+" inclus") ||
		!strings.Contains(text, "Rapport de fraude RF-2026-042") || !strings.Contains(text, motivation) {
		t.Fatalf("the candidate's space:\n%s", text)
	}
	me.Check("candidat-espace-interdiction")
}
