package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// The candidate's record (GET and POST /candidat/fiche): created by the
// person themselves (CreateCandidate, bound to their subject by the
// service) when they have none, changed with UpdateCandidate and its etag
// otherwise.

const recordPath = candidateHome + "/fiche"

// Bounds of the record's fields, from candidate.proto and common.proto.
const (
	maxNameLen        = 100
	maxGivenNamesLen  = 5*60 + 4*2 // five names of 60 characters and their separators
	maxCommuneLen     = 100
	maxEmailLen       = 254
	maxPhoneLen       = 20
	maxAddressLineLen = 38
	maxPostalCodeLen  = 10
	maxLocalityLen    = 38
	maxOrgLen         = 200
	maxDecidedByLen   = 200
	maxReferenceLen   = 100
	maxCodeLen        = 40  // a title code
	maxCodesLen       = 400 // CCP codes, comma-separated
	maxRequestIDLen   = 64
)

// recordValues are the record's fields as the form holds them: text.
type recordValues struct {
	BirthName, UsageName, GivenNames, BirthDate, BirthCommune, BirthCountry string
	Email, Phone                                                            string
	Address                                                                 [4]string
	PostalCode, Locality, AddressCountry                                    string
	Route                                                                   string // "TRAINING", "APPRENTICESHIP", "VAE"
	Organisation, SIRET, TrainingStart, TrainingEnd                         string
	TrainingTitle, TrainingCCPs                                             string // the title prepared (R24), its CCPs covered, comma-separated
	DecisionDate, DecidedBy, Reference                                      string
}

// recordPage is the record page's data.
type recordPage struct {
	Create          bool
	RequestID, Etag string
	Notice, Alert   *alert
	Record          *candidatev1.Candidate // the stored record, when there is one
	Identity        []*input
	Contact         []*input
	Address         []*input
	Route           *choice
	Training        []*input
	VAE             []*input
}

// record (GET /candidat/fiche) shows the person's record as a form: empty
// to create it, filled to change it.
func (a *App) record(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	c, err := a.myCandidate(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := recordPage{Create: c == nil, Notice: noticeOf(r), Record: c}
	v := recordValues{BirthCountry: "FR", AddressCountry: "FR"}
	if c != nil {
		v, p.Etag = valuesOfCandidate(c), c.GetEtag()
	} else {
		p.RequestID = uuid.NewString()
	}
	p.build(v, &formErrors{})
	a.render(w, r, http.StatusOK, "candidate_record", Page{Title: p.title(), Data: p})
}

// saveRecord (POST /candidat/fiche) creates or changes the record.
func (a *App) saveRecord(w http.ResponseWriter, r *http.Request) {
	v := valuesOfRequest(r)
	p := recordPage{RequestID: formValue(r, "request_id", maxRequestIDLen), Etag: formValue(r, "etag", 200)}
	p.Create = p.Etag == ""
	ctx, cancel := callContext(r)
	defer cancel()
	c := v.candidate()
	var err error
	if p.Create {
		_, err = a.svc.candidate.CreateCandidate(ctx, &candidatev1.CreateCandidateRequest{Candidate: c, RequestId: p.RequestID})
		if refusalReason(err) == "CANDIDATE_ALREADY_REGISTERED" {
			http.Redirect(w, r, recordPath+"?ok=fiche-deja-existante", http.StatusSeeOther)
			return
		}
		if err == nil {
			http.Redirect(w, r, candidateHome+"?ok=fiche-creee", http.StatusSeeOther)
			return
		}
	} else {
		var mine *candidatev1.Candidate
		if mine, err = a.myCandidate(ctx); err == nil && mine == nil {
			http.Redirect(w, r, recordPath, http.StatusSeeOther)
			return
		}
		if err == nil {
			p.Record = mine
			c.Id, c.Etag = mine.GetId(), p.Etag
			_, err = a.svc.candidate.UpdateCandidate(ctx, &candidatev1.UpdateCandidateRequest{
				Candidate:  c,
				UpdateMask: &fieldmaskpb.FieldMask{Paths: recordMask},
			})
		}
		if err == nil {
			http.Redirect(w, r, recordPath+"?ok=fiche", http.StatusSeeOther)
			return
		}
	}
	errs := &formErrors{}
	shown, ok := refusalOnForm(err, recordInput, errs)
	if !ok {
		a.fail(w, r, err)
		return
	}
	p.Alert = shown.alert
	if isConflict(err) {
		p.Alert = conflictAlert(recordPath)
	}
	if refusalReason(err) == "VAE_ADMISSIBILITY_EXPIRED" {
		errs.add("date-recevabilite", "Cette décision de recevabilité a plus d’un an : elle n’est plus valable (règle R25). Indiquez une décision de moins d’un an.")
	}
	p.build(v, errs)
	a.render(w, r, shown.status, "candidate_record", Page{Title: p.title(), Errors: errs.list, Data: p})
}

// recordMask names every field the form edits: the record is replaced by
// what the form shows (the subject, the centre and the dates are not
// editable).
var recordMask = []string{"birth_name", "usage_name", "given_names", "birth_date", "birth_place", "email", "phone",
	"postal_address", "access_route", "training", "vae_admissibility"}

func (p recordPage) title() string {
	if p.Create {
		return "Créer ma fiche candidat"
	}
	return "Ma fiche candidat"
}

// build makes the form's inputs from v and puts the errors on them.
func (p *recordPage) build(v recordValues, errs *formErrors) {
	p.Identity = []*input{
		{ID: "nom-naissance", Name: "birth_name", Label: "Nom de naissance", Value: v.BirthName, Max: maxNameLen, Autocomplete: "family-name"},
		{ID: "nom-usage", Name: "usage_name", Label: "Nom d’usage (facultatif)", Hint: "Par exemple le nom d’époux ou d’épouse.", Value: v.UsageName, Max: maxNameLen},
		{ID: "prenoms", Name: "given_names", Label: "Prénoms", Hint: "Dans l’ordre de l’état civil, séparés par des virgules ; cinq au plus.", Value: v.GivenNames, Max: maxGivenNamesLen, Autocomplete: "given-name"},
		{ID: "date-naissance", Name: "birth_date", Label: "Date de naissance", Type: "date", Value: v.BirthDate, Autocomplete: "bday"},
		{ID: "commune-naissance", Name: "birth_commune", Label: "Commune de naissance", Hint: "Ou ville, pour une naissance à l’étranger.", Value: v.BirthCommune, Max: maxCommuneLen},
		{ID: "pays-naissance", Name: "birth_country", Label: "Pays de naissance", Hint: "Code du pays en deux lettres : FR pour la France, BE pour la Belgique, MA pour le Maroc…", Value: v.BirthCountry, Max: 2},
	}
	p.Contact = []*input{
		{ID: "courriel", Name: "email", Label: "Adresse électronique", Hint: "Vos convocations et vos résultats y sont envoyés. Format attendu : nom@exemple.fr", Type: "email", Value: v.Email, Max: maxEmailLen, Autocomplete: "email"},
		{ID: "telephone", Name: "phone", Label: "Téléphone (facultatif)", Hint: "Au format international, par exemple +33612345678.", Type: "tel", Value: v.Phone, Max: maxPhoneLen, Autocomplete: "tel"},
	}
	p.Address = []*input{
		{ID: "adresse-1", Name: "address_1", Label: "Adresse — ligne 1", Hint: "38 caractères par ligne au plus, par exemple « 12 rue des Lilas ».", Value: v.Address[0], Max: maxAddressLineLen, Autocomplete: "address-line1"},
		{ID: "adresse-2", Name: "address_2", Label: "Adresse — ligne 2 (facultatif)", Value: v.Address[1], Max: maxAddressLineLen, Autocomplete: "address-line2"},
		{ID: "adresse-3", Name: "address_3", Label: "Adresse — ligne 3 (facultatif)", Value: v.Address[2], Max: maxAddressLineLen, Autocomplete: "address-line3"},
		{ID: "adresse-4", Name: "address_4", Label: "Adresse — ligne 4 (facultatif)", Value: v.Address[3], Max: maxAddressLineLen},
		{ID: "code-postal", Name: "postal_code", Label: "Code postal", Value: v.PostalCode, Max: maxPostalCodeLen, Autocomplete: "postal-code"},
		{ID: "localite", Name: "locality", Label: "Commune", Value: v.Locality, Max: maxLocalityLen, Autocomplete: "address-level2"},
		{ID: "pays-adresse", Name: "address_country", Label: "Pays", Hint: "Code du pays en deux lettres, par exemple FR.", Value: v.AddressCountry, Max: 2},
	}
	p.Route = &choice{ID: "voie-formation", Name: "access_route", Legend: "Voie d’accès au titre",
		Hint: "Elle décide du justificatif demandé : l’inscription en formation, ou la décision de recevabilité de la VAE.",
		Options: []option{
			{ID: "voie-formation", Value: "TRAINING", Label: "Formation professionnelle continue", Checked: v.Route == "TRAINING"},
			{ID: "voie-apprentissage", Value: "APPRENTICESHIP", Label: "Apprentissage", Checked: v.Route == "APPRENTICESHIP"},
			{ID: "voie-vae", Value: "VAE", Label: "Validation des acquis de l’expérience (VAE)", Checked: v.Route == "VAE"},
		}}
	p.Training = []*input{
		{ID: "organisme", Name: "organisation", Label: "Organisme de formation", Value: v.Organisation, Max: maxOrgLen, Autocomplete: "organization"},
		{ID: "siret", Name: "siret", Label: "SIRET de l’organisme (facultatif)", Hint: "14 chiffres.", Value: v.SIRET, Max: 14},
		{ID: "debut-formation", Name: "training_start", Label: "Début de la formation (facultatif)", Type: "date", Value: v.TrainingStart},
		{ID: "fin-formation", Name: "training_end", Label: "Fin de la formation (facultatif)", Type: "date", Value: v.TrainingEnd},
		{ID: "titre-formation", Name: "training_title", Label: "Titre préparé",
			Hint: "Code du titre professionnel, par exemple TP-00495 : il est nécessaire pour être inscrit à une session (règle R24).", Value: v.TrainingTitle, Max: maxCodeLen},
		{ID: "ccp-formation", Name: "training_ccps", Label: "CCP couverts par la formation (facultatif)",
			Hint: "Codes séparés par des virgules, si la formation ne couvre qu’une partie du titre.", Value: v.TrainingCCPs, Max: maxCodesLen},
	}
	p.VAE = []*input{
		{ID: "date-recevabilite", Name: "decision_date", Label: "Date de la décision de recevabilité", Hint: "Elle est valable un an (règle R25).", Type: "date", Value: v.DecisionDate},
		{ID: "autorite-recevabilite", Name: "decided_by", Label: "Autorité qui a décidé (facultatif)", Hint: "Par exemple « DREETS Auvergne-Rhône-Alpes ».", Value: v.DecidedBy, Max: maxDecidedByLen},
		{ID: "reference-recevabilite", Name: "reference", Label: "Référence de la décision (facultatif)", Value: v.Reference, Max: maxReferenceLen},
	}
	var all []*input
	var order []string
	for _, group := range [][]*input{p.Identity, p.Contact, p.Address, nil, p.Training, p.VAE} {
		if group == nil {
			order = append(order, p.Route.ID)
		}
		for _, in := range group {
			all, order = append(all, in), append(order, in.ID)
		}
	}
	errs.inOrder(order)
	errs.setErrors(all, p.Route)
}

// recordInput maps a field of the API's candidate to the form's input.
func recordInput(apiField string) string {
	f := strings.TrimPrefix(apiField, "candidate.")
	switch {
	case strings.HasPrefix(f, "given_names"):
		return "prenoms"
	case strings.HasPrefix(f, "training.ccp_codes"):
		return "ccp-formation"
	case strings.HasPrefix(f, "postal_address.lines"):
		for i, id := range []string{"adresse-1", "adresse-2", "adresse-3", "adresse-4"} {
			if strings.HasPrefix(f, "postal_address.lines["+string(rune('0'+i))+"]") {
				return id
			}
		}
		return "adresse-1"
	}
	return map[string]string{
		"birth_name":                      "nom-naissance",
		"usage_name":                      "nom-usage",
		"birth_date":                      "date-naissance",
		"birth_place":                     "commune-naissance",
		"birth_place.commune":             "commune-naissance",
		"birth_place.country_code":        "pays-naissance",
		"email":                           "courriel",
		"phone":                           "telephone",
		"postal_address":                  "adresse-1",
		"postal_address.postal_code":      "code-postal",
		"postal_address.locality":         "localite",
		"postal_address.country_code":     "pays-adresse",
		"access_route":                    "voie-formation",
		"training":                        "organisme",
		"training.organisation":           "organisme",
		"training.organisation_siret":     "siret",
		"training.start_date":             "debut-formation",
		"training.end_date":               "fin-formation",
		"training.title_id":               "titre-formation",
		"vae_admissibility":               "date-recevabilite",
		"vae_admissibility.decision_date": "date-recevabilite",
		"vae_admissibility.decided_by":    "autorite-recevabilite",
		"vae_admissibility.reference":     "reference-recevabilite",
	}[f]
}

// valuesOfCandidate is the form of a stored record.
func valuesOfCandidate(c *candidatev1.Candidate) recordValues {
	v := recordValues{
		BirthName: c.GetBirthName(), UsageName: c.GetUsageName(), GivenNames: strings.Join(c.GetGivenNames(), ", "),
		BirthDate: c.GetBirthDate(), BirthCommune: c.GetBirthPlace().GetCommune(), BirthCountry: c.GetBirthPlace().GetCountryCode(),
		Email: c.GetEmail(), Phone: c.GetPhone(),
		PostalCode: c.GetPostalAddress().GetPostalCode(), Locality: c.GetPostalAddress().GetLocality(),
		AddressCountry: c.GetPostalAddress().GetCountryCode(),
		Organisation:   c.GetTraining().GetOrganisation(), SIRET: c.GetTraining().GetOrganisationSiret(),
		TrainingStart: c.GetTraining().GetStartDate(), TrainingEnd: c.GetTraining().GetEndDate(),
		TrainingTitle: c.GetTraining().GetTitleId(), TrainingCCPs: strings.Join(c.GetTraining().GetCcpCodes(), ", "),
		DecisionDate: c.GetVaeAdmissibility().GetDecisionDate(), DecidedBy: c.GetVaeAdmissibility().GetDecidedBy(),
		Reference: c.GetVaeAdmissibility().GetReference(),
	}
	copy(v.Address[:], c.GetPostalAddress().GetLines())
	if c.GetPostalAddress() == nil {
		v.AddressCountry = "FR"
	}
	v.Route = strings.TrimPrefix(c.GetAccessRoute().String(), "ACCESS_ROUTE_")
	if v.Route == "UNSPECIFIED" {
		v.Route = ""
	}
	return v
}

// valuesOfRequest reads the posted form, each value cut to its bound.
func valuesOfRequest(r *http.Request) recordValues {
	v := recordValues{
		BirthName: formValue(r, "birth_name", maxNameLen), UsageName: formValue(r, "usage_name", maxNameLen),
		GivenNames: formValue(r, "given_names", maxGivenNamesLen), BirthDate: dateInput(formValue(r, "birth_date", 10)),
		BirthCommune: formValue(r, "birth_commune", maxCommuneLen), BirthCountry: strings.ToUpper(formValue(r, "birth_country", 2)),
		Email: formValue(r, "email", maxEmailLen), Phone: strings.ReplaceAll(formValue(r, "phone", maxPhoneLen), " ", ""),
		PostalCode: formValue(r, "postal_code", maxPostalCodeLen), Locality: formValue(r, "locality", maxLocalityLen),
		AddressCountry: strings.ToUpper(formValue(r, "address_country", 2)),
		Route:          formValue(r, "access_route", 20),
		Organisation:   formValue(r, "organisation", maxOrgLen), SIRET: strings.ReplaceAll(formValue(r, "siret", 17), " ", ""),
		TrainingStart: dateInput(formValue(r, "training_start", 10)), TrainingEnd: dateInput(formValue(r, "training_end", 10)),
		TrainingTitle: strings.ToUpper(formValue(r, "training_title", maxCodeLen)), TrainingCCPs: strings.ToUpper(formValue(r, "training_ccps", maxCodesLen)),
		DecisionDate: dateInput(formValue(r, "decision_date", 10)), DecidedBy: formValue(r, "decided_by", maxDecidedByLen),
		Reference: formValue(r, "reference", maxReferenceLen),
	}
	for i := range v.Address {
		v.Address[i] = formValue(r, "address_"+string(rune('1'+i)), maxAddressLineLen)
	}
	return v
}

// candidate is the record the form describes. Only the evidence of the
// chosen route is sent (the service refuses the other); an address left
// empty is no address.
func (v recordValues) candidate() *candidatev1.Candidate {
	c := &candidatev1.Candidate{
		BirthName: v.BirthName, UsageName: v.UsageName, BirthDate: v.BirthDate,
		BirthPlace: &candidatev1.BirthPlace{Commune: v.BirthCommune, CountryCode: v.BirthCountry},
		Email:      v.Email, Phone: v.Phone,
		AccessRoute: commonv1.AccessRoute(commonv1.AccessRoute_value["ACCESS_ROUTE_"+v.Route]),
	}
	for _, g := range strings.Split(v.GivenNames, ",") {
		if g = strings.TrimSpace(g); g != "" {
			c.GivenNames = append(c.GivenNames, g)
		}
	}
	var lines []string
	for _, l := range v.Address {
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) > 0 || v.PostalCode != "" || v.Locality != "" {
		c.PostalAddress = &commonv1.PostalAddress{Lines: lines, PostalCode: v.PostalCode, Locality: v.Locality, CountryCode: v.AddressCountry}
	}
	switch c.GetAccessRoute() {
	case commonv1.AccessRoute_ACCESS_ROUTE_TRAINING, commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP:
		c.Training = &candidatev1.TrainingEnrolment{Organisation: v.Organisation, OrganisationSiret: v.SIRET,
			StartDate: v.TrainingStart, EndDate: v.TrainingEnd, TitleId: v.TrainingTitle, CcpCodes: codeList(v.TrainingCCPs)}
	case commonv1.AccessRoute_ACCESS_ROUTE_VAE:
		c.VaeAdmissibility = &candidatev1.VaeAdmissibility{DecisionDate: v.DecisionDate, DecidedBy: v.DecidedBy, Reference: v.Reference}
	}
	return c
}

// dateInput returns a date typed as "JJ/MM/AAAA" (a browser without a
// date picker) as "AAAA-MM-JJ", the API's form; anything else unchanged,
// for the service to judge.
func dateInput(s string) string {
	if d, err := time.Parse("02/01/2006", s); err == nil {
		return d.Format(time.DateOnly)
	}
	return s
}

// codeList splits codes typed separated by commas or spaces.
func codeList(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		out = append(out, c)
	}
	return out
}
