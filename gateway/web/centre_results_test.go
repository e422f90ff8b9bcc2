package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// TestCentreSeesTheResultsOnceValidated: the centre's results page shows
// nothing before the signed minutes, says they await the DREETS once
// signed, and once validated shows each candidacy's decision per CCP with
// the motivation, the minutes' hash, and links to each fiche individuelle
// and to the minutes as PDF, which the centre downloads; another centre
// reads none of it.
func TestCentreSeesTheResultsOnceValidated(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	const centre = "CENTRE-69-001"
	c := b.centreClient(t, centre)
	id := b.planSession(t, c)
	page := "/centre/sessions/" + id
	results := page + "/resultats"
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-alice", "Alice Martin"))
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-bruno", "Bruno Petit"))
	ready := b.selfRegistered(t, "camille@idp", "Durand", "AFPA Lyon")
	absent := b.selfRegistered(t, "dominique@idp", "Bernard", "Greta Lyon")
	b.register(t, c, id, ready, "")
	b.register(t, c, id, absent, "")
	readyC, absentC := b.candidacyOf(t, centre, id, ready), b.candidacyOf(t, centre, id, absent)
	title := b.title(t)
	b.fileDossier(t, centreCandidatePrincipal("camille@idp"), centrePrincipal(centre), ready, title, id, readyC)
	if p := centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"ouvrir"}}); p.status != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", p.status, centreExcerpt(p.body))
	}
	centreMust(t, "nothing signed", get(t, c, b.srv.URL+results), http.StatusOK, `data-results="aucun"`, "Pas encore de résultats",
		`href="/centre/sessions/`+id+`/resultats" aria-current="page">Résultats</a>`)

	// The jury: Durand obtains CCP1 but not CCP2, Bernard is absent.
	codes := ccpCodes(title)
	motivation := "Compétences non démontrées lors de la mise en situation."
	jurors := []auth.Principal{centreJurorPrincipal("juror-alice"), centreJurorPrincipal("juror-bruno")}
	for _, j := range jurors {
		b.score(t, j, id, readyC, title, nil, notMasteredIn(codes[1:2]))
	}
	b.deliberate(t, jurors[0], id, readyC, codes, map[string]string{codes[1]: motivation})
	if _, err := b.assess.DeliberateCandidacy(t.Context(), &assessmentv1.DeliberateCandidacyRequest{SessionId: id, CandidacyId: absentC, Absent: true},
		b.as(t, jurors[0])); err != nil {
		t.Fatal(err)
	}
	b.sign(t, id, jurors...)
	waitUntil(t, "the signed minutes reach the certification service", func() bool {
		return strings.Contains(get(t, c, b.srv.URL+results).body, `data-results="a-valider"`)
	})
	p := get(t, c, b.srv.URL+results)
	centreMust(t, "awaiting", p, http.StatusOK, "Procès-verbal en attente de validation", "règle R51")
	centreMustNot(t, "awaiting", p, motivation, "fiche.pdf")

	b.validate(t, ministry, id)
	p = get(t, c, b.srv.URL+results)
	res, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: id}, b.as(t, ministry))
	if err != nil {
		t.Fatal(err)
	}
	sheet := results + "/" + readyC + "/fiche.pdf"
	centreMust(t, "validated", p, http.StatusOK, `data-results="valide"`, "Version 1, validée par la DREETS", res.GetResult().GetMinutesHash(),
		"Décisions du jury (2)", "Durand Camille", "Réussite partielle", "Bernard Camille", "Absence à la session",
		"Aucune décision par CCP : le candidat ne s’est pas présenté.",
		`<th scope="row">`+codes[0]+` — `+html.EscapeString(ccpLabel(title, codes[0]))+`</th>`,
		`fr-badge--error">Non obtenu</span></td>`, html.EscapeString(motivation),
		`href="`+sheet+`"`, `href="`+results+`/`+absentC+`/fiche.pdf"`, `href="`+results+`/proces-verbal.pdf?version=1"`)

	for _, doc := range []string{sheet, results + "/" + absentC + "/fiche.pdf", results + "/proces-verbal.pdf?version=1"} {
		pdf := get(t, c, b.srv.URL+doc)
		if pdf.status != http.StatusOK || pdf.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf.body, "%PDF-") ||
			!strings.HasPrefix(pdf.header.Get("Content-Disposition"), "attachment") {
			t.Errorf("GET %s: %d %q %q", doc, pdf.status, pdf.header.Get("Content-Type"), pdf.header.Get("Content-Disposition"))
		}
	}

	// The DREETS returns the validated minutes to correct a material
	// error: the validated decisions stand, the page says a correction is
	// under way.
	if _, err := b.cert.ReturnResult(t.Context(), &certificationv1.ReturnResultRequest{SessionId: id, MinutesHash: res.GetResult().GetMinutesHash(),
		Reason: "Erreur matérielle sur le CCP2.", CandidacyIds: []string{readyC}}, b.as(t, ministry)); err != nil {
		t.Fatal(err)
	}
	p = get(t, c, b.srv.URL+results)
	centreMust(t, "correcting", p, http.StatusOK, `data-results="correction"`, "Correction en cours", "celles de la version 1, validée",
		html.EscapeString(motivation), `href="`+sheet+`"`)

	// The jury deliberates again and signs version 2: until the DREETS
	// validates it, the page shows version 1's decisions.
	waitUntil(t, "the return reaches the session", func() bool {
		_, err := b.assess.DeliberateCandidacy(t.Context(), &assessmentv1.DeliberateCandidacyRequest{SessionId: id, CandidacyId: readyC,
			CcpDecisions: centreDecisions(codes, codes[1], "Motivation corrigée.")}, b.as(t, jurors[0]))
		return err == nil
	})
	b.sign(t, id, jurors...)
	waitUntil(t, "version 2 reaches the certification service", func() bool {
		return strings.Contains(get(t, c, b.srv.URL+results).body, "la version 2 est en cours")
	})
	p = get(t, c, b.srv.URL+results)
	centreMust(t, "version 2 awaiting", p, http.StatusOK, "Correction en cours", "celles de la version 1, validée", html.EscapeString(motivation),
		`href="`+results+`/proces-verbal.pdf?version=1"`)
	centreMustNot(t, "version 2 awaiting", p, "Motivation corrigée.")

	// Another centre reads neither the page nor a fiche.
	other := b.centreClient(t, "CENTRE-75-002")
	if p := get(t, other, b.srv.URL+results); p.status == http.StatusOK || strings.Contains(p.body, motivation) {
		t.Errorf("another centre's results page: %d", p.status)
	}
	if p := get(t, other, b.srv.URL+sheet); p.status == http.StatusOK || strings.HasPrefix(p.body, "%PDF-") {
		t.Errorf("another centre's fiche: %d", p.status)
	}
}

// centreDecisions are the decisions on codes: every CCP obtained but
// failed, not obtained with motivation.
func centreDecisions(codes []string, failed, motivation string) []*assessmentv1.CcpDecision {
	var out []*assessmentv1.CcpDecision
	for _, code := range codes {
		d := &assessmentv1.CcpDecision{CcpCode: code, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
		if code == failed {
			d.Outcome, d.Motivation = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, motivation
		}
		out = append(out, d)
	}
	return out
}
