package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// TestJurorReportsFraudOnTheSessionPage (R57): on the session page of a
// session in progress, a juror files a fraud report on a candidate with
// the form (the facts are required); the page lists it; once the jury has
// deliberated the minutes page mentions it, and signing the minutes read
// before a second report is refused in French until the juror reads them
// again.
func TestJurorReportsFraudOnTheSessionPage(t *testing.T) {
	t.Parallel()
	b := startJurorBackend(t)
	s := b.newScenario(t, scenarioOptions{})
	juror1 := b.browserAs(t, tJuror1)
	sessionURL := b.srv.URL + "/jury/sessions/" + s.session
	fraudURL := sessionURL + "/fraude"
	now := time.Now().In(paris)
	form := func(candidacy, facts, measure string) url.Values {
		return url.Values{CSRFField: {juryCSRF(t, juror1, sessionURL)}, "candidature": {candidacy}, "faits": {facts},
			"date": {now.Format(time.DateOnly)}, "heure": {now.Format("15:04")}, "mesure": {measure}}
	}

	wants(t, "the session page", get(t, juror1, sessionURL), 200, "Rapports de fraude", "Aucun rapport de fraude n’a été établi",
		"Signaler une fraude", `id="fraude-faits"`, `<option value="`+s.candidacy+`"`)
	wants(t, "no facts", juryPost(t, juror1, fraudURL, form(s.candidacy, "  ", "exclusion")), 422,
		`href="#fraude-faits"`, "Décrivez les faits constatés.", `aria-describedby="fraude-faits-erreur"`)
	wants(t, "a measure the form never offers", juryPost(t, juror1, fraudURL, form(s.candidacy, "x", "amende")), 422, `href="#fraude-mesure"`)
	const facts = "Le candidat consultait un téléphone pendant la mise en situation."
	p := juryPost(t, juror1, fraudURL, form(s.candidacy, facts, "exclusion"))
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/jury/sessions/"+s.session+"?fraude=signalee#fraude" {
		t.Fatalf("filing = %d %q; want 303 to the session page", p.status, p.header.Get("Location"))
	}
	wants(t, "after the report", get(t, juror1, sessionURL+"?fraude=signalee"), 200, "Votre rapport de fraude est enregistré",
		facts, "rapport établi par le juré", "candidat exclu de l’épreuve")

	// The jury deliberates; the minutes mention the report.
	b.scoreAll(t, s, tJuror1, assessmentv1.Verdict_VERDICT_MASTERED)
	b.scoreAll(t, s, tJuror2, assessmentv1.Verdict_VERDICT_MASTERED)
	_, err := b.assess.DeliberateCandidacy(t.Context(), &assessmentv1.DeliberateCandidacyRequest{SessionId: s.session, CandidacyId: s.candidacy,
		CcpDecisions: []*assessmentv1.CcpDecision{{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
			{CcpCode: "CCP2", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}}}, b.as(t, tJuror2))
	jurorMust(t, err)
	minutesURL := sessionURL + "/proces-verbal"
	p = get(t, juror1, minutesURL)
	wants(t, "the minutes", p, 200, "Rapports de fraude", "rapport établi par le juré", "mesure prise : candidat exclu de l’épreuve")
	old := regexp.MustCompile(`name="content_hash" value="([0-9a-f]{64})"`).FindStringSubmatch(p.body)
	if old == nil {
		t.Fatal("the minutes page carries no content hash")
	}
	// A second report, on the session, after juror 1 read the minutes.
	p = juryPost(t, juror1, fraudURL, form("", "Le sujet de l’épreuve circulait avant la session.", "aucune"))
	if p.status != http.StatusSeeOther {
		t.Fatalf("second report = %d", p.status)
	}
	p = juryPost(t, juror1, minutesURL, url.Values{"content_hash": {old[1]}, "relu": {"1"}})
	wants(t, "signing the minutes read before the report", p, 400, "Un rapport de fraude a été établi après que vous avez lu le procès-verbal", "R57",
		"La session</strong>")
	if strings.Contains(p.body, `value="`+old[1]+`"`) {
		t.Error("the refused page still carries the stale hash")
	}

	// The responsable de session files one for the centre from the
	// centre's session page, which lists the reports too.
	centre := b.browserAs(t, tCentre)
	centreURL := b.srv.URL + "/centre/sessions/" + s.session
	p = get(t, centre, centreURL)
	wants(t, "the centre's session page", p, 200, "Rapports de fraude", facts, "Signaler une fraude", `action="/centre/sessions/`+s.session+`/fraude#fraude"`)
	centreForm := url.Values{CSRFField: {juryCSRF(t, centre, centreURL)}, "candidature": {""}, "faits": {"Un candidat a quitté la salle avec le sujet."},
		"date": {now.Format(time.DateOnly)}, "heure": {now.Format("15:04")}, "mesure": {"aucune"}}
	centreForm.Set("faits", "")
	wants(t, "the centre's report without facts", juryPost(t, centre, centreURL+"/fraude", centreForm), 422, `href="#fraude-faits"`)
	centreForm.Set("faits", "Un candidat a quitté la salle avec le sujet.")
	if p := juryPost(t, centre, centreURL+"/fraude", centreForm); p.status != http.StatusSeeOther ||
		p.header.Get("Location") != "/centre/sessions/"+s.session+"?fraude=signalee#fraude" {
		t.Fatalf("the centre's report = %d %q", p.status, p.header.Get("Location"))
	}
	wants(t, "the centre's page after its report", get(t, centre, centreURL+"?fraude=signalee"), 200, "Votre rapport de fraude est enregistré",
		"rapport établi par le responsable de session", "Un candidat a quitté la salle avec le sujet.")
}
