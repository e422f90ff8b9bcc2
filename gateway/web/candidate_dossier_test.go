package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// newDossier registers a candidate (through gRPC), then starts their
// dossier for TP-00495 through the web application, retrying while the
// portfolio service has not learnt the record yet (the page says to retry
// in a moment). It returns the person, their browser and the dossier id.
func (s *stack) newDossier(t testing.TB) (candidatePerson, *http.Client, string) {
	t.Helper()
	me := s.newPerson(t, auth.RoleCandidate, "")
	s.registerCandidate(t, me.Principal, candidateRecord("Durand", "Camille"))
	c := s.browserOf(t, me)
	start := get(t, c, s.srv.URL+"/candidat/dossier")
	if start.status != 200 || !strings.Contains(start.body, "Commencer mon dossier") || !strings.Contains(start.body, `value="TP-00495|`) {
		t.Fatalf("dossier creation page: %d", start.status)
	}
	title := s.title(t)
	values := url.Values{"title": {"TP-00495|" + title.GetVersion()}, "request_id": {requestIDOf(t, start.body)}}
	var p page
	waitUntil(t, "the record to reach the portfolio service", func() bool {
		p = s.postForm(t, c, "/candidat/dossier", csrfOf(t, start.body), values)
		if p.status == http.StatusSeeOther {
			return true
		}
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("create dossier: %d\n%s", p.status, p.body)
		}
		return false
	})
	loc := p.header.Get("Location")
	id, ok := strings.CutPrefix(strings.TrimSuffix(loc, "?ok=dossier-cree"), "/candidat/dossier/")
	if !ok || !strings.HasSuffix(loc, "?ok=dossier-cree") {
		t.Fatalf("created dossier at %q", loc)
	}
	return me, c, id
}

func TestCandidateWritesTheDossier(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id
	title := s.title(t)

	// One dossier: /candidat/dossier goes to it.
	if p := get(t, c, s.srv.URL+"/candidat/dossier"); p.status != http.StatusSeeOther || p.header.Get("Location") != base {
		t.Errorf("the only dossier: %d %q", p.status, p.header.Get("Location"))
	}
	// Starting it again finds the existing one.
	list := get(t, c, s.srv.URL+"/candidat/dossier?nouveau=1")
	p := s.postForm(t, c, "/candidat/dossier", csrfOf(t, list.body), url.Values{"title": {"TP-00495|" + title.GetVersion()}, "request_id": {requestIDOf(t, list.body)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != base+"?ok=dossier-deja-cree" {
		t.Errorf("second dossier for the title: %d %q", p.status, p.header.Get("Location"))
	}

	// The overview: the cover from the record, every activity type.
	over := get(t, c, s.srv.URL+base+"?ok=dossier-cree")
	if over.status != 200 || !strings.Contains(over.body, "Votre dossier professionnel est créé") || !strings.Contains(over.body, "Parcours de formation") {
		t.Fatalf("overview: %d", over.status)
	}
	for _, ccp := range title.GetCcps() {
		if !strings.Contains(over.body, ccp.GetCode()+" — "+html.EscapeString(ccp.GetLabel())) || !strings.Contains(over.body, `href="`+base+`/exemple?ccp=`+ccp.GetCode()+`"`) {
			t.Errorf("overview lacks activity type %s", ccp.GetCode())
		}
	}

	// Add an example for the first activity type.
	ccp := title.GetCcps()[0].GetCode()
	form := get(t, c, s.srv.URL+base+"/exemple?ccp="+ccp)
	if form.status != 200 || !strings.Contains(form.body, `<option value="`+ccp+`" selected>`) || !strings.Contains(form.body, `maxlength="8000"`) {
		t.Fatalf("example form: %d", form.status)
	}
	example := url.Values{
		"etag": {etagOf(t, form.body)}, "ccp_code": {ccp}, "title": {"Migration du serveur de fichiers"},
		"tasks": {"J’ai migré le serveur.\nPuis vérifié les sauvegardes."}, "means": {"Windows Server, Veeam"},
		"collaborators": {"Responsable informatique"}, "organisation": {"Transports Rhône SA"}, "unit": {"Service informatique"},
		"period_from": {"2025-06-27"}, "period_to": {"06/01/2025"},
	}
	// A period ending before it starts is refused on its field (R36).
	p = s.postForm(t, c, base+"/exemple", csrfOf(t, form.body), example)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#periode-fin"`) || !strings.Contains(p.body, "Migration du serveur de fichiers") {
		t.Fatalf("period backwards: %d\n%s", p.status, p.body)
	}
	example.Set("period_from", "06/01/2025")
	example.Set("period_to", "2025-06-27")
	p = s.postForm(t, c, base+"/exemple", csrfOf(t, form.body), example)
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), base+"?ok=exemple") {
		t.Fatalf("add example: %d\n%s", p.status, p.body)
	}
	d := s.dossierOf(t, me, id)
	if len(d.GetExamples()) != 1 || d.GetExamples()[0].GetContext().GetPeriodFrom() != "2025-01-06" || !strings.Contains(d.GetExamples()[0].GetTasks(), "\nPuis") {
		t.Fatalf("stored examples: %v", d.GetExamples())
	}
	exID := d.GetExamples()[0].GetId()
	over = get(t, c, s.srv.URL+base)
	if !strings.Contains(over.body, "Migration du serveur de fichiers</a> — Transports Rhône SA, du 6 janvier 2025 au 27 juin 2025") {
		t.Error("the overview does not list the example")
	}

	// The same (stale) form sent again adds nothing: 409, the text stays.
	p = s.postForm(t, c, base+"/exemple", csrfOf(t, form.body), example)
	if p.status != http.StatusConflict || !strings.Contains(p.body, "Modification concurrente") || !strings.Contains(p.body, "Puis vérifié les sauvegardes.") {
		t.Errorf("stale example form: %d", p.status)
	}
	if n := len(s.dossierOf(t, me, id).GetExamples()); n != 1 {
		t.Errorf("%d examples after a stale form", n)
	}

	// Edit it: the form shows it; the change keeps its identity.
	edit := get(t, c, s.srv.URL+base+"/exemple/"+exID)
	if edit.status != 200 || !strings.Contains(edit.body, "Veeam") || !strings.Contains(edit.body, "Supprimer cet exemple") {
		t.Fatalf("edit form: %d", edit.status)
	}
	example.Set("etag", etagOf(t, edit.body))
	example.Set("additional_info", "Projet mené en autonomie.")
	if p := s.postForm(t, c, base+"/exemple/"+exID, csrfOf(t, edit.body), example); p.status != http.StatusSeeOther {
		t.Fatalf("edit example: %d", p.status)
	}
	if e := s.dossierOf(t, me, id).GetExamples(); len(e) != 1 || e[0].GetId() != exID || e[0].GetAdditionalInfo() != "Projet mené en autonomie." {
		t.Errorf("edited example: %v", e)
	}

	// Remove it, after confirming.
	confirm := get(t, c, s.srv.URL+base+"/exemple/"+exID+"/supprimer")
	if confirm.status != 200 || !strings.Contains(confirm.body, "Supprimer l’exemple « Migration du serveur de fichiers »") {
		t.Fatalf("confirmation: %d", confirm.status)
	}
	p = s.postForm(t, c, base+"/exemple/"+exID+"/supprimer", csrfOf(t, confirm.body), url.Values{"etag": {etagOf(t, confirm.body)}})
	if p.status != http.StatusSeeOther || len(s.dossierOf(t, me, id).GetExamples()) != 0 {
		t.Fatalf("remove example: %d", p.status)
	}
	if p := get(t, c, s.srv.URL+base+"/exemple/"+exID); p.status != http.StatusNotFound || !strings.Contains(p.body, "Exemple introuvable") {
		t.Errorf("removed example: %d", p.status)
	}
}

func TestCandidateWritesQualificationsAndTheSwornStatement(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id

	form := get(t, c, s.srv.URL+base+"/diplomes")
	if form.status != 200 || !strings.Contains(form.body, `name="rows" value="3"`) {
		t.Fatalf("qualifications form: %d", form.status)
	}
	tomorrow := time.Now().In(paris).AddDate(0, 0, 2).Format(time.DateOnly)
	values := url.Values{
		"etag": {etagOf(t, form.body)}, "rows": {"3"},
		"title_0": {"BTS Services informatiques aux organisations"}, "authority_0": {"Ministère de l’Éducation nationale"}, "date_0": {"2016-07-01"},
		"title_2": {"Habilitation électrique B1V"}, "date_2": {tomorrow},
	}
	p := s.postForm(t, c, base+"/diplomes", csrfOf(t, form.body), values)
	// The third line (second sent) has a date in the future: the error is
	// on that line's field, and every line typed stays.
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#diplome-3-date"`) || !strings.Contains(p.body, "Habilitation électrique B1V") {
		t.Fatalf("future date: %d\n%s", p.status, p.body)
	}
	values.Set("date_2", "2019-05-02")
	if p := s.postForm(t, c, base+"/diplomes", csrfOf(t, form.body), values); p.status != http.StatusSeeOther {
		t.Fatalf("save qualifications: %d", p.status)
	}
	q := s.dossierOf(t, me, id).GetPriorQualifications()
	if len(q) != 2 || q[1].GetTitle() != "Habilitation électrique B1V" {
		t.Fatalf("stored qualifications: %v", q)
	}
	over := get(t, c, s.srv.URL+base)
	if !strings.Contains(over.body, "<td>BTS Services informatiques aux organisations</td>") || !strings.Contains(over.body, "1er juillet 2016") {
		t.Error("the overview does not show the qualifications")
	}
	// The form shows them, with three empty lines; an emptied line goes.
	form = get(t, c, s.srv.URL+base+"/diplomes")
	if !strings.Contains(form.body, `name="rows" value="5"`) {
		t.Error("the form does not offer three more lines")
	}
	values = url.Values{"etag": {etagOf(t, form.body)}, "rows": {"5"}, "title_1": {"Habilitation électrique B1V"}}
	if p := s.postForm(t, c, base+"/diplomes", csrfOf(t, form.body), values); p.status != http.StatusSeeOther {
		t.Fatalf("remove a line: %d", p.status)
	}
	if q := s.dossierOf(t, me, id).GetPriorQualifications(); len(q) != 1 {
		t.Errorf("after emptying a line: %v", q)
	}

	// The sworn statement: today's date is offered; a future date is
	// refused (R38).
	sworn := get(t, c, s.srv.URL+base+"/declaration")
	today := time.Now().In(paris).Format(time.DateOnly)
	if sworn.status != 200 || !strings.Contains(sworn.body, `value="`+today+`"`) || !strings.Contains(sworn.body, "déclare sur l’honneur") {
		t.Fatalf("sworn statement form: %d", sworn.status)
	}
	values = url.Values{"etag": {etagOf(t, sworn.body)}, "signer_name": {"Camille Durand"}, "place": {"Lyon"}, "date": {tomorrow}}
	p = s.postForm(t, c, base+"/declaration", csrfOf(t, sworn.body), values)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#date-signature"`) {
		t.Fatalf("future signature: %d", p.status)
	}
	values.Set("date", today)
	if p := s.postForm(t, c, base+"/declaration", csrfOf(t, sworn.body), values); p.status != http.StatusSeeOther {
		t.Fatalf("save sworn statement: %d", p.status)
	}
	if st := s.dossierOf(t, me, id).GetSwornStatement(); st.GetSignTime() == nil || st.GetPlace() != "Lyon" {
		t.Errorf("stored statement: %v", st)
	}
	if over := get(t, c, s.srv.URL+base); !strings.Contains(over.body, "Signée par Camille Durand, à Lyon") {
		t.Error("the overview does not show the statement")
	}
}

func TestCandidateCannotOpenAnotherPersonsDossier(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	_, _, id := s.newDossier(t)
	other := s.newPerson(t, auth.RoleCandidate, "")
	s.registerCandidate(t, other.Principal, candidateRecord("Durand", "Camille"))
	c := s.browserOf(t, other)
	for _, path := range []string{"", "/exemple?ccp=CCP1", "/diplomes", "/declaration", "/documents", "/depot"} {
		p := get(t, c, s.srv.URL+"/candidat/dossier/"+id+path)
		if p.status != http.StatusForbidden || !strings.Contains(p.body, "pas accès") {
			t.Errorf("another person's dossier%s: %d", path, p.status)
		}
	}
}

// dossierOf reads a dossier through gRPC as its owner.
func (s *stack) dossierOf(t testing.TB, owner candidatePerson, id string) *portfoliov1.Dossier {
	t.Helper()
	resp, err := s.port.GetDossier(owner.ctx(t), &portfoliov1.GetDossierRequest{DossierId: id})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetDossier()
}

// etagOf returns the etag of a page's form.
func etagOf(t testing.TB, body string) string {
	t.Helper()
	const marker = `name="etag" value="`
	i := strings.Index(body, marker)
	if i < 0 {
		t.Fatal("the form has no etag")
	}
	rest := body[i+len(marker):]
	return rest[:strings.IndexByte(rest, '"')]
}
