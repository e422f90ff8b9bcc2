package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// The candidate's Dossiers Professionnels: the list and the creation of a
// dossier for a title version (GET and POST /candidat/dossier), and one
// dossier's overview (GET /candidat/dossier/{dossier}), from which each
// part is edited on its own page.

const dossiersPath = candidateHome + "/dossier"

// dossierPath is the overview of dossier id.
func dossierPath(id string) string { return dossiersPath + "/" + url.PathEscape(id) }

// maxTitles bounds the titles offered when creating a dossier: one page
// of the catalogue, its largest.
const maxTitles = 500

// dossiersPage is the list of the person's dossiers and the creation form.
type dossiersPage struct {
	Notice, Alert *alert
	Dossiers      []*portfoliov1.Dossier
	NextPage      string // link to the next page of dossiers, "" on the last
	Titles        *choice
	RequestID     string
}

// dossiers (GET /candidat/dossier) lists the person's dossiers, or goes
// straight to the only one; the form below starts a dossier for a title.
func (a *App) dossiers(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	me, err := a.myCandidate(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if me == nil {
		a.needRecord(w, r, "Mon dossier professionnel")
		return
	}
	token := r.URL.Query().Get("page")
	if len(token) > maxPageToken {
		token = ""
	}
	list, err := a.svc.portfolio.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{CandidateId: me.GetId(), PageSize: 20, PageToken: token})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if len(list.GetDossiers()) == 1 && token == "" && list.GetNextPageToken() == "" && !r.URL.Query().Has("nouveau") {
		http.Redirect(w, r, dossierPath(list.GetDossiers()[0].GetId()), http.StatusSeeOther)
		return
	}
	p := dossiersPage{Notice: noticeOf(r), Dossiers: list.GetDossiers(), RequestID: uuid.NewString()}
	if next := list.GetNextPageToken(); next != "" {
		p.NextPage = dossiersPath + "?page=" + url.QueryEscape(next)
	}
	if p.Titles, err = a.titleChoice(ctx, ""); err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, http.StatusOK, "candidate_dossiers", Page{Title: "Mon dossier professionnel", Data: p})
}

// titleChoice is the select of the catalogue's title versions, selected
// the one named "code|version".
func (a *App) titleChoice(ctx context.Context, selected string) (*choice, error) {
	titles, err := a.svc.certification.ListTitles(ctx, &certificationv1.ListTitlesRequest{PageSize: maxTitles})
	if err != nil {
		return nil, err
	}
	ch := &choice{ID: "titre", Name: "title", Legend: "Titre professionnel visé", Select: true,
		Hint: "Le titre et sa version (millésime) tels que le ministère les publie ; votre centre de formation peut vous l’indiquer."}
	for _, t := range titles.GetTitles() {
		value := t.GetId() + "|" + t.GetVersion()
		ch.Options = append(ch.Options, option{Value: value, Checked: value == selected,
			Label: t.GetId() + " — " + t.GetLabel() + " (version " + t.GetVersion() + ")"})
	}
	return ch, nil
}

// createDossier (POST /candidat/dossier) starts a dossier for the title
// chosen; the service binds it to the person's own record.
func (a *App) createDossier(w http.ResponseWriter, r *http.Request) {
	selected := formValue(r, "title", 100)
	code, version, _ := strings.Cut(selected, "|")
	requestID := formValue(r, "request_id", maxRequestIDLen)
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.CreateDossier(ctx, &portfoliov1.CreateDossierRequest{
		RequestId: requestID,
		Dossier:   &portfoliov1.Dossier{TitleId: code, TitleVersion: version},
	})
	if err == nil {
		http.Redirect(w, r, dossierPath(resp.GetDossier().GetId())+"?ok=dossier-cree", http.StatusSeeOther)
		return
	}
	if refusalReason(err) == "DOSSIER_ALREADY_EXISTS" {
		if id := a.dossierFor(ctx, code, version); id != "" {
			http.Redirect(w, r, dossierPath(id)+"?ok=dossier-deja-cree", http.StatusSeeOther)
			return
		}
	}
	errs := &formErrors{}
	shown, ok := refusalOnForm(err, func(f string) string {
		if strings.HasPrefix(f, "dossier.title") {
			return "titre"
		}
		return ""
	}, errs)
	if !ok {
		a.fail(w, r, err)
		return
	}
	p := dossiersPage{Alert: shown.alert, RequestID: uuid.NewString()}
	if me, err := a.myCandidate(ctx); err == nil && me != nil {
		if list, err := a.svc.portfolio.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{CandidateId: me.GetId(), PageSize: 20}); err == nil {
			p.Dossiers = list.GetDossiers()
		}
	}
	if p.Titles, err = a.titleChoice(ctx, selected); err != nil {
		a.fail(w, r, err)
		return
	}
	p.Titles.Error = errs.get("titre")
	a.render(w, r, shown.status, "candidate_dossiers", Page{Title: "Mon dossier professionnel", Errors: errs.list, Data: p})
}

// dossierFor returns the id of the person's dossier for a title version
// ("" when it cannot be found).
func (a *App) dossierFor(ctx context.Context, code, version string) string {
	me, err := a.myCandidate(ctx)
	if err != nil || me == nil {
		return ""
	}
	token := ""
	for range 10 {
		list, err := a.svc.portfolio.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{CandidateId: me.GetId(), PageSize: 100, PageToken: token})
		if err != nil {
			return ""
		}
		for _, d := range list.GetDossiers() {
			if d.GetTitleId() == code && (version == "" || d.GetTitleVersion() == version) {
				return d.GetId()
			}
		}
		if token = list.GetNextPageToken(); token == "" {
			return ""
		}
	}
	return ""
}

// dossierPage is a dossier's overview.
type dossierPage struct {
	Notice         *alert
	Base           string // the dossier's path
	Dossier        *portfoliov1.Dossier
	Title          *certificationv1.Title
	AccessMode     string
	Activities     []activity
	Qualifications []*portfoliov1.PriorQualification
	Sworn          *portfoliov1.SwornStatement
	SwornComplete  bool
	DocumentsSize  string
}

// activity is an activity type (CCP) of the title and the dossier's
// examples for it.
type activity struct {
	Code, Label string
	Examples    []exampleItem
	CanAdd      bool // fewer than three examples (R35)
	AddHref     string
}

type exampleItem struct {
	Title, Period, Where, Href string
	Missing                    int // fields still empty that submission requires (R36)
}

// dossier (GET /candidat/dossier/{dossier}) shows a dossier part by part,
// each with the link that edits it.
func (a *App) dossier(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	d, title, err := a.dossierAndTitle(ctx, r.PathValue("dossier"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	base := dossierPath(d.GetId())
	p := dossierPage{
		Notice: noticeOf(r), Base: base, Dossier: d, Title: title,
		AccessMode:     accessModeLabel(d.GetCover().GetAccessMode()),
		Qualifications: d.GetPriorQualifications(),
		Sworn:          d.GetSwornStatement(),
		SwornComplete:  d.GetSwornStatement().GetSignTime() != nil,
		DocumentsSize:  sizeFR(d.GetTotalDocumentBytes()),
	}
	for _, ccp := range title.GetCcps() {
		act := activity{Code: ccp.GetCode(), Label: ccp.GetLabel(), AddHref: base + "/exemple?ccp=" + url.QueryEscape(ccp.GetCode())}
		for _, e := range d.GetExamples() {
			if e.GetCcpCode() != ccp.GetCode() {
				continue
			}
			act.Examples = append(act.Examples, exampleItem{
				Title: e.GetTitle(), Period: periodFR(e.GetContext()), Where: e.GetContext().GetOrganisation(),
				Href: base + "/exemple/" + url.PathEscape(e.GetId()), Missing: missingFields(e),
			})
		}
		act.CanAdd = len(act.Examples) < maxExamplesPerActivity
		p.Activities = append(p.Activities, act)
	}
	a.render(w, r, http.StatusOK, "candidate_dossier", Page{Title: "Dossier professionnel — " + title.GetLabel(), Data: p})
}

// maxExamplesPerActivity is R35's upper bound: three examples per activity
// type (the service refuses a fourth).
const maxExamplesPerActivity = 3

// dossierAndTitle reads a dossier and the title version it is written for.
func (a *App) dossierAndTitle(ctx context.Context, id string) (*portfoliov1.Dossier, *certificationv1.Title, error) {
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: id})
	if err != nil {
		return nil, nil, err
	}
	d := resp.GetDossier()
	t, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: d.GetTitleId(), Version: d.GetTitleVersion()})
	if err != nil {
		return nil, nil, err
	}
	return d, t.GetTitle(), nil
}

// periodFR is an example's period in words: "du 6 janvier 2025 au 27 juin
// 2025".
func periodFR(c *portfoliov1.PracticeContext) string {
	from, to := c.GetPeriodFrom(), c.GetPeriodTo()
	switch {
	case from != "" && to != "":
		return "du " + CivilDateFR(from) + " au " + CivilDateFR(to)
	case from != "":
		return "depuis le " + CivilDateFR(from)
	case to != "":
		return "jusqu’au " + CivilDateFR(to)
	}
	return ""
}

// missingFields counts the fields of an example still empty. It is a hint
// on the overview only ("3 champs à remplir"): what submission requires is
// decided by the portfolio service, whose answer the submission page shows.
func missingFields(e *portfoliov1.PracticeExample) int {
	n := 0
	for _, s := range []string{e.GetTasks(), e.GetMeans(), e.GetCollaborators(), e.GetContext().GetOrganisation(),
		e.GetContext().GetUnit(), e.GetContext().GetPeriodFrom(), e.GetContext().GetPeriodTo()} {
		if s == "" {
			n++
		}
	}
	return n
}
