package web

import (
	"net/http"
	"strconv"
	"strings"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The DREETS officer's registers (GET and POST /dreets/registres): the
// centres' agréments (R8–R11) and the juror register (R16–R18, R20), each
// listed with a form to record a new entry and, per entry in force, a form
// to withdraw it with a reason. The certification service checks every
// rule (R9, R17, R18); the page shows its refusals next to the fields.

// dreetsRegisterRows bounds each list of the page: one page of the
// service's listing.
const dreetsRegisterRows = 200

// registersData is the registers page's data.
type registersData struct {
	Agrements     []*certificationv1.Agrement
	Habilitations []*certificationv1.Habilitation
	Titles        []registerTitle // the catalogue's versions, for the agrément
	TitleCodes    []registerTitle // the catalogue's titles, for the habilitation
	Agr           agrementForm
	Hab           habilitationForm
	Refusal       *Message
	Done          string // what the last action did
}

// registerTitle is an option of a form's title list.
type registerTitle struct{ Value, Label string }

// agrementForm is the agrément form as sent.
type agrementForm struct{ ID, Centre, Title, Site, From, To string }

// habilitationForm is the habilitation form as sent.
type habilitationForm struct {
	Number, Subject, Name, Email, Title, From, To    string
	Category, Years, LastPractised, DerogationReason string
	Trainer, Derogation                              bool
}

// dreetsRegisters (GET /dreets/registres) shows the registers.
func (a *App) dreetsRegisters(w http.ResponseWriter, r *http.Request) {
	var done string
	switch r.URL.Query().Get("fait") {
	case "agrement":
		done = "L’agrément est enregistré."
	case "habilitation":
		done = "L’habilitation est enregistrée au registre des jurés."
	case "retrait":
		done = "Le retrait est enregistré."
	}
	a.dreetsShowRegisters(w, r, http.StatusOK, registersData{Done: done, Hab: habilitationForm{Category: "PROFESSIONAL"}}, nil)
}

// dreetsShowRegisters renders the page with data's forms and refusal.
func (a *App) dreetsShowRegisters(w http.ResponseWriter, r *http.Request, code int, data registersData, errs []Field) {
	ctx, cancel := callContext(r)
	defer cancel()
	agr, err := a.svc.certification.ListAgrements(ctx, &certificationv1.ListAgrementsRequest{PageSize: dreetsRegisterRows})
	if err != nil {
		a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
		return
	}
	hab, err := a.svc.certification.ListHabilitations(ctx, &certificationv1.ListHabilitationsRequest{PageSize: dreetsRegisterRows})
	if err != nil {
		a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
		return
	}
	titles, err := a.svc.certification.ListTitles(ctx, &certificationv1.ListTitlesRequest{PageSize: dreetsRegisterRows})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	data.Agrements, data.Habilitations = agr.GetAgrements(), hab.GetHabilitations()
	seen := map[string]bool{}
	for _, t := range titles.GetTitles() {
		data.Titles = append(data.Titles, registerTitle{Value: t.GetId() + "|" + t.GetVersion(),
			Label: t.GetId() + " version " + t.GetVersion() + " — " + t.GetLabel()})
		if !seen[t.GetId()] {
			seen[t.GetId()] = true
			data.TitleCodes = append(data.TitleCodes, registerTitle{Value: t.GetId(), Label: t.GetId() + " — " + t.GetLabel()})
		}
	}
	a.render(w, r, code, "dreets_registers", Page{Title: "Registres des agréments et des jurés", Errors: errs, Data: data})
}

// dreetsRegistersAction (POST /dreets/registres) records an agrément or a
// habilitation, or withdraws one.
func (a *App) dreetsRegistersAction(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	data := registersData{Hab: habilitationForm{Category: "PROFESSIONAL"}}
	var (
		err    error
		fields []centreFormField // the service's fields and the form's, in the form's order
		done   string
	)
	switch r.PostFormValue("action") {
	case "agrement":
		f := agrementForm{ID: strings.TrimSpace(r.PostFormValue("agr-id")), Centre: strings.TrimSpace(r.PostFormValue("agr-centre")),
			Title: r.PostFormValue("agr-titre"), Site: r.PostFormValue("agr-site"), From: r.PostFormValue("agr-debut"), To: r.PostFormValue("agr-fin")}
		data.Agr = f
		code, version, _ := strings.Cut(f.Title, "|")
		_, err = a.svc.certification.GrantAgrement(ctx, &certificationv1.GrantAgrementRequest{Agrement: &certificationv1.Agrement{
			Id: f.ID, CentreId: f.Centre, TitleId: code, TitleVersion: version, Site: f.Site, ValidFrom: f.From, ValidTo: f.To}})
		fields = []centreFormField{{"agrement.id", "agr-id"}, {"agrement.centre_id", "agr-centre"}, {"agrement.title_id", "agr-titre"},
			{"agrement.title_version", "agr-titre"}, {"agrement.site", "agr-site"}, {"agrement.valid_from", "agr-debut"}, {"agrement.valid_to", "agr-fin"}}
		done = "agrement"
	case "habilitation":
		f := habilitationForm{Number: strings.TrimSpace(r.PostFormValue("hab-numero")), Subject: strings.TrimSpace(r.PostFormValue("hab-sujet")),
			Name: r.PostFormValue("hab-nom"), Email: strings.TrimSpace(r.PostFormValue("hab-courriel")), Title: r.PostFormValue("hab-titre"),
			From: r.PostFormValue("hab-debut"), To: r.PostFormValue("hab-fin"), Category: r.PostFormValue("hab-categorie"),
			Years: strings.TrimSpace(r.PostFormValue("hab-annees")), LastPractised: r.PostFormValue("hab-exercice"),
			Trainer: r.PostFormValue("hab-formateur") == "1", Derogation: r.PostFormValue("hab-derogation") == "1",
			DerogationReason: r.PostFormValue("hab-motif")}
		data.Hab = f
		years, convErr := strconv.Atoi(f.Years)
		if convErr != nil || years < 0 {
			a.dreetsShowRegisters(w, r, http.StatusUnprocessableEntity, data,
				[]Field{{ID: "hab-annees", Message: "Indiquez un nombre d’années d’expérience, par exemple 5."}})
			return
		}
		category := certificationv1.HabilitationCategory_HABILITATION_CATEGORY_UNSPECIFIED
		switch f.Category {
		case "PROFESSIONAL":
			category = certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL
		case "SUPERVISOR":
			category = certificationv1.HabilitationCategory_HABILITATION_CATEGORY_SUPERVISOR
		}
		_, err = a.svc.certification.GrantHabilitation(ctx, &certificationv1.GrantHabilitationRequest{Habilitation: &certificationv1.Habilitation{
			Number: f.Number, JurorSubject: f.Subject, JurorName: f.Name, JurorEmail: f.Email, TitleId: f.Title,
			ValidFrom: f.From, ValidTo: f.To, Category: category, ExperienceYears: int32(min(years, 1000)),
			LastPractised: f.LastPractised, Trainer: f.Trainer, Derogation: f.Derogation, DerogationReason: f.DerogationReason}})
		fields = []centreFormField{{"habilitation.number", "hab-numero"}, {"habilitation.juror_subject", "hab-sujet"},
			{"habilitation.juror_name", "hab-nom"}, {"habilitation.juror_email", "hab-courriel"}, {"habilitation.title_id", "hab-titre"},
			{"habilitation.valid_from", "hab-debut"}, {"habilitation.valid_to", "hab-fin"}, {"habilitation.category", "hab-categorie-metier"},
			{"habilitation.experience_years", "hab-annees"}, {"habilitation.last_practised", "hab-exercice"},
			{"habilitation.derogation_reason", "hab-motif"}}
		done = "habilitation"
	case "retirer-agrement":
		_, err = a.svc.certification.WithdrawAgrement(ctx, &certificationv1.WithdrawAgrementRequest{
			AgrementId: r.PostFormValue("id"), Reason: r.PostFormValue("motif")})
		done = "retrait"
	case "retirer-habilitation":
		_, err = a.svc.certification.WithdrawHabilitation(ctx, &certificationv1.WithdrawHabilitationRequest{
			HabilitationNumber: r.PostFormValue("id"), Reason: r.PostFormValue("motif")})
		done = "retrait"
	default:
		a.renderError(w, r, http.StatusBadRequest, errorPage{Title: "Demande incomprise",
			Detail: "Cette action n’existe pas sur cette page. Revenez aux registres.", Link: &link{Label: "Registres", Href: "/dreets/registres"}})
		return
	}
	if err == nil {
		http.Redirect(w, r, "/dreets/registres?fait="+done, http.StatusSeeOther)
		return
	}
	if failsThePage(err) {
		a.fail(w, r, err)
		return
	}
	errs, refusal, code := dreetsFormRefusal(err, fields)
	data.Refusal = refusal
	a.dreetsShowRegisters(w, r, code, data, errs)
}
