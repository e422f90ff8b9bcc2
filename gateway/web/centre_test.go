package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

func TestCentrePagesAreTheCentres(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)

	// Anonymous: the login round trip, back to the page.
	p := get(t, browser(t), b.srv.URL+"/centre/sessions")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), "/connexion?") {
		t.Errorf("anonymous GET /centre/sessions = %d %q; want the login", p.status, p.header.Get("Location"))
	}
	// Another role: a French 403 page.
	cand := browser(t)
	b.signIn(t, cand, centreCandidatePrincipal("camille@idp"))
	centreMust(t, "candidate on the centre's page", get(t, cand, b.srv.URL+"/centre/sessions"), http.StatusForbidden, "Accès réservé")

	c := b.centreClient(t, "CENTRE-69-001")
	home := get(t, c, b.srv.URL+"/")
	centreMust(t, "home page", home, http.StatusOK, `href="/centre/sessions"`, "Sessions du centre")
	if p := get(t, c, b.srv.URL+"/centre"); p.status != http.StatusSeeOther || p.header.Get("Location") != "/centre/sessions" {
		t.Errorf("GET /centre = %d %q", p.status, p.header.Get("Location"))
	}
	centreMust(t, "no sessions yet", get(t, c, b.srv.URL+"/centre/sessions"), http.StatusOK, "Aucune session pour le moment", "Planifier une session")

	// Not an id: the 404 page, without asking the service.
	centreMust(t, "bad id", get(t, c, b.srv.URL+"/centre/sessions/..%2Fetc"), http.StatusNotFound, "Page introuvable")
	centreMust(t, "bad id", get(t, c, b.srv.URL+"/centre/sessions/zzz/jury"), http.StatusNotFound, "Page introuvable")

	// Another centre's session: the service's denial, in French.
	other := b.centreClient(t, "CENTRE-75-002")
	id := b.planSession(t, other)
	for _, path := range []string{"", "/jury", "/candidatures", "/suivi"} {
		p := get(t, c, b.srv.URL+"/centre/sessions/"+id+path)
		centreMust(t, "another centre's session"+path, p, http.StatusForbidden, "SESSION_ACCESS_DENIED")
		centreMustNot(t, "another centre's session"+path, p, "AFPA Lyon")
	}
	// A form sent without its CSRF token is refused before the service.
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+"/centre/sessions/"+id, strings.NewReader("action=ouvrir"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	centreMust(t, "POST without CSRF", do(t, other, req), http.StatusForbidden, "Formulaire expiré")
}

func TestCentrePlansASession(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	title := b.title(t)
	key := centreTitleKey(title.GetId(), title.GetVersion())

	// Step 1: the catalogue.
	step1 := get(t, c, b.srv.URL+centrePlanPath)
	centreMust(t, "step 1", step1, http.StatusOK, "Étape 1 sur 2", `<option value="`+key+`">TP-00495 — `, "version "+title.GetVersion())
	// Step 2: the title's CCPs, a request id.
	step2path := centrePlanPath + "?titre=" + url.QueryEscape(key)
	step2 := get(t, c, b.srv.URL+step2path)
	centreMust(t, "step 2", step2, http.StatusOK, "Étape 2 sur 2", `name="request_id" value="`, `id="ccp-1" name="ccp" value="CCP1"`, `id="ccp-3"`, `maxlength="200"`)
	// A title the catalogue does not hold goes back to step 1 with the reason.
	centreMust(t, "unknown title", get(t, c, b.srv.URL+centrePlanPath+"?titre=TP-99999%7C1"), http.StatusUnprocessableEntity,
		"pas au catalogue", `href="#titre"`)

	today := time.Now().In(paris)
	day := func(n int) string { return today.AddDate(0, 0, n).Format(time.DateOnly) }
	base := func() url.Values {
		return url.Values{"titre": {key}, "type": {"titre"}, "site": {"AFPA Lyon Vénissieux"}, "debut": {day(7)}, "fin": {day(8)}}
	}

	// The service's field violations, each linked to its field.
	bad := base()
	bad.Set("site", "")
	bad.Set("fin", day(6))
	p := centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, bad)
	centreMust(t, "bad dates and no site", p, http.StatusUnprocessableEntity, `href="#site"`, `href="#fin"`, `aria-describedby="site-erreur"`, "<title>Erreur : ")
	// R40: the dossiers are submitted at the latest on the first day.
	late := base()
	late.Set("limite", day(9))
	centreMust(t, "deadline after the start", centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, late), http.StatusUnprocessableEntity, `href="#limite"`)
	// A session CCP names its CCPs.
	noCCP := base()
	noCCP.Set("type", "ccp")
	centreMust(t, "CCP session without CCP", centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, noCCP), http.StatusUnprocessableEntity, `href="#ccp-1"`)
	noType := base()
	noType.Del("type")
	centreMust(t, "no type", centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, noType), http.StatusUnprocessableEntity, `href="#type-titre"`, "Choisissez le type de session")

	// Planned: the session's page. Sent twice with the same request id, it
	// plans one session.
	good := base()
	good.Set("request_id", "0b7c4c1e-3f0a-4d36-9d7e-1f2d3c4b5a69")
	first := centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, good)
	again := centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, good)
	if first.status != http.StatusSeeOther || first.header.Get("Location") != again.header.Get("Location") {
		t.Fatalf("plan twice with one request id: %d %q, then %q", first.status, first.header.Get("Location"), again.header.Get("Location"))
	}
	id := centreSessionLocation.FindStringSubmatch(first.header.Get("Location"))[1]
	sp := get(t, c, b.srv.URL+first.header.Get("Location"))
	centreMust(t, "session page", sp, http.StatusOK, "Session planifiée", "Planifiée", "AFPA Lyon Vénissieux", CivilDateFR(day(7)),
		"jusqu’au "+CivilDateFR(day(7)), "CCP1", "Ouvrir la session", `name="etag"`, "il en faut au moins deux (règle R19)")
	// The same request id with other values is a new request.
	other := base()
	other.Set("request_id", good.Get("request_id"))
	other.Set("fin", day(9))
	centreMustRefuse(t, "request id reused", centreSubmit(t, c, b.srv.URL, step2path, centrePlanPath, other), http.StatusConflict, "déjà servi à planifier une autre session")

	// A session CCP.
	ccp := b.planSession(t, c, "CCP2")
	centreMust(t, "CCP session", get(t, c, b.srv.URL+"/centre/sessions/"+ccp), http.StatusOK, "Session CCP", "CCP de la session", "CCP2")

	list := get(t, c, b.srv.URL+"/centre/sessions")
	centreMust(t, "list", list, http.StatusOK, `data-session="`+id+`"`, `data-session="`+ccp+`"`, "Planifiée", "TP-00495 (version "+title.GetVersion()+")")
	if n := strings.Count(list.body, "data-session="); n != 2 {
		t.Errorf("the list shows %d sessions; want 2", n)
	}
}

func TestCentreSessionsListIsPaged(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	as := b.env.As(t, centrePrincipal("CENTRE-69-001"))
	title := b.title(t)
	for i := range centreSessionsPageSize + 1 {
		start := time.Now().AddDate(0, 1, i).Format(time.DateOnly)
		if _, err := b.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
			Site: "AFPA Lyon Vénissieux", StartDate: start, EndDate: start,
		}}, as); err != nil {
			t.Fatal(err)
		}
	}
	first := get(t, c, b.srv.URL+"/centre/sessions")
	centreMust(t, "first page", first, http.StatusOK, "Sessions suivantes", `rel="next"`)
	if n := strings.Count(first.body, "data-session="); n != centreSessionsPageSize {
		t.Errorf("first page: %d sessions", n)
	}
	i := strings.Index(first.body, `/centre/sessions?page=`)
	next := first.body[i:]
	next = next[:strings.Index(next, `"`)]
	second := get(t, c, b.srv.URL+strings.ReplaceAll(next, "&amp;", "&"))
	centreMust(t, "second page", second, http.StatusOK, "Revenir au début de la liste", "(suite de la liste)")
	if n := strings.Count(second.body, "data-session="); n != 1 {
		t.Errorf("second page: %d sessions", n)
	}
	centreMust(t, "a forged page token", get(t, c, b.srv.URL+"/centre/sessions?page=nope"), http.StatusBadRequest, "INVALID_PAGE_TOKEN")
	centreMust(t, "a huge page token", get(t, c, b.srv.URL+"/centre/sessions?page="+strings.Repeat("a", centreMaxPageToken+1)), http.StatusNotFound)
}

func TestCentreComposesTheJury(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	id := b.planSession(t, c)
	path := "/centre/sessions/" + id + "/jury"

	empty := get(t, c, b.srv.URL+path)
	centreMust(t, "empty jury", empty, http.StatusOK, "Le jury ne compte encore aucun membre", "Aucun juré du registre n’est habilité",
		`id="lien-2-nature"`, "Ajouter le juré au jury")
	centreMustNot(t, "empty jury", empty, `id="lien-3-nature"`)

	// One more row of links, nothing sent to the service; the choice kept.
	more := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	more.Set("action", "ligne")
	more.Set("lien-1-nature", "employeur")
	more.Set("lien-1-valeur", "Transports Rhône")
	p := centreSubmit(t, c, b.srv.URL, path, path, more)
	centreMust(t, "one more row", p, http.StatusOK, `id="lien-3-nature"`, `value="Transports Rhône"`,
		`<option value="HAB-69-juror-alice" selected>Alice Martin — habilitation n° HAB-69-juror-alice`)
	centreMustNot(t, "one more row", p, "data-juror=")

	// A value without its kind.
	noKind := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	noKind.Set("lien-2-valeur", "AFPA")
	centreMust(t, "link without kind", centreSubmit(t, c, b.srv.URL, path, path, noKind), http.StatusUnprocessableEntity, `href="#lien-2-nature"`, "Précisez la nature du lien 2")

	// No juror chosen.
	blank := b.centreJurorValues(t, "", "")
	centreMust(t, "blank juror", centreSubmit(t, c, b.srv.URL, path, path, blank), http.StatusUnprocessableEntity,
		`href="#hab-numero"`, "Choisissez un juré dans le registre")

	// R16: a number the register does not hold (a forged form).
	forged := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	forged.Set("hab-numero", "HAB-TAPE-A-LA-MAIN")
	centreMustRefuse(t, "not in the register", centreSubmit(t, c, b.srv.URL, path, path, forged), http.StatusNotFound,
		"Aucune habilitation ne porte ce numéro")

	// R23: a juror of the register who has not accepted the charte.
	today := time.Now().In(paris)
	_, err := b.cert.GrantHabilitation(t.Context(), &certificationv1.GrantHabilitationRequest{Habilitation: &certificationv1.Habilitation{
		Number: "HAB-69-juror-new", JurorSubject: "juror-new", JurorName: "Nina Neuve", JurorEmail: "nina@example.org", TitleId: "TP-00495",
		ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(1, 0, 0).Format(time.DateOnly),
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 4,
	}}, b.as(t, registerOfficer))
	if err != nil {
		t.Fatal(err)
	}
	nina := b.centreJurorValues(t, "", "")
	nina.Set("hab-numero", "HAB-69-juror-new")
	svctest.Eventually(t, "the R23 refusal", func() error {
		p = centreSubmit(t, c, b.srv.URL, path, path, nina)
		if !strings.Contains(p.body, "CHARTER_NOT_ACCEPTED") {
			return errors.New("not yet refused for the charte")
		}
		return nil
	})
	centreMustRefuse(t, "R23", p, http.StatusBadRequest, "règle R23", "charte de déontologie")
	centreMust(t, "R23 keeps the choice", p, http.StatusBadRequest, `<option value="HAB-69-juror-new" selected>Nina Neuve`)

	// Added, with a declared link.
	alice := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	alice.Set("lien-1-nature", "employeur")
	alice.Set("lien-1-valeur", "Transports Rhône")
	b.addJuror(t, c, id, alice)
	p = get(t, c, b.srv.URL+path+"?fait=ajoute")
	centreMust(t, "jury of one", p, http.StatusOK, "Le juré a été ajouté au jury.", `data-juror="juror-alice"`, "Alice Martin", "HAB-69-juror-alice",
		"Employeur : Transports Rhône", "Retirer Alice Martin", "Membres du jury (1)")

	// The same juror with other details, and no longer in the choice.
	centreMustNot(t, "jury of one", p, `<option value="HAB-69-juror-alice"`)
	changed := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	centreMustRefuse(t, "already assigned", centreSubmit(t, c, b.srv.URL, path, path, changed), http.StatusConflict, "retirez-le du jury puis ajoutez-le de nouveau")

	// R21: a juror whose declared link concerns a registered candidate.
	cand := b.selfRegistered(t, "dominique@idp", "Bernard", "AFPA Lyon")
	b.register(t, c, id, cand, "")
	conflicted := b.centreJurorValues(t, "juror-bruno", "Bruno Petit")
	conflicted.Set("lien-1-nature", "organisme")
	conflicted.Set("lien-1-valeur", "afpa  LYON")
	p = centreSubmit(t, c, b.srv.URL, path, path, conflicted)
	centreMustRefuse(t, "R21 on the jury", p, http.StatusBadRequest, "règle R21", "organisme de formation", "avec Bernard Camille, déjà inscrit à la session")
	centreMustNot(t, "R21 on the jury", p, `data-juror="juror-bruno"`)

	// Withdrawn.
	p = centreSubmit(t, c, b.srv.URL, path, path, url.Values{"action": {"retirer"}, "jure": {"juror-alice"}})
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?fait=retire") {
		t.Fatalf("withdraw: %d %q", p.status, p.header.Get("Location"))
	}
	p = get(t, c, b.srv.URL+p.header.Get("Location"))
	centreMust(t, "withdrawn", p, http.StatusOK, "Le juré a été retiré du jury.", "Le jury ne compte encore aucun membre")
	centreMustRefuse(t, "withdraw again", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"action": {"retirer"}, "jure": {"juror-alice"}}),
		http.StatusNotFound, "ne fait plus partie du jury")
	centreMust(t, "unknown action", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"action": {"?"}}), http.StatusBadRequest, "Demande incomprise")
}

func TestCentreRegistersCandidates(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	id := b.planSession(t, c, "CCP1", "CCP2")
	path := "/centre/sessions/" + id + "/candidatures"

	p := get(t, c, b.srv.URL+path)
	centreMust(t, "no candidacy", p, http.StatusOK, "Aucun candidat n’est encore inscrit", "Dossiers professionnels déposés : <strong>0 sur 0</strong>",
		`id="ccp-1" name="ccp" value="CCP1"`, `id="ccp-2" name="ccp" value="CCP2"`, "Enregistrer un nouveau candidat")
	centreMustNot(t, "no candidacy", p, `value="CCP3"`)

	// The centre registers a candidate record, from the session's form.
	newPath := "/centre/candidats/nouveau?session=" + id
	form := url.Values{
		"session": {id}, "nom-naissance": {"Durand"}, "prenoms": {"Camille, Marie"}, "naissance": {"1994-03-12"},
		"naissance-commune": {"Lyon"}, "naissance-pays": {"fr"}, "naissance-insee": {"69123"}, "sexe": {"F"},
		"courriel":  {"camille.durand@example.org"},
		"telephone": {"+33 6 12 34 56 78"}, "adresse-ligne1": {"12 rue des Lilas"}, "code-postal": {"69003"},
		"localite": {"Lyon"}, "adresse-pays": {"FR"}, "voie": {"formation"}, "formation-organisme": {"AFPA Lyon"},
		"formation-titre": {"tp-00495"},
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("courriel", "pas-une-adresse")
	bad.Set("code-postal", "6900")
	bad.Set("voie", "vae")
	bad.Set("naissance-insee", "99134") // a country's code, for someone born in France
	p = centreSubmit(t, c, b.srv.URL, newPath, "/centre/candidats/nouveau", bad)
	centreMust(t, "bad candidate", p, http.StatusUnprocessableEntity, `href="#courriel"`, `href="#code-postal"`, `href="#vae-decision"`,
		`value="pas-une-adresse"`, `href="#naissance-insee"`, `value="99134"`, `id="sexe-F" name="sexe" value="F" checked`)
	p = centreSubmit(t, c, b.srv.URL, newPath, "/centre/candidats/nouveau", form)
	loc := p.header.Get("Location")
	if p.status != http.StatusSeeOther || !strings.HasPrefix(loc, path+"?candidat=") {
		t.Fatalf("register a candidate record: %d %q\n%s", p.status, loc, centreExcerpt(p.body))
	}
	durand := strings.TrimPrefix(loc, path+"?candidat=")
	saved, err := b.cand.GetCandidate(t.Context(), &candidatev1.GetCandidateRequest{CandidateId: durand}, b.env.As(t, centrePrincipal("CENTRE-69-001")))
	if err != nil || saved.GetCandidate().GetSex() != "F" || saved.GetCandidate().GetBirthPlace().GetInseeCode() != "69123" {
		t.Errorf("the CPF deposit fields are not saved: sex %q, INSEE %q, %v", saved.GetCandidate().GetSex(), saved.GetCandidate().GetBirthPlace().GetInseeCode(), err)
	}
	p = get(t, c, b.srv.URL+loc)
	centreMust(t, "the new record is chosen", p, http.StatusOK, `<option value="`+durand+`" selected>DURAND Camille Marie, né(e) le 12 mars 1994</option>`)
	list := get(t, c, b.srv.URL+"/centre/candidats")
	centreMust(t, "records", list, http.StatusOK, `data-candidate="`+durand+`"`, "Camille Marie", "12 mars 1994", "Formation professionnelle continue")

	// Registered from the list, for CCP1 only, with an employer.
	p = centreSubmitKnown(t, c, b.srv.URL, path, path, url.Values{"choix": {"liste"}, "candidat-liste": {durand}, "ccp": {"CCP1"}, "employeur": {"Transports Rhône"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("register from the list: %d\n%s", p.status, centreExcerpt(p.body))
	}
	p = get(t, c, b.srv.URL+p.header.Get("Location"))
	centreMust(t, "registered", p, http.StatusOK, "Le candidat est inscrit à la session", "Durand Camille Marie", "Transports Rhône", "Non déposé",
		"Dossiers professionnels déposés : <strong>0 sur 1</strong>")
	centreMustNot(t, "registered", p, `<option value="`+durand+`"`) // no longer offered

	// A person registered by themselves, by the id they give.
	self := b.selfRegistered(t, "dominique@idp", "Bernard", "Greta Lyon")
	b.register(t, c, id, self, "")
	// Registered twice.
	centreMustRefuse(t, "twice", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}, "candidat-identifiant": {self}}),
		http.StatusConflict, "déjà inscrit à cette session")
	// Another centre's record is unknown here, as if it did not exist.
	otherCentre := b.centreClient(t, "CENTRE-75-002")
	p = centreSubmit(t, otherCentre, b.srv.URL, "/centre/candidats/nouveau", "/centre/candidats/nouveau", form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("other centre's record: %d", p.status)
	}
	others := get(t, otherCentre, b.srv.URL+"/centre/candidats")
	i := strings.Index(others.body, `data-candidate="`) + len(`data-candidate="`)
	foreign := others.body[i : i+36]
	// Once the assessment service knows the record (its centre registers
	// it), this centre still gets CANDIDATE_UNKNOWN: its existence does
	// not leak.
	b.register(t, otherCentre, b.planSession(t, otherCentre), foreign, "")
	p = centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}, "candidat-identifiant": {foreign}})
	centreMustRefuse(t, "another centre's record", p, http.StatusBadRequest, "Un candidat enregistré par un autre centre ne peut pas être inscrit ici")
	centreMustNot(t, "another centre's record", p, "Durand Camille Marie</option>")
	// Nothing chosen, nothing typed.
	centreMust(t, "nothing chosen", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"liste"}}), http.StatusUnprocessableEntity, `href="#candidat-liste"`)
	centreMust(t, "nothing typed", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}}), http.StatusUnprocessableEntity, `href="#candidat-identifiant"`)
	centreMust(t, "a CCP the session does not have", centreSubmit(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}, "candidat-identifiant": {self}, "ccp": {"CCP3"}}),
		http.StatusUnprocessableEntity, `href="#ccp-1"`)

	// R21: a juror's declared employer matches a new candidacy's.
	b.addJuror(t, c, id, func() url.Values {
		f := b.centreJurorValues(t, "juror-claire", "Claire Roux")
		f.Set("lien-1-nature", "employeur")
		f.Set("lien-1-valeur", "Chimie  du Rhône")
		return f
	}())
	third := b.selfRegistered(t, "eli@idp", "Morel", "Greta Lyon")
	p = centreSubmitKnown(t, c, b.srv.URL, path, path, url.Values{"choix": {"identifiant"}, "candidat-identifiant": {third}, "employeur": {"chimie du rhône"}})
	centreMustRefuse(t, "R21 on a registration", p, http.StatusBadRequest, "Le juré Claire Roux a déclaré un lien (employeur) avec ce candidat", "règle R21")

	// The dossiers: the candidate submits; the page shows it.
	b.fileDossier(t, centreCandidatePrincipal("dominique@idp"), centrePrincipal("CENTRE-69-001"), self, b.title(t), id, b.candidacyOf(t, "CENTRE-69-001", id, self))
	p = get(t, c, b.srv.URL+path)
	centreMust(t, "a dossier submitted", p, http.StatusOK, "Dossiers professionnels déposés : <strong>1 sur 2</strong>", `data-dossier="depose"`, `data-dossier="manquant"`, "Empreinte ")

	// R46: an adjustment authorised before the session; Durand withdraws.
	centre := b.as(t, centrePrincipal("CENTRE-69-001"))
	yesterday := time.Now().In(paris).AddDate(0, 0, -1).Format(time.DateOnly)
	if _, err := b.assess.RecordAdjustment(t.Context(), &assessmentv1.RecordAdjustmentRequest{SessionId: id, CandidacyId: b.candidacyOf(t, "CENTRE-69-001", id, self),
		Adjustment: &assessmentv1.Adjustment{Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE, ExtraMinutes: 20,
			EpreuveMinutes: 120, AuthorisationReference: "MDPH-69-0042", AuthorisationDate: yesterday}}, centre); err != nil {
		t.Fatal(err)
	}
	if _, err := b.assess.WithdrawCandidacy(t.Context(), &assessmentv1.WithdrawCandidacyRequest{SessionId: id,
		CandidacyId: b.candidacyOf(t, "CENTRE-69-001", id, durand), Reason: "Abandon de la formation."}, centre); err != nil {
		t.Fatal(err)
	}
	p = get(t, c, b.srv.URL+path)
	centreMust(t, "withdrawn and adjusted", p, http.StatusOK, "Retirée par le centre le ", "Abandon de la formation.",
		"Aménagement : Mise en situation professionnelle : 20 min de temps supplémentaire", "MDPH-69-0042")

	// R30: the centre records the ECF results of the training-route candidate.
	selfC := b.candidacyOf(t, "CENTRE-69-001", id, self)
	centreMust(t, "nothing chosen", centreSubmit(t, c, b.srv.URL, path, path+"/"+selfC+"/ecf", url.Values{"ecf-date": {yesterday}}),
		http.StatusUnprocessableEntity, `href="#ecf-`+selfC+`"`)
	p = centreSubmit(t, c, b.srv.URL, path, path+"/"+selfC+"/ecf", url.Values{"ecf:CCP1": {"obtenu"}, "ecf:CCP2": {"non-obtenu"}, "ecf-date": {yesterday}})
	if p.status != http.StatusSeeOther || !strings.HasSuffix(p.header.Get("Location"), "?fait=ecf") {
		t.Fatalf("record the ECF: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	centreMust(t, "ECF recorded", get(t, c, b.srv.URL+p.header.Get("Location")), http.StatusOK,
		"Les résultats des évaluations en cours de formation (ECF) sont enregistrés.", "CCP1 : obtenu", "CCP2 : non obtenu")
}

func TestCentreOpensTheSessionAndFollowsIt(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	const centre = "CENTRE-69-001"
	c := b.centreClient(t, centre)
	id := b.planSession(t, c)
	page := "/centre/sessions/" + id
	open := url.Values{"action": {"ouvrir"}}

	// No candidacy, one juror: R19 first.
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-alice", "Alice Martin"))
	p := centreSubmit(t, c, b.srv.URL, page, page, open)
	centreMustRefuse(t, "R19", p, http.StatusBadRequest, "règle R19", "JURY_TOO_SMALL", "Ajoutez les jurés manquants")
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-bruno", "Bruno Petit"))
	centreMustRefuse(t, "no candidacy", centreSubmit(t, c, b.srv.URL, page, page, open), http.StatusBadRequest, "Inscrivez les candidats depuis la page")

	ready := b.selfRegistered(t, "camille@idp", "Durand", "AFPA Lyon")
	late := b.selfRegistered(t, "dominique@idp", "Bernard", "Greta Lyon")
	b.register(t, c, id, ready, "")
	b.register(t, c, id, late, "")
	readyC := b.candidacyOf(t, centre, id, ready)
	b.fileDossier(t, centreCandidatePrincipal("camille@idp"), centrePrincipal(centre), ready, b.title(t), id, readyC)

	// A stale etag: the page was read before the last change.
	stale := get(t, c, b.srv.URL+page)
	centreMust(t, "before opening", stale, http.StatusOK, "Le jury compte 2 membres habilités.", "2 candidats inscrits.", "Dossiers professionnels déposés : 1 sur 2")
	etag := stale.body[strings.Index(stale.body, `name="etag" value="`)+len(`name="etag" value="`):]
	etag = etag[:strings.Index(etag, `"`)]
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-claire", "Claire Roux"))
	form := url.Values{"action": {"ouvrir"}, "etag": {etag}}
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+page, strings.NewReader(centreWithCSRF(t, stale, form).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p = do(t, c, req)
	centreMustRefuse(t, "stale etag", p, http.StatusConflict, "La session a changé depuis que cette page a été affichée", `href="/centre/sessions/`+id+`">Recharger la page`)

	// The board before the session opens.
	centreMust(t, "board before opening", get(t, c, b.srv.URL+page+"/suivi"), http.StatusOK, "La session n’est pas encore ouverte")

	// Opened.
	p = centreSubmit(t, c, b.srv.URL, page, page, open)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != page+"?ouverte=1" {
		t.Fatalf("open: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	p = get(t, c, b.srv.URL+page+"?ouverte=1")
	centreMust(t, "opened", p, http.StatusOK, "La session est ouverte", "En cours", "Suivre la session", `href="/centre/sessions/`+id+`/suivi"`)
	centreMustNot(t, "opened", p, "Ouvrir la session</button>")
	// Once opened, a juror absent on the day is declared absent with a
	// reason and replaced (R19, R21).
	centreMust(t, "jury once opened", get(t, c, b.srv.URL+page+"/jury"), http.StatusOK, "Déclarer Alice Martin absent",
		"Motif de l’absence de Alice Martin", "Ajouter un juré suppléant")
	centreMustNot(t, "jury once opened", get(t, c, b.srv.URL+page+"/jury"), "Retirer Alice Martin")
	centreMustNot(t, "candidacies frozen", get(t, c, b.srv.URL+page+"/candidatures"), "Inscrire le candidat")
	centreMustRefuse(t, "open again", centreSubmit(t, c, b.srv.URL, page+"/suivi", page, open), http.StatusBadRequest, "déjà ouverte")
	// A registration form read before the opening.
	late2 := b.selfRegistered(t, "eli@idp", "Morel", "Greta Lyon")
	centreMustRefuse(t, "register once opened", centreSubmitKnown(t, c, b.srv.URL, page+"/suivi", page+"/candidatures", url.Values{"choix": {"identifiant"}, "candidat-identifiant": {late2}}),
		http.StatusBadRequest, "ses candidatures ne peuvent plus changer")
	centreMustRefuse(t, "absent without a reason", centreSubmit(t, c, b.srv.URL, page+"/jury", page+"/jury", url.Values{"action": {"retirer"}, "jure": {"juror-claire"}}),
		http.StatusUnprocessableEntity, "indiquez le motif de son absence")

	// The board: nobody has scored yet; one candidacy waits for the
	// evaluations (R49), the other for its dossier too (R34).
	board := get(t, c, b.srv.URL+page+"/suivi")
	centreMust(t, "board", board, http.StatusOK,
		`data-candidacy="`+readyC+`" data-status="bloque"`, `data-juror="juror-alice" data-state="NOT_STARTED"`, "Non commencée",
		`<li data-blocker-reason="EVALUATION_MISSING">Évaluations incomplètes : Alice Martin, Bruno Petit et Claire Roux (règle R49).</li>`,
		`<li data-blocker-reason="DOSSIER_MISSING">Dossier professionnel non déposé (règle R34).</li>`,
		"1 candidat n’a pas déposé son dossier professionnel", "2 candidats attendent des évaluations : 6 évaluations de juré à terminer",
		`<th scope="col"><span class="fr-sr-only">Évaluation de </span>Alice Martin</th>`, "jamais les verdicts ni les observations",
		`data-board-refresh="30"`, "Actualiser le tableau", "js/centre-board.js",
		`data-juror="juror-alice" data-signed="false"`, "À signer une fois tous les candidats délibérés")
	centreMustNot(t, "board", board, "le centre ne voit pas qui a évalué", "Récusé·e")

	// Alice starts her grid: one verdict. The board shows her progress,
	// never the verdict.
	competences := 0
	for _, ccp := range b.title(t).GetCcps() {
		competences += len(ccp.GetCompetences())
	}
	alice := b.env.As(t, auth.Principal{Subject: "juror-alice", Roles: []auth.Role{auth.RoleJuror}})
	first := b.title(t).GetCcps()[0].GetCompetences()[0].GetCode()
	if _, err := b.assess.UpdateEvaluation(t.Context(), &assessmentv1.UpdateEvaluationRequest{SessionId: id, CandidacyId: readyC, JurorSubject: "me",
		Evaluation: &assessmentv1.Evaluation{Etag: "0", Items: []*assessmentv1.EvaluationItem{{CompetenceCode: first,
			Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE, Verdict: assessmentv1.Verdict_VERDICT_NOT_MASTERED,
			Observation: "observation réservée au jury"}}}}, alice); err != nil {
		t.Fatal(err)
	}
	board = get(t, c, b.srv.URL+page+"/suivi")
	centreMust(t, "board after a first verdict", board, http.StatusOK,
		`data-juror="juror-alice" data-state="IN_PROGRESS"><span class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--new">En cours</span> 1/`+strconv.Itoa(competences)+`<span class="fr-sr-only"> compétences avec un verdict</span>`,
		`data-juror="juror-bruno" data-state="NOT_STARTED"`)
	centreMustNot(t, "board after a first verdict", board, "observation réservée au jury", "Non acquis", "NOT_MASTERED")

	// Every juror completes the grid: nothing blocks the deliberation.
	for _, j := range []string{"juror-alice", "juror-bruno", "juror-claire"} {
		b.score(t, centreJurorPrincipal(j), id, readyC, b.title(t), nil, mastered)
	}
	b.deliberate(t, centreJurorPrincipal("juror-alice"), id, readyC, ccpCodes(b.title(t)), nil)
	board = get(t, c, b.srv.URL+page+"/suivi")
	centreMust(t, "deliberated candidacy", board, http.StatusOK, `data-candidacy="`+readyC+`" data-status="delibere"`,
		`data-juror="juror-claire" data-state="COMPLETE"`, "Terminée", "1 candidat attend des évaluations : 3 évaluations de juré à terminer")

	// The late candidate is absent.
	absent := &assessmentv1.DeliberateCandidacyRequest{SessionId: id, CandidacyId: b.candidacyOf(t, centre, id, late), Absent: true}
	if _, err := b.assess.DeliberateCandidacy(t.Context(), absent, b.env.As(t, auth.Principal{Subject: "juror-alice", Roles: []auth.Role{auth.RoleJuror}})); err != nil {
		t.Fatal(err)
	}
	b.sign(t, id, centreJurorPrincipal("juror-bruno"))
	board = get(t, c, b.srv.URL+page+"/suivi")
	centreMust(t, "deliberated", board, http.StatusOK, "Délibérée, procès-verbal à signer", `data-status="delibere"`, "Tous les CCP obtenus (CCP1 obtenu",
		"Absent", "Tous les candidats sont délibérés.", "Procès-verbal signé par 1 juré sur 3",
		`data-juror="juror-bruno" data-signed="true"`, `data-juror="juror-alice" data-signed="false"`, "Signature attendue")
	b.sign(t, id, centreJurorPrincipal("juror-alice"))
	b.sign(t, id, centreJurorPrincipal("juror-claire"))
	centreMust(t, "closed", get(t, c, b.srv.URL+page+"/suivi"), http.StatusOK, "Close, procès-verbal signé", "la session est close")
}

func TestCentreVAEAdmissibility(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	today := time.Now().In(paris)
	form := url.Values{
		"nom-naissance": {"Morel"}, "prenoms": {"Eli"}, "naissance": {"1990-01-02"}, "naissance-commune": {"Lyon"},
		"naissance-pays": {"FR"}, "courriel": {"eli.morel@example.org"}, "voie": {"vae"},
		"vae-decision": {today.AddDate(-1, 0, -10).Format(time.DateOnly)}, "vae-autorite": {"DREETS Auvergne-Rhône-Alpes"},
		"request_id": {"5d0e1f5c-2b3a-4c4d-8e9f-0a1b2c3d4e5f"}, "vae-francevae": {"pas-un-identifiant"},
	}
	// A France VAE candidature id that is not one is refused on its field.
	p := centreSubmit(t, c, b.srv.URL, "/centre/candidats/nouveau", "/centre/candidats/nouveau", form)
	centreMust(t, "bad France VAE id", p, http.StatusUnprocessableEntity, `href="#vae-francevae"`, "tel qu’il y figure")
	form.Set("vae-francevae", "7E4BF4D6-1C5F-4F3C-9B3E-2D1A0C9E8F71") // as copied, upper case
	// R25: a decision older than a year is refused on the record.
	p = centreSubmit(t, c, b.srv.URL, "/centre/candidats/nouveau", "/centre/candidats/nouveau", form)
	centreMustRefuse(t, "expired admissibility", p, http.StatusBadRequest, "valable un an à partir de sa date (règle R25)")
	centreMust(t, "expired admissibility keeps the form", p, http.StatusBadRequest, `value="DREETS Auvergne-Rhône-Alpes"`, `id="voie-vae" name="voie" value="vae" checked`)

	// Valid today, lapsed before the session's first day: refused on the registration.
	form.Set("vae-decision", today.AddDate(0, -11, -15).Format(time.DateOnly))
	p = centreSubmit(t, c, b.srv.URL, "/centre/candidats/nouveau", "/centre/candidats/nouveau", form)
	if p.status != http.StatusSeeOther {
		t.Fatalf("VAE record: %d\n%s", p.status, centreExcerpt(p.body))
	}
	// The same request id with other values is another request.
	form.Set("prenoms", "Eliott")
	centreMustRefuse(t, "request id reused", centreSubmit(t, c, b.srv.URL, "/centre/candidats/nouveau", "/centre/candidats/nouveau", form),
		http.StatusConflict, "déjà servi à enregistrer un autre candidat")
	list := get(t, c, b.srv.URL+"/centre/candidats?fait=enregistre")
	centreMust(t, "VAE record", list, http.StatusOK, "Le candidat est enregistré", "Validation des acquis de l’expérience (VAE)")
	i := strings.Index(list.body, `data-candidate="`) + len(`data-candidate="`)
	morel := list.body[i : i+36]
	saved, err := b.cand.GetCandidate(t.Context(), &candidatev1.GetCandidateRequest{CandidateId: morel}, b.env.As(t, centrePrincipal("CENTRE-69-001")))
	if err != nil || saved.GetCandidate().GetFranceVaeCandidatureId() != "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71" {
		t.Errorf("France VAE candidature id saved as %q, %v", saved.GetCandidate().GetFranceVaeCandidatureId(), err)
	}

	title := b.title(t)
	start := today.AddDate(0, 2, 0).Format(time.DateOnly)
	s, err := b.assess.CreateSession(t.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: title.GetId(), TitleVersion: title.GetVersion(),
		Site: "AFPA Lyon Vénissieux", StartDate: start, EndDate: start,
	}}, b.env.As(t, centrePrincipal("CENTRE-69-001")))
	if err != nil {
		t.Fatal(err)
	}
	path := "/centre/sessions/" + s.GetSession().GetId() + "/candidatures"
	last := centreSubmitKnown(t, c, b.srv.URL, path, path, url.Values{"choix": {"liste"}, "candidat-liste": {morel}})
	centreMustRefuse(t, "R25 on the registration", last, http.StatusBadRequest, "valable au premier jour de la session (règle R25)")
}

// centreWithCSRF adds the CSRF token of page p to form.
func centreWithCSRF(t *testing.T, p page, form url.Values) url.Values {
	t.Helper()
	m := csrfInput.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatal("no CSRF token")
	}
	form.Set(CSRFField, m[1])
	return form
}

// TestCentreBoardShowsRecusalsAndTheJurySize: a juror recused from a
// candidacy (R21, a link that appears after registration) is shown as
// such, and with only one juror left free of links the board says the
// jury cannot deliberate (R19).
func TestCentreBoardShowsRecusalsAndTheJurySize(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	const centre = "CENTRE-69-001"
	c := b.centreClient(t, centre)
	id := b.planSession(t, c)
	page := "/centre/sessions/" + id
	linked := b.centreJurorValues(t, "juror-alice", "Alice Martin")
	linked.Set("lien-1-nature", "organisme")
	linked.Set("lien-1-valeur", "Formation Sud")
	b.addJuror(t, c, id, linked)
	b.addJuror(t, c, id, b.centreJurorValues(t, "juror-bruno", "Bruno Petit"))
	person := b.selfRegistered(t, "camille@idp", "Durand", "AFPA Lyon")
	b.register(t, c, id, person, "")
	candidacy := b.candidacyOf(t, centre, id, person)
	b.fileDossier(t, centreCandidatePrincipal("camille@idp"), centrePrincipal(centre), person, b.title(t), id, candidacy)
	if p := centreSubmit(t, c, b.srv.URL, page, page, url.Values{"action": {"ouvrir"}}); p.status != http.StatusSeeOther {
		t.Fatalf("open: %d\n%s", p.status, centreExcerpt(p.body))
	}

	// The candidate moves to the training organisation Alice declared.
	as := b.env.As(t, centreCandidatePrincipal("camille@idp"))
	rec, err := b.cand.GetCandidate(t.Context(), &candidatev1.GetCandidateRequest{CandidateId: person}, as)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.cand.UpdateCandidate(t.Context(), &candidatev1.UpdateCandidateRequest{
		Candidate:  &candidatev1.Candidate{Id: person, Etag: rec.GetCandidate().GetEtag(), Training: &candidatev1.TrainingEnrolment{Organisation: "Formation Sud"}},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"training"}},
	}, as); err != nil {
		t.Fatal(err)
	}
	svctest.Eventually(t, "Alice is recused", func() error {
		if p := get(t, c, b.srv.URL+page+"/suivi"); !strings.Contains(p.body, `data-juror="juror-alice" data-state="RECUSED"`) {
			return errors.New("not yet")
		}
		return nil
	})
	board := get(t, c, b.srv.URL+page+"/suivi")
	centreMust(t, "recusal", board, http.StatusOK, `data-status="bloque"`, "Récusé·e",
		"Récusé·e : le juré a déclaré un lien avec le candidat ; il ne l’évalue pas et ne délibère pas sur lui (règle R21).",
		`<li data-blocker-reason="JURY_TOO_SMALL">Moins de deux jurés sans lien avec le candidat : le jury ne peut pas délibérer (règle R19).</li>`,
		`<li data-blocker-reason="EVALUATION_MISSING">Évaluation incomplète : Bruno Petit (règle R49).</li>`,
		"1 candidat a moins de deux jurés sans lien avec lui : le jury ne peut pas délibérer (règle R19).",
		"1 candidat attend des évaluations : 1 évaluation de juré à terminer.")
	centreMustNot(t, "recusal", board, "DOSSIER_MISSING")
}

// TestCentreJuryOffersNoTrainerForACCPSession: the register's trainers are
// offered for a session titre, not for a CCP session (R20).
func TestCentreJuryOffersNoTrainerForACCPSession(t *testing.T) {
	t.Parallel()
	b := startLiveBackend(t)
	c := b.centreClient(t, "CENTRE-69-001")
	titre, ccp := b.planSession(t, c), b.planSession(t, c, "CCP1")
	today := time.Now().In(paris)
	_, err := b.cert.GrantHabilitation(t.Context(), &certificationv1.GrantHabilitationRequest{Habilitation: &certificationv1.Habilitation{
		Number: "HAB-69-formateur", JurorSubject: "juror-trainer", JurorName: "Fabien Formateur", JurorEmail: "fabien@example.org",
		TitleId: "TP-00495", ValidFrom: today.AddDate(-1, 0, 0).Format(time.DateOnly), ValidTo: today.AddDate(1, 0, 0).Format(time.DateOnly),
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 10, Trainer: true,
	}}, b.as(t, registerOfficer))
	if err != nil {
		t.Fatal(err)
	}
	centreMust(t, "session titre", get(t, c, b.srv.URL+"/centre/sessions/"+titre+"/jury"), http.StatusOK,
		`<option value="HAB-69-formateur">Fabien Formateur — habilitation n° HAB-69-formateur`, "(formateur)")
	centreMustNot(t, "CCP session", get(t, c, b.srv.URL+"/centre/sessions/"+ccp+"/jury"), "HAB-69-formateur")
}
