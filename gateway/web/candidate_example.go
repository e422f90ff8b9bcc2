package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// A practice example of the dossier (R35, R36): added for an activity
// type (GET and POST /candidat/dossier/{dossier}/exemple?ccp=), changed
// (…/exemple/{example}) or removed (…/exemple/{example}/supprimer). The
// dossier's examples are one list in the API, replaced as a whole: the
// page reads the current list, changes the one example and sends the list
// back with the etag the form was shown with, so that a change made
// meanwhile elsewhere is refused (409) rather than overwritten.

// Bounds of an example's fields (portfolio domain, R37).
const (
	maxExampleTitle   = 200
	maxTasks          = 8000
	maxMeans          = 4000
	maxCollaborators  = 4000
	maxAdditionalInfo = 4000
	maxOrganisation   = 200
	maxUnit           = 200
)

// examplePage is the example form.
type examplePage struct {
	Base       string // the dossier's path
	Action     string
	New        bool
	Etag       string
	Alert      *alert
	Activity   *choice
	Heading    []*input // the title
	Tasks      []*input // field 1
	Means      []*input // field 2
	People     []*input // field 3
	Context    []*input // field 4
	Additional []*input // field 5
	DeleteHref string
}

// example (GET …/exemple and …/exemple/{example}) shows the form.
func (a *App) example(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	d, title, err := a.dossierAndTitle(ctx, r.PathValue("dossier"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	e := &portfoliov1.PracticeExample{CcpCode: r.URL.Query().Get("ccp")}
	if id := r.PathValue("example"); id != "" {
		if e = findExample(d, id); e == nil {
			a.exampleGone(w, r, d.GetId())
			return
		}
	}
	p := newExamplePage(d, title, e, r.PathValue("example"))
	p.Etag = d.GetEtag()
	a.render(w, r, http.StatusOK, "candidate_example", Page{Title: p.title(), Data: p})
}

// saveExample (POST …/exemple and …/exemple/{example}) adds or changes
// the example.
func (a *App) saveExample(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	d, title, err := a.dossierAndTitle(ctx, r.PathValue("dossier"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	id := r.PathValue("example")
	e := exampleOfRequest(r, id)
	list := slices.Clone(d.GetExamples())
	at := len(list)
	if id == "" {
		list = append(list, e)
	} else {
		at = slices.IndexFunc(list, func(x *portfoliov1.PracticeExample) bool { return x.GetId() == id })
		if at < 0 {
			a.exampleGone(w, r, d.GetId())
			return
		}
		list[at] = e
	}
	etag := formValue(r, "etag", 200)
	_, err = a.svc.portfolio.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{
		Dossier:    &portfoliov1.Dossier{Id: d.GetId(), Etag: etag, Examples: list},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples"}},
	})
	if err == nil {
		http.Redirect(w, r, dossierPath(d.GetId())+"?ok=exemple#activite-"+url.QueryEscape(e.GetCcpCode()), http.StatusSeeOther)
		return
	}
	errs := &formErrors{}
	prefix := "dossier.examples[" + strconv.Itoa(at) + "]."
	shown, ok := refusalOnForm(err, func(f string) string {
		if rest, mine := strings.CutPrefix(f, prefix); mine {
			return exampleInputs[rest]
		}
		return ""
	}, errs)
	if !ok {
		a.fail(w, r, err)
		return
	}
	p := newExamplePage(d, title, e, id)
	p.Etag, p.Alert = etag, shown.alert
	if isConflict(err) {
		p.Alert = conflictAlert(p.Action)
	}
	p.setErrors(errs)
	a.render(w, r, shown.status, "candidate_example", Page{Title: p.title(), Errors: errs.list, Data: p})
}

// exampleInputs maps an example's API fields to the form's inputs.
var exampleInputs = map[string]string{
	"ccp_code": "activite", "title": "intitule", "tasks": "taches", "means": "moyens", "collaborators": "collaborateurs",
	"context.organisation": "organisation", "context.unit": "service", "context.period_from": "periode-debut",
	"context.period_to": "periode-fin", "additional_info": "informations",
}

// exampleGone tells that the example no longer exists (removed in
// another tab, say).
func (a *App) exampleGone(w http.ResponseWriter, r *http.Request, dossierID string) {
	a.renderError(w, r, http.StatusNotFound, errorPage{
		Title:  "Exemple introuvable",
		Detail: "Cet exemple ne fait plus partie du dossier : il a peut-être été supprimé depuis une autre page.",
		Link:   &link{Label: "Revenir au dossier", Href: dossierPath(dossierID)},
	})
}

// findExample returns the example id of d, nil when there is none.
func findExample(d *portfoliov1.Dossier, id string) *portfoliov1.PracticeExample {
	for _, e := range d.GetExamples() {
		if e.GetId() == id {
			return e
		}
	}
	return nil
}

// exampleOfRequest is the example the form describes; id keeps its
// identity in the dossier ("" for a new one: the service assigns it).
func exampleOfRequest(r *http.Request, id string) *portfoliov1.PracticeExample {
	return &portfoliov1.PracticeExample{
		Id: id, CcpCode: formValue(r, "ccp_code", 20), Title: formValue(r, "title", maxExampleTitle),
		Tasks: formValue(r, "tasks", maxTasks), Means: formValue(r, "means", maxMeans),
		Collaborators: formValue(r, "collaborators", maxCollaborators),
		Context: &portfoliov1.PracticeContext{
			Organisation: formValue(r, "organisation", maxOrganisation), Unit: formValue(r, "unit", maxUnit),
			PeriodFrom: dateInput(formValue(r, "period_from", 10)), PeriodTo: dateInput(formValue(r, "period_to", 10)),
		},
		AdditionalInfo: formValue(r, "additional_info", maxAdditionalInfo),
	}
}

func newExamplePage(d *portfoliov1.Dossier, title *certificationv1.Title, e *portfoliov1.PracticeExample, id string) examplePage {
	base := dossierPath(d.GetId())
	p := examplePage{Base: base, Action: base + "/exemple", New: id == ""}
	if !p.New {
		p.Action += "/" + url.PathEscape(id)
		p.DeleteHref = p.Action + "/supprimer"
	}
	p.Activity = &choice{ID: "activite", Name: "ccp_code", Legend: "Activité type illustrée", Select: true}
	for _, c := range title.GetCcps() {
		p.Activity.Options = append(p.Activity.Options, option{Value: c.GetCode(), Label: c.GetCode() + " — " + c.GetLabel(), Checked: c.GetCode() == e.GetCcpCode()})
	}
	p.Heading = []*input{{ID: "intitule", Name: "title", Label: "Intitulé de l’exemple", Hint: "Une phrase qui résume ce que vous avez fait, par exemple « Migration du serveur de fichiers ».", Value: e.GetTitle(), Max: maxExampleTitle}}
	p.Tasks = []*input{{ID: "taches", Name: "tasks", Label: "Les tâches ou opérations que vous avez effectuées, et dans quelles conditions", Hint: limitHint(maxTasks), Value: e.GetTasks(), Max: maxTasks, Rows: 10}}
	p.Means = []*input{{ID: "moyens", Name: "means", Label: "Les moyens que vous avez utilisés", Hint: "Outils, matériels, logiciels, méthodes. " + limitHint(maxMeans), Value: e.GetMeans(), Max: maxMeans, Rows: 6}}
	p.People = []*input{{ID: "collaborateurs", Name: "collaborators", Label: "Les personnes avec qui vous avez travaillé", Hint: "Collègues, responsables, clients, prestataires. " + limitHint(maxCollaborators), Value: e.GetCollaborators(), Max: maxCollaborators, Rows: 4}}
	c := e.GetContext()
	p.Context = []*input{
		{ID: "organisation", Name: "organisation", Label: "Nom de l’entreprise, de l’organisme ou de l’association", Value: c.GetOrganisation(), Max: maxOrganisation, Autocomplete: "organization"},
		{ID: "service", Name: "unit", Label: "Chantier, atelier ou service", Value: c.GetUnit(), Max: maxUnit},
		{ID: "periode-debut", Name: "period_from", Label: "Début de la période", Type: "date", Value: c.GetPeriodFrom()},
		{ID: "periode-fin", Name: "period_to", Label: "Fin de la période", Hint: "Pas avant le début (règle R36).", Type: "date", Value: c.GetPeriodTo()},
	}
	p.Additional = []*input{{ID: "informations", Name: "additional_info", Label: "Informations complémentaires (facultatif)", Hint: limitHint(maxAdditionalInfo), Value: e.GetAdditionalInfo(), Max: maxAdditionalInfo, Rows: 4}}
	return p
}

func limitHint(n int) string { return IntFR(int64(n)) + " caractères au plus." }

func (p examplePage) title() string {
	if p.New {
		return "Ajouter un exemple de pratique professionnelle"
	}
	return "Modifier un exemple de pratique professionnelle"
}

func (p *examplePage) setErrors(errs *formErrors) {
	var all []*input
	order := []string{p.Activity.ID}
	for _, group := range [][]*input{p.Heading, p.Tasks, p.Means, p.People, p.Context, p.Additional} {
		for _, in := range group {
			all, order = append(all, in), append(order, in.ID)
		}
	}
	errs.inOrder(order)
	errs.setErrors(all, p.Activity)
}

// confirmPage asks to confirm a removal.
type confirmPage struct {
	Back     *link
	Question string
	Detail   string
	Action   string
	Etag     string
	Button   string
}

// confirmDeleteExample (GET …/exemple/{example}/supprimer) asks to
// confirm the removal.
func (a *App) confirmDeleteExample(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := resp.GetDossier()
	e := findExample(d, r.PathValue("example"))
	if e == nil {
		a.exampleGone(w, r, d.GetId())
		return
	}
	back := dossierPath(d.GetId()) + "/exemple/" + url.PathEscape(e.GetId())
	a.render(w, r, http.StatusOK, "candidate_confirm", Page{Title: "Supprimer un exemple", Data: confirmPage{
		Back:     &link{Label: "Revenir à l’exemple sans le supprimer", Href: back},
		Question: fmt.Sprintf("Supprimer l’exemple « %s » (%s) ?", e.GetTitle(), e.GetCcpCode()),
		Detail:   "Son texte sera retiré du dossier. Les dossiers déjà déposés pour une session ne changent pas.",
		Action:   back + "/supprimer", Etag: d.GetEtag(), Button: "Supprimer l’exemple",
	}})
}

// deleteExample (POST …/exemple/{example}/supprimer) removes it.
func (a *App) deleteExample(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := resp.GetDossier()
	id := r.PathValue("example")
	list := slices.DeleteFunc(slices.Clone(d.GetExamples()), func(e *portfoliov1.PracticeExample) bool { return e.GetId() == id })
	if len(list) == len(d.GetExamples()) {
		a.exampleGone(w, r, d.GetId())
		return
	}
	_, err = a.svc.portfolio.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{
		Dossier:    &portfoliov1.Dossier{Id: d.GetId(), Etag: formValue(r, "etag", 200), Examples: list},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples"}},
	})
	if err != nil {
		a.failChange(w, r, err, dossierPath(d.GetId())+"/exemple/"+url.PathEscape(id))
		return
	}
	http.Redirect(w, r, dossierPath(d.GetId())+"?ok=exemple-supprime#exemples", http.StatusSeeOther)
}

// failChange shows the refusal of a change made from a page without
// fields (a confirmation): a conflict says so and links back to the page
// reloaded; anything else goes to fail.
func (a *App) failChange(w http.ResponseWriter, r *http.Request, err error, back string) {
	if isConflict(err) {
		al := conflictAlert(back)
		a.renderError(w, r, http.StatusConflict, errorPage{Title: al.Title,
			Detail: "Le dossier a été modifié entre-temps (dans un autre onglet, par exemple) : rien n’a été supprimé. Revenez à la page pour voir la dernière version, puis recommencez si besoin.",
			Link:   &link{Label: "Revenir à la page", Href: back}})
		return
	}
	a.fail(w, r, err)
}
