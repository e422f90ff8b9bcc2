package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// Planning a session, in two steps: the title version from the catalogue
// (GET /centre/sessions/nouvelle), then the session itself
// (GET /centre/sessions/nouvelle?titre=TP-00495|2008, sent by POST to the
// same address). The form carries a request id drawn when it is shown, so
// that sending it twice (a double click, a retry after a network error)
// plans one session (AIP-155).

const centrePlanPath = "/centre/sessions/nouvelle"

// centrePlanData is the planning page's data.
type centrePlanData struct {
	Titles  []centreTitleOption    // step 1
	Title   *certificationv1.Title // step 2: the title version chosen
	Key     string                 // its "id|version"
	CCPs    []centreCCPOption      // step 2: the title's CCPs, as checkboxes
	Form    centrePlanForm
	Refusal *centreRefusal
}

type centreTitleOption struct {
	Key, Label string
}

// centreCCPOption is a CCP offered as a checkbox.
type centreCCPOption struct {
	ID, Code, Label string
	Checked         bool
}

// centreCCPOptions returns the CCPs of t as checkboxes "ccp-1", "ccp-2", …,
// those in checked ticked.
func centreCCPOptions(ccps []centreCCP, checked map[string]bool) []centreCCPOption {
	out := make([]centreCCPOption, len(ccps))
	for i, c := range ccps {
		out[i] = centreCCPOption{ID: "ccp-" + strconv.Itoa(i+1), Code: c.Code, Label: c.Label, Checked: checked[c.Code]}
	}
	return out
}

// centrePlanForm is what the form holds, as typed.
type centrePlanForm struct {
	RequestID string
	Type      string // "titre" or "ccp"
	CCPs      map[string]bool
	Site      string
	Start     string
	End       string
	Deadline  string
}

// centrePlanFields ties the API's fields to the form's.
var centrePlanFields = []centreFormField{
	{"session.type", "type-titre"},
	{"session.ccp_codes", "ccp-1"},
	{"session.site", "site"},
	{"session.start_date", "debut"},
	{"session.end_date", "fin"},
	{"session.dossier_deadline", "limite"},
}

// centreTitleKey names a title version in the form and the address.
func centreTitleKey(id, version string) string { return id + "|" + version }

// centrePlan (GET /centre/sessions/nouvelle) shows the step the
// address asks for.
func (a *App) centrePlan(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("titre")
	if key == "" {
		a.centrePlanStep1(w, r, http.StatusOK, nil)
		return
	}
	a.centrePlanStep2(w, r, key, http.StatusOK, centrePlanForm{RequestID: uuid.NewString(), Type: "titre"}, nil, nil)
}

func (a *App) centrePlanStep1(w http.ResponseWriter, r *http.Request, status int, errs []Field) {
	ctx, cancel := callContext(r)
	defer cancel()
	titles, err := a.centreCatalogue(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var data centrePlanData
	for _, t := range titles {
		data.Titles = append(data.Titles, centreTitleOption{
			Key:   centreTitleKey(t.GetId(), t.GetVersion()),
			Label: t.GetId() + " — " + t.GetLabel() + " (version " + t.GetVersion() + ")",
		})
	}
	a.render(w, r, status, "centre_plan", Page{Title: "Planifier une session — choisir le titre", Errors: errs, Data: data})
}

// centrePlanStep2 shows the session form for title version key.
func (a *App) centrePlanStep2(w http.ResponseWriter, r *http.Request, key string, httpStatus int, form centrePlanForm, errs []Field, refusal *centreRefusal) {
	id, version, ok := strings.Cut(key, "|")
	if !ok || id == "" || version == "" || len(key) > 200 {
		a.centrePlanStep1(w, r, http.StatusUnprocessableEntity, []Field{{ID: "titre", Message: "Choisissez un titre du catalogue."}})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: id, Version: version})
	if status.Code(err) == codes.NotFound { // a title or version the catalogue does not hold
		a.centrePlanStep1(w, r, http.StatusUnprocessableEntity, []Field{{ID: "titre", Message: "Ce titre n’est pas au catalogue : choisissez-en un dans la liste."}})
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.render(w, r, httpStatus, "centre_plan", Page{
		Title:  "Planifier une session — " + resp.GetTitle().GetId(),
		Errors: errs,
		Data: centrePlanData{Title: resp.GetTitle(), Key: key, Form: form, Refusal: refusal,
			CCPs: centreCCPOptions(centreTitleCCPs(resp.GetTitle()), form.CCPs)},
	})
}

// centrePlanCreate (POST /centre/sessions/nouvelle) plans the session and
// goes to its page.
func (a *App) centrePlanCreate(w http.ResponseWriter, r *http.Request) {
	key := r.PostFormValue("titre")
	form := centrePlanForm{
		RequestID: r.PostFormValue("request_id"),
		Type:      r.PostFormValue("type"),
		CCPs:      map[string]bool{},
		Site:      strings.TrimSpace(r.PostFormValue("site")),
		Start:     r.PostFormValue("debut"),
		End:       r.PostFormValue("fin"),
		Deadline:  r.PostFormValue("limite"),
	}
	if uuid.Validate(form.RequestID) != nil {
		form.RequestID = uuid.NewString()
	}
	id, version, _ := strings.Cut(key, "|")
	session := &assessmentv1.Session{
		TitleId: id, TitleVersion: version,
		Site: form.Site, StartDate: form.Start, EndDate: form.End, DossierDeadline: form.Deadline,
	}
	var errs []Field
	switch form.Type {
	case "titre":
		session.Type = assessmentv1.SessionType_SESSION_TYPE_TITRE
	case "ccp":
		session.Type = assessmentv1.SessionType_SESSION_TYPE_CCP
		for _, c := range r.PostForm["ccp"] {
			if c != "" && len(c) <= 64 && !form.CCPs[c] && len(form.CCPs) < 64 {
				form.CCPs[c] = true
				session.CcpCodes = append(session.CcpCodes, c)
			}
		}
	default:
		errs = append(errs, Field{ID: "type-titre", Message: "Choisissez le type de session : titre complet ou CCP."})
	}
	if utf8.RuneCountInString(form.Site) > 200 {
		errs = append(errs, Field{ID: "site", Message: "Le site compte au plus 200 caractères."})
	}
	if errs != nil {
		a.centrePlanStep2(w, r, key, http.StatusUnprocessableEntity, form, errs, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.assessment.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: session, RequestId: form.RequestID})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+resp.GetSession().GetId()+"?planifiee=1", http.StatusSeeOther)
		return
	}
	ref, errs, status, ok := centreRefusalOf(err, centrePlanFields, centrePlanHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	if centreReason(err) == "REQUEST_ID_REUSED" {
		// The form was sent before with other values: this is a new request.
		form.RequestID = uuid.NewString()
	}
	a.centrePlanStep2(w, r, key, status, form, errs, ref)
}

// centrePlanHint explains the refusals of a planning.
func centrePlanHint(reason string, _ map[string]string) string {
	switch reason {
	case "TITLE_UNKNOWN":
		return "Cette version du titre vient peut-être d’être publiée : patientez quelques secondes puis envoyez de nouveau le formulaire."
	case "REQUEST_ID_REUSED":
		return "Ce formulaire a déjà servi à planifier une autre session. Vérifiez la liste des sessions ; pour planifier une nouvelle session, envoyez de nouveau ce formulaire."
	}
	return ""
}

// centreTitleCCPs returns the CCPs of t, in order.
func centreTitleCCPs(t *certificationv1.Title) []centreCCP {
	out := make([]centreCCP, 0, len(t.GetCcps()))
	for _, c := range t.GetCcps() {
		out = append(out, centreCCP{Code: c.GetCode(), Label: c.GetLabel()})
	}
	return out
}
