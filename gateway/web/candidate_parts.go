package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// Two parts of the dossier, each with its own page: the table of titles
// and diplomas already held (R39, …/diplomes) and the sworn statement
// (R38, …/declaration). Each saves its part alone (update_mask) with the
// etag the form was shown with.

// Bounds of these parts (portfolio domain).
const (
	maxQualifications     = 50
	maxQualificationTitle = 200
	maxSignerName         = 200
	maxPlace              = 100
	// blankRows is how many empty lines the table offers for new entries.
	blankRows = 3
)

// qualificationsPage is the table's form: one fieldset per line.
type qualificationsPage struct {
	Base  string
	Etag  string
	Alert *alert
	Rows  []qualificationRow
}

type qualificationRow struct {
	Legend string
	Inputs []*input
}

// qualifications (GET …/diplomes) shows the lines held and a few empty
// ones.
func (a *App) qualifications(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := resp.GetDossier()
	rows := d.GetPriorQualifications()
	for range min(blankRows, maxQualifications-len(rows)) {
		rows = append(rows, &portfoliov1.PriorQualification{})
	}
	p := qualificationsPage{Base: dossierPath(d.GetId()), Etag: d.GetEtag(), Rows: qualificationRows(rows)}
	a.render(w, r, http.StatusOK, "candidate_qualifications", Page{Title: "Titres, diplômes et certificats", Data: p})
}

// saveQualifications (POST …/diplomes) replaces the table by the lines
// filled in; an emptied line is removed.
func (a *App) saveQualifications(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PostFormValue("rows"))
	n = max(0, min(n, maxQualifications+blankRows))
	var typed, sent []*portfoliov1.PriorQualification
	var rowOf []int // the form line of each line sent
	for i := range n {
		k := strconv.Itoa(i)
		q := &portfoliov1.PriorQualification{
			Title:     formValue(r, "title_"+k, maxQualificationTitle),
			Authority: formValue(r, "authority_"+k, maxQualificationTitle),
			Date:      dateInput(formValue(r, "date_"+k, 10)),
		}
		typed = append(typed, q)
		if q.Title != "" || q.Authority != "" || q.Date != "" {
			sent = append(sent, q)
			rowOf = append(rowOf, i)
		}
	}
	id := r.PathValue("dossier")
	etag := formValue(r, "etag", 200)
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.portfolio.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{
		Dossier:    &portfoliov1.Dossier{Id: id, Etag: etag, PriorQualifications: sent},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"prior_qualifications"}},
	})
	if err == nil {
		http.Redirect(w, r, dossierPath(id)+"?ok=diplomes#diplomes", http.StatusSeeOther)
		return
	}
	errs := &formErrors{}
	shown, ok := refusalOnForm(err, func(f string) string {
		rest, found := strings.CutPrefix(f, "dossier.prior_qualifications[")
		if !found {
			return ""
		}
		idx, field, _ := strings.Cut(rest, "].")
		i, convErr := strconv.Atoi(idx)
		if convErr != nil || i < 0 || i >= len(rowOf) {
			return ""
		}
		name := map[string]string{"title": "intitule", "authority": "autorite", "date": "date"}[field]
		if name == "" {
			return ""
		}
		return "diplome-" + strconv.Itoa(rowOf[i]+1) + "-" + name
	}, errs)
	if !ok {
		a.fail(w, r, err)
		return
	}
	p := qualificationsPage{Base: dossierPath(id), Etag: etag, Alert: shown.alert, Rows: qualificationRows(typed)}
	if isConflict(err) {
		p.Alert = conflictAlert(dossierPath(id) + "/diplomes")
	}
	var order []string
	for _, row := range p.Rows {
		errs.setErrors(row.Inputs)
		for _, in := range row.Inputs {
			order = append(order, in.ID)
		}
	}
	errs.inOrder(order)
	a.render(w, r, shown.status, "candidate_qualifications", Page{Title: "Titres, diplômes et certificats", Errors: errs.list, Data: p})
}

func qualificationRows(qs []*portfoliov1.PriorQualification) []qualificationRow {
	rows := make([]qualificationRow, 0, len(qs))
	for i, q := range qs {
		k, n := strconv.Itoa(i), strconv.Itoa(i+1)
		rows = append(rows, qualificationRow{Legend: "Ligne " + n, Inputs: []*input{
			{ID: "diplome-" + n + "-intitule", Name: "title_" + k, Label: "Intitulé", Hint: "Titre, diplôme, CQP ou attestation de formation.", Value: q.GetTitle(), Max: maxQualificationTitle},
			{ID: "diplome-" + n + "-autorite", Name: "authority_" + k, Label: "Autorité ou organisme qui l’a délivré (facultatif)", Value: q.GetAuthority(), Max: maxQualificationTitle},
			{ID: "diplome-" + n + "-date", Name: "date_" + k, Label: "Date d’obtention (facultatif)", Type: "date", Value: q.GetDate()},
		}})
	}
	return rows
}

// swornPage is the sworn statement's form.
type swornPage struct {
	Base     string
	Etag     string
	Alert    *alert
	Inputs   []*input
	SignedAt time.Time
}

// swornStatement (GET …/declaration) shows the statement to complete.
func (a *App) swornStatement(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := resp.GetDossier()
	s := d.GetSwornStatement()
	if s == nil || s.GetDate() == "" {
		s = &portfoliov1.SwornStatement{SignerName: s.GetSignerName(), Place: s.GetPlace(),
			Date: time.Now().In(paris).Format(time.DateOnly)}
	}
	p := swornPage{Base: dossierPath(d.GetId()), Etag: d.GetEtag(), Inputs: swornInputs(s)}
	if t := d.GetSwornStatement().GetSignTime(); t != nil {
		p.SignedAt = t.AsTime()
	}
	a.render(w, r, http.StatusOK, "candidate_sworn", Page{Title: "Déclaration sur l’honneur", Data: p})
}

// saveSwornStatement (POST …/declaration) saves it.
func (a *App) saveSwornStatement(w http.ResponseWriter, r *http.Request) {
	s := &portfoliov1.SwornStatement{
		SignerName: formValue(r, "signer_name", maxSignerName), Place: formValue(r, "place", maxPlace),
		Date: dateInput(formValue(r, "date", 10)),
	}
	id := r.PathValue("dossier")
	etag := formValue(r, "etag", 200)
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.portfolio.UpdateDossier(ctx, &portfoliov1.UpdateDossierRequest{
		Dossier:    &portfoliov1.Dossier{Id: id, Etag: etag, SwornStatement: s},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"sworn_statement"}},
	})
	if err == nil {
		http.Redirect(w, r, dossierPath(id)+"?ok=declaration#declaration", http.StatusSeeOther)
		return
	}
	errs := &formErrors{}
	shown, ok := refusalOnForm(err, func(f string) string {
		return map[string]string{
			"dossier.sworn_statement.signer_name": "signataire",
			"dossier.sworn_statement.place":       "lieu",
			"dossier.sworn_statement.date":        "date-signature",
		}[f]
	}, errs)
	if !ok {
		a.fail(w, r, err)
		return
	}
	p := swornPage{Base: dossierPath(id), Etag: etag, Alert: shown.alert, Inputs: swornInputs(s)}
	if isConflict(err) {
		p.Alert = conflictAlert(dossierPath(id) + "/declaration")
	}
	errs.setErrors(p.Inputs)
	errs.inOrder([]string{"signataire", "lieu", "date-signature"})
	a.render(w, r, shown.status, "candidate_sworn", Page{Title: "Déclaration sur l’honneur", Errors: errs.list, Data: p})
}

func swornInputs(s *portfoliov1.SwornStatement) []*input {
	return []*input{
		{ID: "signataire", Name: "signer_name", Label: "Je soussigné(e)", Hint: "Vos prénom et nom.", Value: s.GetSignerName(), Max: maxSignerName, Autocomplete: "name"},
		{ID: "lieu", Name: "place", Label: "Fait à", Hint: "La commune où vous signez.", Value: s.GetPlace(), Max: maxPlace},
		{ID: "date-signature", Name: "date", Label: "Le", Hint: "La date de signature, pas dans le futur.", Type: "date", Value: s.GetDate()},
	}
}
