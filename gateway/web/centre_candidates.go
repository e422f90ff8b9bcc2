package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// The candidate records the centre registered (GET /centre/candidats) and
// the form that registers one (GET /centre/candidats/nouveau, sent by POST
// to the same address). Opened from a session's registration form
// (?session=id), the form goes back there with the new record chosen.

const centreCandidatesPageSize = 20

// centreCandidatesData is the list's data.
type centreCandidatesData struct {
	Candidates []centreCandidateRow
	Next       string
	Paged      bool
	Done       bool // a record was just registered
}

type centreCandidateRow struct {
	ID, Name, GivenNames, BirthDate, Route string
	Created                                time.Time
}

// centreCandidates (GET /centre/candidats) lists the centre's records,
// oldest first, a page at a time.
func (a *App) centreCandidates(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("page")
	if len(token) > centreMaxPageToken {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.candidate.ListCandidates(ctx, &candidatev1.ListCandidatesRequest{PageSize: centreCandidatesPageSize, PageToken: token})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	data := centreCandidatesData{Next: resp.GetNextPageToken(), Paged: token != "", Done: r.URL.Query().Get("fait") == "enregistre"}
	for _, c := range resp.GetCandidates() {
		name := c.GetBirthName()
		if c.GetUsageName() != "" {
			name = c.GetUsageName() + " (" + c.GetBirthName() + ")"
		}
		data.Candidates = append(data.Candidates, centreCandidateRow{
			ID: c.GetId(), Name: name, GivenNames: strings.Join(c.GetGivenNames(), " "),
			BirthDate: c.GetBirthDate(), Route: accessRouteLabel(c.GetAccessRoute()), Created: c.GetCreateTime().AsTime(),
		})
	}
	a.render(w, r, http.StatusOK, "centre_candidates", Page{Title: "Candidats enregistrés par le centre", Data: data})
}

// centreCandidateForm is the registration form, as typed.
type centreCandidateForm struct {
	RequestID, Session                              string
	Subject, BirthName, UsageName, GivenNames       string
	BirthDate, BirthCommune, BirthCountry           string
	BirthInsee, Sex                                 string // for the CPF deposit (R56)
	Email, Phone                                    string
	Line1, Line2, PostalCode, Locality, Country     string
	Route                                           string // "formation", "apprentissage", "vae"
	Organisation, SIRET, TrainingStart, TrainingEnd string
	TrainingTitle, TrainingCCPs                     string // the title prepared (R24), its CCPs covered
	VAEDecision, VAEDecidedBy, VAEReference         string
	FranceVAE                                       string // the France VAE candidature id
}

// centreNewCandidateData is the form page's data.
type centreNewCandidateData struct {
	Form    centreCandidateForm
	Routes  []centreLinkKind // value and label of each access route
	Refusal *centreRefusal
}

// centreCandidateFields ties the API's fields to the form's, in the form's order.
var centreCandidateFields = []centreFormField{
	{"candidate.birth_name", "nom-naissance"},
	{"candidate.usage_name", "nom-usage"},
	{"candidate.given_names", "prenoms"},
	{"candidate.birth_date", "naissance"},
	{"candidate.birth_place", "naissance-commune"},
	{"candidate.birth_place.country_code", "naissance-pays"},
	{"candidate.birth_place.insee_code", "naissance-insee"},
	{"candidate.sex", "sexe"},
	{"candidate.subject", "compte"},
	{"candidate.email", "courriel"},
	{"candidate.phone", "telephone"},
	{"candidate.postal_address", "adresse-ligne1"},
	{"candidate.postal_address.lines[1]", "adresse-ligne2"},
	{"candidate.postal_address.postal_code", "code-postal"},
	{"candidate.postal_address.locality", "localite"},
	{"candidate.postal_address.country_code", "adresse-pays"},
	{"candidate.access_route", "voie-formation"},
	{"candidate.training", "formation-organisme"},
	{"candidate.training.organisation_siret", "formation-siret"},
	{"candidate.training.start_date", "formation-debut"},
	{"candidate.training.end_date", "formation-fin"},
	{"candidate.training.title_id", "formation-titre"},
	{"candidate.training.ccp_codes", "formation-ccp"},
	{"candidate.vae_admissibility", "vae-decision"},
	{"candidate.vae_admissibility.decided_by", "vae-autorite"},
	{"candidate.vae_admissibility.reference", "vae-reference"},
	{"candidate.france_vae_candidature_id", "vae-francevae"},
}

func centreRouteOptions() []centreLinkKind {
	var out []centreLinkKind
	for _, r := range centreAccessRoutes {
		out = append(out, centreLinkKind{r.Value, r.Label})
	}
	return out
}

// centreNewCandidate (GET /centre/candidats/nouveau) shows the form.
func (a *App) centreNewCandidate(w http.ResponseWriter, r *http.Request) {
	session, _ := centreID(r.URL.Query().Get("session"))
	form := centreCandidateForm{RequestID: uuid.NewString(), Session: session, BirthCountry: "FR", Country: "FR", Route: "formation"}
	a.centreShowNewCandidate(w, r, http.StatusOK, form, nil, nil)
}

func (a *App) centreShowNewCandidate(w http.ResponseWriter, r *http.Request, status int, form centreCandidateForm, errs []Field, refusal *centreRefusal) {
	a.render(w, r, status, "centre_candidate_new", Page{
		Title: "Enregistrer un candidat", Errors: errs,
		Data: centreNewCandidateData{Form: form, Routes: centreRouteOptions(), Refusal: refusal},
	})
}

// centreCreateCandidate (POST /centre/candidats/nouveau) registers the
// record for the centre.
func (a *App) centreCreateCandidate(w http.ResponseWriter, r *http.Request) {
	v := func(name string) string { return strings.TrimSpace(r.PostFormValue(name)) }
	form := centreCandidateForm{
		RequestID: v("request_id"), Subject: v("compte"),
		BirthName: v("nom-naissance"), UsageName: v("nom-usage"), GivenNames: v("prenoms"),
		BirthDate: v("naissance"), BirthCommune: v("naissance-commune"), BirthCountry: strings.ToUpper(v("naissance-pays")),
		BirthInsee: strings.ToUpper(v("naissance-insee")), Sex: v("sexe"),
		Email: v("courriel"), Phone: strings.ReplaceAll(v("telephone"), " ", ""),
		Line1: v("adresse-ligne1"), Line2: v("adresse-ligne2"), PostalCode: v("code-postal"), Locality: v("localite"), Country: strings.ToUpper(v("adresse-pays")),
		Route:        v("voie"),
		Organisation: v("formation-organisme"), SIRET: strings.ReplaceAll(v("formation-siret"), " ", ""),
		TrainingStart: v("formation-debut"), TrainingEnd: v("formation-fin"),
		TrainingTitle: strings.ToUpper(v("formation-titre")), TrainingCCPs: strings.ToUpper(v("formation-ccp")),
		VAEDecision: v("vae-decision"), VAEDecidedBy: v("vae-autorite"), VAEReference: v("vae-reference"),
		FranceVAE: strings.ToLower(v("vae-francevae")),
	}
	form.Session, _ = centreID(v("session"))
	if uuid.Validate(form.RequestID) != nil {
		form.RequestID = uuid.NewString()
	}
	c := &candidatev1.Candidate{
		Subject: form.Subject, BirthName: form.BirthName, UsageName: form.UsageName,
		BirthDate:  form.BirthDate,
		BirthPlace: &candidatev1.BirthPlace{Commune: form.BirthCommune, CountryCode: form.BirthCountry, InseeCode: form.BirthInsee},
		Sex:        form.Sex,
		Email:      form.Email, Phone: form.Phone,
	}
	// Given names as typed, separated by commas; the service bounds them.
	for _, g := range strings.Split(form.GivenNames, ",") {
		if g = strings.TrimSpace(g); g != "" {
			c.GivenNames = append(c.GivenNames, g)
		}
	}
	if form.Line1 != "" || form.Line2 != "" || form.PostalCode != "" || form.Locality != "" {
		addr := &commonv1.PostalAddress{PostalCode: form.PostalCode, Locality: form.Locality, CountryCode: form.Country}
		for _, l := range []string{form.Line1, form.Line2} {
			if l != "" {
				addr.Lines = append(addr.Lines, l)
			}
		}
		c.PostalAddress = addr
	}
	var errs []Field
	for _, ar := range centreAccessRoutes {
		if ar.Value == form.Route {
			c.AccessRoute = ar.Route
		}
	}
	switch c.AccessRoute {
	case commonv1.AccessRoute_ACCESS_ROUTE_TRAINING, commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP:
		c.Training = &candidatev1.TrainingEnrolment{Organisation: form.Organisation, OrganisationSiret: form.SIRET,
			StartDate: form.TrainingStart, EndDate: form.TrainingEnd, TitleId: form.TrainingTitle, CcpCodes: codeList(form.TrainingCCPs)}
	case commonv1.AccessRoute_ACCESS_ROUTE_VAE:
		c.VaeAdmissibility = &candidatev1.VaeAdmissibility{DecisionDate: form.VAEDecision, DecidedBy: form.VAEDecidedBy, Reference: form.VAEReference}
		c.FranceVaeCandidatureId = form.FranceVAE
	default:
		errs = append(errs, Field{ID: "voie-formation", Message: "Choisissez la voie d’accès du candidat."})
	}
	if len(c.GivenNames) > 5 {
		errs = append(errs, Field{ID: "prenoms", Message: "Saisissez au plus cinq prénoms, séparés par des virgules."})
	}
	if errs != nil {
		a.centreShowNewCandidate(w, r, http.StatusUnprocessableEntity, form, errs, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.candidate.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{Candidate: c, RequestId: form.RequestID})
	if err == nil {
		if form.Session != "" {
			http.Redirect(w, r, "/centre/sessions/"+form.Session+"/candidatures?"+url.Values{"candidat": {resp.GetCandidate().GetId()}}.Encode(), http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/centre/candidats?fait=enregistre", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, centreCandidateFields, centreCandidateHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	if centreReason(err) == "REQUEST_ID_REUSED" {
		form.RequestID = uuid.NewString()
	}
	a.centreShowNewCandidate(w, r, status, form, errs, ref)
}

// centreCandidateHint explains the refusals of a registration.
func centreCandidateHint(reason string, _ map[string]string) string {
	switch reason {
	case "VAE_ADMISSIBILITY_EXPIRED":
		return "La décision de recevabilité VAE est valable un an à partir de sa date (règle R25) : celle-ci a expiré. Le candidat doit obtenir une nouvelle décision."
	case "REQUEST_ID_REUSED":
		return "Ce formulaire a déjà servi à enregistrer un autre candidat. Vérifiez la liste des candidats, puis envoyez de nouveau le formulaire si besoin."
	}
	return ""
}
