package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The jury of a session (GET /centre/sessions/{id}/jury): its members, and
// while the session is planned, a form to add a juror chosen in the juror
// register of the DREETS (the habilitations for the session's title
// covering the whole session, R16) with the links they declare (R21), and
// a button to withdraw each one. Once the session is opened and until it
// is deliberated, a juror absent on the day is declared absent with a
// reason ("motif") and a replacement is added with the same form. The form
// posts to the same address with an action: "ajouter" (add the juror),
// "ligne" (one more row of links, nothing sent to the service), "retirer"
// (withdraw the juror named by "jure").

const (
	// centreJuryLinkRows is the number of empty link rows the form offers.
	centreJuryLinkRows = 2
	// centreMaxLinkRows is the service's bound on declared links (jury.maxLinks).
	centreMaxLinkRows = 50
)

// centreJuryData is the jury page's data.
type centreJuryData struct {
	Session   centreSession
	Nav       centreNav
	Jurors    []centreJuror
	Register  []centreRegisterEntry // the jurors the centre may choose
	Form      centreJurorForm
	LinkKinds []centreLinkKind
	Refusal   *centreRefusal
	Done      string // what the last action did, for the confirmation
}

// centreRegisterEntry is a habilitation of the juror register covering the
// session, as the choice of a juror shows it.
type centreRegisterEntry struct {
	Number, Name, Subject string
	ValidTo               string
	Trainer               bool
}

// centreMaxRegister bounds the jurors a jury page offers: one page of the
// register.
const centreMaxRegister = 500

// centreJuror is a member of the jury as the table shows them.
type centreJuror struct {
	Subject, Name       string
	HabNumber, HabTitle string
	HabFrom, HabTo      string
	Links               []string // "Employeur : Transports Rhône"
	Assigned            time.Time
	LinksDeclared       time.Time // when the juror declared their links themselves (R21); zero: the centre's
}

// centreJurorForm is the add form, as sent: the habilitation chosen in the
// register and the declared links.
type centreJurorForm struct {
	HabNumber string
	Links     []centreLinkRow
}

// centreLinkRow is one row of declared links.
type centreLinkRow struct {
	N           int    // from 1: the ids lien-N-nature, lien-N-valeur
	Kind, Value string // the form's values
}

// centreLinkKind is an option of the kind select.
type centreLinkKind struct{ Value, Label string }

func centreLinkKindOptions() []centreLinkKind {
	out := []centreLinkKind{{"", "Aucun lien"}}
	for _, k := range centreLinkKinds {
		out = append(out, centreLinkKind{k.Value, k.Label})
	}
	return out
}

// centreMoreLinkRows returns rows followed by more empty rows, within
// centreMaxLinkRows rows in all.
func centreMoreLinkRows(rows []centreLinkRow, more int) []centreLinkRow {
	for i := 0; i < more && len(rows) < centreMaxLinkRows; i++ {
		rows = append(rows, centreLinkRow{N: len(rows) + 1})
	}
	return rows
}

// centreJury (GET /centre/sessions/{id}/jury) shows the jury.
func (a *App) centreJury(w http.ResponseWriter, r *http.Request) {
	a.centreShowJury(w, r, http.StatusOK, nil, nil, nil)
}

// centreShowJury renders the page; form nil is an empty add form.
func (a *App) centreShowJury(w http.ResponseWriter, r *http.Request, status int, form *centreJurorForm, errs []Field, refusal *centreRefusal) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	s, t, err := a.centreLoadSession(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	jurors, err := a.svc.assessment.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: id})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := newCentreSession(s, t)
	data := centreJuryData{Session: v, Nav: newCentreNav(v, "jury"), LinkKinds: centreLinkKindOptions(), Refusal: refusal}
	switch r.URL.Query().Get("fait") {
	case "ajoute":
		data.Done = "Le juré a été ajouté au jury."
	case "retire":
		data.Done = "Le juré a été retiré du jury."
		if v.InProgress {
			data.Done = "Le juré a été déclaré absent : ses évaluations ne comptent plus. Ajoutez un juré suppléant si le jury compte moins de deux jurés sans lien avec chaque candidat (règle R19)."
		}
	}
	for _, j := range jurors.GetJurors() {
		cj := centreJuror{
			Subject: j.GetSubject(), Name: j.GetDisplayName(),
			HabNumber: j.GetHabilitation().GetNumber(), HabTitle: j.GetHabilitation().GetTitleId(),
			HabFrom: j.GetHabilitation().GetValidFrom(), HabTo: j.GetHabilitation().GetValidTo(),
			Assigned: j.GetAssignTime().AsTime(),
		}
		if t := j.GetLinksDeclareTime(); t != nil {
			cj.LinksDeclared = t.AsTime()
		}
		for _, l := range j.GetDeclaredLinks() {
			cj.Links = append(cj.Links, centreLinkKindLabel(l.GetKind())+" : "+l.GetValue())
		}
		data.Jurors = append(data.Jurors, cj)
	}
	if v.Planned {
		seated := map[string]bool{}
		for _, j := range data.Jurors {
			seated[j.Subject] = true
		}
		reg, err := a.svc.certification.ListHabilitations(ctx, &certificationv1.ListHabilitationsRequest{
			TitleId: s.GetTitleId(), ValidFrom: s.GetStartDate(), ValidTo: s.GetEndDate(), PageSize: centreMaxRegister})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		ccpSession := s.GetType() == assessmentv1.SessionType_SESSION_TYPE_CCP
		for _, h := range reg.GetHabilitations() {
			// A trainer does not sit in a CCP session (R20): not offered.
			if !seated[h.GetJurorSubject()] && !(ccpSession && h.GetTrainer()) {
				data.Register = append(data.Register, centreRegisterEntry{Number: h.GetNumber(), Name: h.GetJurorName(),
					Subject: h.GetJurorSubject(), ValidTo: h.GetValidTo(), Trainer: h.GetTrainer()})
			}
		}
	}
	if form == nil {
		form = &centreJurorForm{Links: centreMoreLinkRows(nil, centreJuryLinkRows)}
	}
	data.Form = *form
	a.render(w, r, status, "centre_jury", Page{Title: "Jury — " + v.Type + " du " + CivilDateFR(v.Start), Errors: errs, Data: data})
}

// centreJuryAction (POST /centre/sessions/{id}/jury) adds or withdraws a
// juror, or adds a row of links to the form.
func (a *App) centreJuryAction(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	switch r.PostFormValue("action") {
	case "retirer":
		a.centreRemoveJuror(w, r, id)
	case "ajouter", "ligne":
		a.centreAddJuror(w, r, id)
	default:
		a.renderError(w, r, http.StatusBadRequest, errorPage{Title: "Demande incomprise",
			Detail: "Cette action n’existe pas sur cette page. Revenez à la page du jury."})
	}
}

func (a *App) centreRemoveJuror(w http.ResponseWriter, r *http.Request, id string) {
	subject := r.PostFormValue("jure")
	if subject == "" || len(subject) > 1024 {
		a.centreShowJury(w, r, http.StatusUnprocessableEntity, nil, nil, &centreRefusal{
			Title: "Aucun juré désigné", Detail: "Choisissez le juré à retirer dans le tableau du jury."})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.RemoveJuror(ctx, &assessmentv1.RemoveJurorRequest{SessionId: id, JurorSubject: subject,
		Reason: strings.TrimSpace(r.PostFormValue("motif"))})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"/jury?fait=retire", http.StatusSeeOther)
		return
	}
	ref, _, status, ok := centreRefusalOf(err, nil, centreWithdrawHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	a.centreShowJury(w, r, status, nil, nil, ref)
}

// centreWithdrawHint explains the refusals of a juror's withdrawal: once
// the session is opened, the reason of the absence is required.
func centreWithdrawHint(reason string, meta map[string]string) string {
	if reason == "INVALID_ARGUMENT" {
		return "Pour déclarer un juré absent, indiquez le motif de son absence : il accompagne le retrait du jury."
	}
	return centreJuryHint(reason, meta)
}

func (a *App) centreAddJuror(w http.ResponseWriter, r *http.Request, id string) {
	form := centreJurorForm{HabNumber: strings.TrimSpace(r.PostFormValue("hab-numero"))}
	juror := &assessmentv1.Juror{Habilitation: &assessmentv1.Habilitation{Number: form.HabNumber}}
	// The rows of links: each row the form sent, in order (at most
	// centreMaxLinkRows); those with a kind or a value are declared.
	fields := []centreFormField{{"juror.subject", "hab-numero"}, {"juror.habilitation.number", "hab-numero"}}
	var errs []Field
	if form.HabNumber == "" && r.PostFormValue("action") == "ajouter" {
		errs = append(errs, Field{ID: "hab-numero", Message: "Choisissez un juré dans le registre des jurés habilités."})
	}
	var linkFields []centreFormField
	var linkErrs []Field
	form.Links, juror.DeclaredLinks, linkFields, linkErrs = parseLinkRows(r, "juror.declared_links")
	fields = append(fields, linkFields...)
	errs = append(errs, linkErrs...)
	fields = append(fields, centreFormField{"juror.declared_links", "lien-1-nature"})
	if r.PostFormValue("action") == "ligne" {
		form.Links = centreMoreLinkRows(form.Links, 1)
		a.centreShowJury(w, r, http.StatusOK, &form, nil, nil)
		return
	}
	if len(form.Links) == 0 {
		form.Links = centreMoreLinkRows(nil, centreJuryLinkRows)
	}
	if errs != nil {
		a.centreShowJury(w, r, http.StatusUnprocessableEntity, &form, errs, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	// The juror is the one the register names under the number chosen.
	h, err := a.svc.certification.GetHabilitation(ctx, &certificationv1.GetHabilitationRequest{HabilitationNumber: form.HabNumber})
	if err == nil {
		juror.Subject = h.GetHabilitation().GetJurorSubject()
		_, err = a.svc.assessment.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: id, Juror: juror})
	}
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"/jury?fait=ajoute", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, fields, a.centreJuryHintFor(ctx, id))
	if !ok {
		a.fail(w, r, err)
		return
	}
	a.centreShowJury(w, r, status, &form, errs, ref)
}

// centreJuryHintFor is centreJuryHint with the session's facts: its title
// and dates for R16, the candidate a declared link concerns for R21.
func (a *App) centreJuryHintFor(ctx context.Context, id string) centreHint {
	return func(reason string, meta map[string]string) string {
		switch reason {
		case "HABILITATION_NOT_COVERING":
			resp, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: id})
			if err != nil {
				return "L’habilitation doit porter sur le titre de la session et être valable chaque jour de la session (règle R16)."
			}
			s := resp.GetSession()
			return "L’habilitation doit porter sur le titre " + s.GetTitleId() + " et être valable chaque jour de la session, du " +
				CivilDateFR(s.GetStartDate()) + " au " + CivilDateFR(s.GetEndDate()) + " (règle R16) : si l’habilitation ne couvre pas toute la session, ce juré ne peut pas y siéger."
		case "JUROR_CONFLICT_OF_INTEREST":
			who := "un candidat déjà inscrit à la session"
			if c, err := a.svc.assessment.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: id, CandidacyId: meta["candidacy"]}); err == nil && c.GetCandidacy().GetCandidateName() != "" {
				who = c.GetCandidacy().GetCandidateName() + ", déjà inscrit à la session"
			}
			return "Ce juré a déclaré un lien (" + strings.ToLower(centreLinkKindOfName(meta["link_kind"])) + ") avec " + who +
				" : il ne peut pas siéger dans ce jury (règle R21). Choisissez un autre juré, ou corrigez le lien s’il a été saisi par erreur."
		}
		return centreJuryHint(reason, meta)
	}
}

// centreJuryHint explains the refusals of a change of the jury.
func centreJuryHint(reason string, _ map[string]string) string {
	switch reason {
	case "JUROR_ALREADY_ASSIGNED":
		return "Ce juré fait déjà partie du jury, avec d’autres informations. Pour les modifier, retirez-le du jury puis ajoutez-le de nouveau."
	case "SESSION_NOT_PLANNED":
		return "La session est délibérée : son jury ne peut plus changer."
	case "JUROR_NOT_FOUND":
		return "Ce juré ne fait plus partie du jury : il a peut-être été retiré depuis un autre onglet."
	}
	return ""
}

// parseLinkRows reads the rows of declared links a form sent, in order (at
// most centreMaxLinkRows): every row, to show them again; the links of the
// rows with a kind or a value; where each link's field of the API request
// (under field, e.g. "links") is on the form; and a row with a value but no
// kind as a field error.
func parseLinkRows(r *http.Request, field string) (rows []centreLinkRow, links []*assessmentv1.DeclaredLink, fields []centreFormField, errs []Field) {
	for n := 1; n <= centreMaxLinkRows; n++ {
		p := "lien-" + strconv.Itoa(n)
		if !r.PostForm.Has(p + "-nature") {
			break
		}
		row := centreLinkRow{N: n, Kind: r.PostFormValue(p + "-nature"), Value: strings.TrimSpace(r.PostFormValue(p + "-valeur"))}
		rows = append(rows, row)
		if row.Kind == "" && row.Value == "" {
			continue
		}
		kind := assessmentv1.LinkKind_LINK_KIND_UNSPECIFIED
		for _, k := range centreLinkKinds {
			if k.Value == row.Kind {
				kind = k.Kind
			}
		}
		if kind == assessmentv1.LinkKind_LINK_KIND_UNSPECIFIED {
			errs = append(errs, Field{ID: p + "-nature", Message: "Précisez la nature du lien " + strconv.Itoa(n) + ", ou videz sa valeur."})
			continue
		}
		i := field + "[" + strconv.Itoa(len(links)) + "]"
		links = append(links, &assessmentv1.DeclaredLink{Kind: kind, Value: row.Value})
		fields = append(fields,
			centreFormField{i + ".kind", p + "-nature"},
			centreFormField{i + ".value", p + "-valeur"},
			centreFormField{i, p + "-valeur"})
	}
	return rows, links, fields, errs
}
