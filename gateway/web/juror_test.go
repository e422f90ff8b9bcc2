package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// juryPost sends form to u as a browser would, with the CSRF token of the
// page at u.
func juryPost(t *testing.T, c *http.Client, u string, form url.Values) page {
	t.Helper()
	if !form.Has(CSRFField) {
		form.Set(CSRFField, juryCSRF(t, c, u))
	}
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, c, req)
}

// juryPatch sends the grid as its script does: PATCH, the token in a
// header, JSON back.
func juryPatch(t *testing.T, c *http.Client, u, csrf string, form url.Values) (page, juryAutosaveReply) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPatch, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if csrf != "" {
		req.Header.Set(CSRFHeader, csrf)
	}
	p := do(t, c, req)
	var reply juryAutosaveReply
	if strings.HasPrefix(p.header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal([]byte(p.body), &reply); err != nil {
			t.Fatalf("PATCH %s: %v in %q", u, err, p.body)
		}
	}
	return p, reply
}

// juryCSRF returns the CSRF token of the page at u.
func juryCSRF(t *testing.T, c *http.Client, u string) string {
	t.Helper()
	p := get(t, c, u)
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("GET %s (%d): no CSRF token", u, p.status)
	}
	return m[1]
}

// wants fails the test for each of wants p's body lacks.
func wants(t *testing.T, what string, p page, status int, wants ...string) {
	t.Helper()
	if p.status != status {
		t.Errorf("%s: status %d; want %d", what, p.status, status)
	}
	for _, w := range wants {
		if !strings.Contains(p.body, w) {
			t.Errorf("%s: page lacks %q", what, w)
		}
	}
}

var etagInput = regexp.MustCompile(`name="etag" value="([^"]*)"`)

// fullGrid is the grid form with verdict v for every competence at the
// mise en situation, and an observation on the first one.
func fullGrid(etag, v string) url.Values {
	f := url.Values{"etag": {etag}}
	for _, c := range testCompetences {
		f.Set("verdict:"+c+":MISE_EN_SITUATION_PROFESSIONNELLE", v)
	}
	f.Set("verdict:CCP1-C1:ENTRETIEN_FINAL", v) // a session titre ends with the entretien final (R43)
	f.Set("observation:CCP1-C1", "Poste configuré sans aide, procédure expliquée.")
	return f
}

func TestJurorScreensFromTheSessionListToTheSignedMinutes(t *testing.T) {
	t.Parallel()
	b := startJurorBackend(t)
	s := b.newScenario(t, scenarioOptions{})
	juror1, juror2 := b.browserAs(t, tJuror1), b.browserAs(t, tJuror2)
	base := b.srv.URL
	sessionURL := base + "/jury/sessions/" + s.session
	candURL := sessionURL + "/candidatures/" + s.candidacy

	// My sessions: the session the juror sits on, not to others.
	wants(t, "my sessions", get(t, juror1, base+"/jury"), 200,
		"Mes sessions de jury", "Session titre — Technicien d’essai des grilles", "AFPA Lyon Vénissieux", "En cours", `href="/jury/sessions/`+s.session+`"`, "<caption>")
	wants(t, "another juror's sessions", get(t, b.browserAs(t, tOutsider), base+"/jury"), 200, "Aucune session pour le moment")
	wants(t, "a centre in the juror's space", get(t, b.browserAs(t, tCentre), base+"/jury"), 403, "Accès réservé")
	wants(t, "a session of another jury", get(t, b.browserAs(t, tOutsider), sessionURL), 403, "Vous ne siégez pas dans ce jury")
	wants(t, "a malformed session id", get(t, juror1, base+"/jury/sessions/pas-un-id!"), 404, "Page introuvable")

	// The session: its candidacy and where it stands.
	wants(t, "the session", get(t, juror1, sessionURL), 200,
		"Camille", "Durand", "CCP1, CCP2", "Déposé le", "Non commencée", "Pas encore délibéré", `href="/jury/sessions/`+s.session+`/candidatures/`+s.candidacy+`/grille"`)

	// The frozen dossier and its documents.
	dossier := get(t, juror1, candURL)
	wants(t, "the dossier", dossier, 200,
		"Migration du serveur de fichiers (CCP1)", "Transports Rhône SA", "Windows Server, Veeam, Zabbix.", "BTS Services informatiques aux organisations",
		"Je soussigné(e) Camille Durand", "Parcours de formation", s.snapshot.GetManifestHash(),
		"CCP1 — Exploiter les serveurs", "procédure sauvegarde.pdf", "schéma réseau.png", "compte rendu.odt")
	docURL := func(name string) string {
		return "/jury/dossiers/" + s.dossier + "/instantanes/" + s.snapshot.GetId() + "/documents/" + s.docs[name]
	}
	if !strings.Contains(dossier.body, `<iframe class="titrepro-document__frame" src="`+docURL("procédure sauvegarde.pdf")+`"`) ||
		!strings.Contains(dossier.body, `<img class="titrepro-document__image" src="`+docURL("schéma réseau.png")+`"`) ||
		strings.Contains(dossier.body, `src="`+docURL("compte rendu.odt")+`"`) ||
		!strings.Contains(dossier.body, `href="`+docURL("compte rendu.odt")+`?telecharger=1"`) {
		t.Error("the dossier page does not show the PDF in a frame, the image inline and the OpenDocument as a download only")
	}

	t.Run("documents stream with safe headers", func(t *testing.T) {
		for _, tc := range []struct {
			name, query, ctype, disposition string
		}{
			{"procédure sauvegarde.pdf", "", "application/pdf", "inline"},
			{"schéma réseau.png", "", "image/png", "inline"},
			{"compte rendu.odt", "", "application/octet-stream", "attachment"},
			{"procédure sauvegarde.pdf", "?telecharger=1", "application/octet-stream", "attachment"},
		} {
			p := get(t, juror1, base+docURL(tc.name)+tc.query)
			h := p.header
			if p.status != 200 || h.Get("Content-Type") != tc.ctype || !strings.HasPrefix(h.Get("Content-Disposition"), tc.disposition+"; ") ||
				h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") ||
				!strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") || h.Get("X-Frame-Options") != "SAMEORIGIN" ||
				h.Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s%s: %d, headers %v", tc.name, tc.query, p.status, h)
			}
			if !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''"+url.PathEscape(tc.name)) &&
				!strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") {
				t.Errorf("%s: Content-Disposition %q lacks the file name", tc.name, h.Get("Content-Disposition"))
			}
		}
		if p := get(t, juror1, base+docURL("procédure sauvegarde.pdf")); p.body != string(samplePDF) {
			t.Errorf("the PDF streamed %d bytes; want the %d uploaded", len(p.body), len(samplePDF))
		}
		p := get(t, b.browserAs(t, tOutsider), base+docURL("procédure sauvegarde.pdf"))
		if p.status != 403 || strings.Contains(p.body, "%PDF") || p.header.Get("Content-Disposition") != "" {
			t.Errorf("another session's juror read the document: %d %q", p.status, p.header.Get("Content-Type"))
		}
		wants(t, "a document of nothing", get(t, juror1, base+"/jury/dossiers/x/instantanes/y/documents/z!"), 404)
	})

	// The grid: every competence by every épreuve of a session titre.
	grid := get(t, juror1, candURL+"/grille")
	wants(t, "the empty grid", grid, 200, "Grille d’évaluation de", "Mise en situation professionnelle", "Entretien technique", "Entretien final",
		"CCP1-C1", "Configurer les postes de travail.", `name="etag" value="0"`, `role="status" aria-live="polite"`, "Enregistrer la grille", "js/jury-grille.js")
	for _, c := range testCompetences {
		for _, e := range testEpreuvesTitre {
			id := "verdict-" + c + "-" + e
			if !strings.Contains(grid.body, `<label class="fr-sr-only" for="`+id+`">`) || !strings.Contains(grid.body, `id="`+id+`" name="verdict:`+c+`:`+e+`"`) {
				t.Errorf("the grid lacks the labelled list %s", id)
			}
		}
	}
	csrf := csrfInput.FindStringSubmatch(grid.body)[1]

	t.Run("autosave", func(t *testing.T) {
		one := url.Values{"etag": {"0"}, "verdict:CCP1-C1:MISE_EN_SITUATION_PROFESSIONNELLE": {"MASTERED"}}
		p, reply := juryPatch(t, juror1, candURL+"/grille", csrf, one)
		if p.status != 200 || reply.Etag != "1" || !regexp.MustCompile(`^Enregistré à \d\d:\d\d\. 3 compétences sans verdict : CCP1-C2, CCP2-C1, CCP2-C2\.$`).MatchString(reply.Status) {
			t.Fatalf("first autosave = %d %+v", p.status, reply)
		}
		// The same grid sent again with the etag it was read with: another
		// change came first.
		p, reply = juryPatch(t, juror1, candURL+"/grille", csrf, one)
		if p.status != 409 || reply.Title != "Une autre modification est arrivée avant la vôtre" || reply.Reload != "/jury/sessions/"+s.session+"/candidatures/"+s.candidacy+"/grille" {
			t.Errorf("stale autosave = %d %+v", p.status, reply)
		}
		// Without the CSRF token: refused before anything is saved.
		p, _ = juryPatch(t, juror1, candURL+"/grille", "", url.Values{"etag": {"1"}})
		wants(t, "autosave without token", p, 403, "Formulaire expiré")
		// A verdict the grid never offers.
		p, reply = juryPatch(t, juror1, candURL+"/grille", csrf, url.Values{"etag": {"1"}, "verdict:CCP1-C2:ENTRETIEN_FINAL": {"EXCELLENT"}})
		if p.status != 422 || len(reply.Fields) != 1 || reply.Fields[0].ID != "verdict-CCP1-C2-ENTRETIEN_FINAL" {
			t.Errorf("bad verdict autosave = %d %+v", p.status, reply)
		}
		// Read back: the saved verdict is selected, the etag is the new one.
		back := get(t, juror1, candURL+"/grille")
		wants(t, "the grid read back", back, 200, `name="etag" value="1"`, "Dernier enregistrement :", "3 compétences sans verdict")
		if !regexp.MustCompile(`name="verdict:CCP1-C1:MISE_EN_SITUATION_PROFESSIONNELLE">\s*<option value="">[^<]*</option>\s*<option value="MASTERED" selected>`).MatchString(back.body) {
			t.Error("the saved verdict is not selected")
		}
	})

	t.Run("save without script", func(t *testing.T) {
		// A stale etag: 409, what was sent is shown unsaved, with the way
		// to the current grid.
		p := juryPost(t, juror1, candURL+"/grille", fullGrid("0", "MASTERED"))
		wants(t, "stale save", p, 409, "Une autre modification est arrivée avant la vôtre", `href="/jury/sessions/`+s.session+`/candidatures/`+s.candidacy+`/grille">Recharger la grille</a>`, `name="etag" value="0"`)
		// A value the form never offers: the error links to its list.
		bad := fullGrid("1", "MASTERED")
		bad.Set("verdict:CCP2-C2:ENTRETIEN_TECHNIQUE", "PEUT-ETRE")
		p = juryPost(t, juror1, candURL+"/grille", bad)
		wants(t, "bad save", p, 422, `href="#verdict-CCP2-C2-ENTRETIEN_TECHNIQUE"`, `aria-invalid="true"`, "<title>Erreur : ")
		// The current etag: saved, and the grid says it is complete.
		p = juryPost(t, juror1, candURL+"/grille", fullGrid("1", "MASTERED"))
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/jury/sessions/"+s.session+"/candidatures/"+s.candidacy+"/grille?enregistre=1" {
			t.Fatalf("save = %d %q", p.status, p.header.Get("Location"))
		}
		wants(t, "saved grid", get(t, juror1, candURL+"/grille?enregistre=1"), 200, "Grille enregistrée", "Grille complète : chaque compétence a un verdict.",
			"Poste configuré sans aide, procédure expliquée.", `name="etag" value="2"`)
		wants(t, "the session after the grid", get(t, juror1, sessionURL), 200, "Complète")
	})

	delibURL := candURL + "/deliberation"
	decisions := func(ccp2, motivation string) url.Values {
		return url.Values{"resultat:CCP1": {"OBTAINED"}, "resultat:CCP2": {ccp2}, "motivation:CCP2": {motivation}}
	}
	t.Run("deliberation", func(t *testing.T) {
		wants(t, "the deliberation form", get(t, juror1, delibURL), 200, "<legend class=\"fr-fieldset__legend\" id=\"legende-resultat-CCP1-obtenu\">CCP1 — Exploiter les serveurs</legend>",
			`for="resultat-CCP2-non-obtenu">Non obtenu</label>`, `maxlength="2000"`, "Enregistrer la décision du jury")
		// R49: the other juror has not scored yet.
		wants(t, "deliberation before every grid", juryPost(t, juror1, delibURL, decisions("OBTAINED", "")), 400,
			"Des grilles d’évaluation sont incomplètes", "R49 — tous les éléments réunis avant de délibérer", `value="OBTAINED" checked`)
		b.scoreAll(t, s, tJuror2, assessmentv1.Verdict_VERDICT_MASTERED)
		// R48: a CCP not obtained needs a motivation; every CCP a decision.
		p := juryPost(t, juror1, delibURL, decisions("NOT_OBTAINED", "  "))
		wants(t, "no motivation", p, 422, "R48 — une décision motivée par CCP", `href="#motivation-CCP2"`, "Motivez la décision sur CCP2", `aria-invalid="true"`)
		p = juryPost(t, juror1, delibURL, url.Values{"resultat:CCP2": {"OBTAINED"}})
		wants(t, "no decision on CCP1", p, 422, `href="#resultat-CCP1-obtenu"`, "Choisissez « Obtenu » ou « Non obtenu » pour CCP1")
		wants(t, "an outcome the form never offers", juryPost(t, juror1, delibURL, decisions("PEUT-ETRE", "")), 422, `href="#resultat-CCP2-obtenu"`)
		// Recorded.
		p = juryPost(t, juror1, delibURL, decisions("NOT_OBTAINED", "Budget non présenté lors de l’entretien."))
		if p.status != http.StatusSeeOther {
			t.Fatalf("deliberate = %d %s", p.status, p.body)
		}
		wants(t, "recorded", get(t, juror1, delibURL+"?enregistre=1"), 200, "Décision enregistrée", "Obtention partielle", "Budget non présenté lors de l’entretien.")
		wants(t, "the grid after the deliberation", get(t, juror1, candURL+"/grille"), 200, "Grille en lecture seule", "Le jury a délibéré sur cette candidature")
		wants(t, "the session after the deliberation", get(t, juror1, sessionURL), 200, "Délibérée, procès-verbal à signer", "Obtention partielle", "Relire et signer le procès-verbal")
	})

	minutesURL := sessionURL + "/proces-verbal"
	t.Run("minutes", func(t *testing.T) {
		p := get(t, juror1, minutesURL)
		wants(t, "the minutes", p, 200, "Procès-verbal du jury", "Juré 1", "Juré 2", "CCP2 — Conseiller les décideurs", "Non obtenu",
			"Budget non présenté lors de l’entretien.", "Obtention partielle", s.snapshot.GetManifestHash(), "Signatures attendues : Juré 1, Juré 2", "Signer le procès-verbal")
		old := regexp.MustCompile(`name="content_hash" value="([0-9a-f]{64})"`).FindStringSubmatch(p.body)
		if old == nil {
			t.Fatal("the minutes page carries no content hash")
		}
		wants(t, "signing unread", juryPost(t, juror1, minutesURL, url.Values{"content_hash": {old[1]}}), 422, `href="#relu"`, "Cochez la case")
		// The other juror changes a motivation before anyone signs: the
		// hash read is stale (R50); the page shows the minutes as they are.
		_, err := b.assess.DeliberateCandidacy(t.Context(), &assessmentv1.DeliberateCandidacyRequest{SessionId: s.session, CandidacyId: s.candidacy,
			CcpDecisions: []*assessmentv1.CcpDecision{{CcpCode: "CCP1", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED},
				{CcpCode: "CCP2", Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, Motivation: "Budget prévisionnel absent."}}}, b.as(t, tJuror2))
		jurorMust(t, err)
		p = juryPost(t, juror1, minutesURL, url.Values{"content_hash": {old[1]}, "relu": {"1"}})
		wants(t, "signing a stale hash", p, 400, "Le procès-verbal a changé depuis votre lecture", "R50 — un procès-verbal signé par chaque membre du jury", "Budget prévisionnel absent.")
		if strings.Contains(p.body, `value="`+old[1]+`"`) {
			t.Error("the refused page still carries the stale hash")
		}
		cur := regexp.MustCompile(`name="content_hash" value="([0-9a-f]{64})"`).FindStringSubmatch(p.body)
		p = juryPost(t, juror1, minutesURL, url.Values{"content_hash": {cur[1]}, "relu": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("sign = %d", p.status)
		}
		wants(t, "signed", get(t, juror1, minutesURL+"?signe=1"), 200, "Procès-verbal signé", "Vous avez signé ce procès-verbal le", "Signatures attendues : Juré 2")
		wants(t, "signing twice", juryPost(t, juror1, minutesURL, url.Values{"content_hash": {cur[1]}, "relu": {"1"}}), 409, "Procès-verbal déjà signé")
		wants(t, "deliberating after a signature", get(t, juror2, delibURL), 200, "La signature du procès-verbal a commencé")
		wants(t, "deliberating after a signature, sent anyway", juryPost(t, juror2, delibURL, decisions("OBTAINED", "")), 400, "La signature du procès-verbal a commencé", "R50")
		// The last signature closes the session.
		p = juryPost(t, juror2, minutesURL, url.Values{"content_hash": {cur[1]}, "relu": {"1"}})
		if p.status != http.StatusSeeOther {
			t.Fatalf("second signature = %d", p.status)
		}
		wants(t, "closed", get(t, juror2, minutesURL+"?signe=1"), 200, "la session est close")
		wants(t, "the session closed", get(t, juror1, sessionURL), 200, "Close, procès-verbal signé")
	})
}

func TestJurorRecusedFromACandidacySeesTheFrenchRefusal(t *testing.T) {
	t.Parallel()
	b := startJurorBackend(t)
	s := b.newScenario(t, scenarioOptions{
		jurors: []auth.Principal{tJuror1, tJuror2, tJuror3},
		links: map[string][]*assessmentv1.DeclaredLink{
			tJuror3.Subject: {{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "Formation Sud"}},
		},
	})
	// The candidate changes training organisation to one juror 3 declared
	// a link with: juror 3 is recused from the candidacy (R21).
	cand, err := b.cand.GetCandidate(t.Context(), &candidatev1.GetCandidateRequest{CandidateId: s.candidateID}, b.as(t, tCandidate))
	jurorMust(t, err)
	_, err = b.cand.UpdateCandidate(t.Context(), &candidatev1.UpdateCandidateRequest{
		Candidate:  &candidatev1.Candidate{Id: s.candidateID, Etag: cand.GetCandidate().GetEtag(), Training: &candidatev1.TrainingEnrolment{Organisation: "Formation Sud"}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"training"}},
	}, b.as(t, tCandidate))
	jurorMust(t, err)
	svctest.Eventually(t, "juror 3 is recused", func() error {
		_, err := b.assess.GetCandidacy(t.Context(), &assessmentv1.GetCandidacyRequest{SessionId: s.session, CandidacyId: s.candidacy}, b.as(t, tJuror3))
		if refusalReason(err) == "JUROR_CONFLICT_OF_INTEREST" {
			return nil
		}
		return fmt.Errorf("not recused yet: %v", err)
	})
	juror3 := b.browserAs(t, tJuror3)
	candURL := b.srv.URL + "/jury/sessions/" + s.session + "/candidatures/" + s.candidacy
	refusal := []string{"Vous ne pouvez pas intervenir sur cette candidature", "Vous avez déclaré un lien avec ce candidat", "R21 — aucun membre du jury lié au candidat"}

	session := get(t, juror3, b.srv.URL+"/jury/sessions/"+s.session)
	wants(t, "the session", session, 200, "Aucune candidature ne vous est ouverte", "règle R21")
	if strings.Contains(session.body, s.candidacy) {
		t.Error("the session page lists the candidacy juror 3 is recused from")
	}
	wants(t, "the dossier", get(t, juror3, candURL), 403, refusal...)
	wants(t, "the grid", get(t, juror3, candURL+"/grille"), 403, refusal...)
	wants(t, "the deliberation", get(t, juror3, candURL+"/deliberation"), 403, refusal...)
	wants(t, "deliberating", juryPost(t, juror3, candURL+"/deliberation", url.Values{CSRFField: {juryCSRF(t, juror3, b.srv.URL+"/jury")}, "resultat:CCP1": {"OBTAINED"}}), 403, refusal...)
	p, reply := juryPatch(t, juror3, candURL+"/grille", juryCSRF(t, juror3, b.srv.URL+"/jury"), url.Values{"etag": {"0"}})
	if p.status != 403 || reply.Title != refusal[0] || reply.Rule != juryRuleR21 {
		t.Errorf("autosave by a recused juror = %d %+v", p.status, reply)
	}
	doc := "/jury/dossiers/" + s.dossier + "/instantanes/" + s.snapshot.GetId() + "/documents/" + s.docs["procédure sauvegarde.pdf"]
	p = get(t, juror3, b.srv.URL+doc)
	wants(t, "a document", p, 403, refusal...)
	if strings.Contains(p.body, "%PDF") {
		t.Error("a recused juror read the document")
	}
	// The other jurors still work on it.
	wants(t, "juror 1's dossier", get(t, b.browserAs(t, tJuror1), candURL), 200, "Transports Rhône SA")
}

func TestJurorPagesBeforeTheSessionOpensAndWithoutDossier(t *testing.T) {
	t.Parallel()
	b := startJurorBackend(t)
	s := b.newScenario(t, scenarioOptions{planned: true, noDossier: true})
	juror1 := b.browserAs(t, tJuror1)
	candURL := b.srv.URL + "/jury/sessions/" + s.session + "/candidatures/" + s.candidacy
	wants(t, "the session", get(t, juror1, b.srv.URL+"/jury/sessions/"+s.session), 200, "Planifiée", "Non déposé")
	wants(t, "the dossier", get(t, juror1, candURL), 200, "Dossier professionnel pas encore déposé", "R34")
	grid := get(t, juror1, candURL+"/grille")
	wants(t, "the grid", grid, 200, "Grille en lecture seule", "La session n’est pas encore ouverte")
	if strings.Contains(grid.body, "data-autosave") || strings.Contains(grid.body, "Enregistrer la grille</button>") {
		t.Error("a locked grid offers to save")
	}
	wants(t, "saving anyway", juryPost(t, juror1, candURL+"/grille", fullGrid("0", "MASTERED")), 400, "La session n’est pas ouverte")
	wants(t, "the deliberation", get(t, juror1, candURL+"/deliberation"), 200, "Décision en lecture seule")
	wants(t, "the minutes", get(t, juror1, b.srv.URL+"/jury/sessions/"+s.session+"/proces-verbal"), 400, "Procès-verbal pas encore établi", "R50")
	// The grid's script after the session expired: the login round trip,
	// which the script tells the juror about (no JSON answer to read).
	p, _ := juryPatch(t, browser(t), candURL+"/grille", "x", url.Values{"etag": {"0"}})
	if loc, _ := url.Parse(p.header.Get("Location")); p.status != http.StatusSeeOther || loc == nil || loc.Path != "/connexion" {
		t.Errorf("autosave without a session = %d %q", p.status, p.header.Get("Location"))
	}
	wants(t, "another session's candidacy", get(t, juror1, b.srv.URL+"/jury/sessions/"+s.session+"/candidatures/01a24a07-d9e1-7788-ae59-92245c38e4c8"), 404, "Candidature introuvable")
}
