package web

import (
	"net/http"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// The centre's sessions: the list, and the page of one session, from which
// the centre opens it.

const (
	// centreSessionsPageSize is the number of sessions per page of the list.
	centreSessionsPageSize = 20
	// centreMaxPageToken bounds a page token sent back in a URL; the services'
	// tokens are far shorter.
	centreMaxPageToken = 2048
)

// centreSessionsData is the list page's data.
type centreSessionsData struct {
	Sessions []centreSession
	Next     string // the next page's token, "" on the last page
	Paged    bool   // this is not the first page
}

// centreHome (GET /centre) is the centre's space: its sessions.
func (a *App) centreHome(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/centre/sessions", http.StatusSeeOther)
}

// centreSessions (GET /centre/sessions) lists the centre's sessions,
// oldest first, a page at a time.
func (a *App) centreSessions(w http.ResponseWriter, r *http.Request) {
	token := r.URL.Query().Get("page")
	if len(token) > centreMaxPageToken {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.assessment.ListSessions(ctx, &assessmentv1.ListSessionsRequest{PageSize: centreSessionsPageSize, PageToken: token})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	// Title labels from the catalogue; the list stands without them.
	titles, err := a.centreCatalogue(ctx)
	if err != nil {
		a.log.WarnContext(r.Context(), "web: catalogue for the sessions list", "err", err)
	}
	labels := map[string]string{}
	for _, t := range titles {
		labels[t.GetId()+"|"+t.GetVersion()] = t.GetLabel()
	}
	data := centreSessionsData{Next: resp.GetNextPageToken(), Paged: token != ""}
	for _, s := range resp.GetSessions() {
		v := newCentreSession(s, nil)
		v.TitleLabel = labels[s.GetTitleId()+"|"+s.GetTitleVersion()]
		data.Sessions = append(data.Sessions, v)
	}
	a.render(w, r, http.StatusOK, "centre_sessions", Page{Title: "Sessions du centre", Data: data})
}

// centreSessionData is the session page's data.
type centreSessionData struct {
	Session   centreSession
	Nav       centreNav
	Dossiers  int // candidacies whose dossier is attached (R34)
	Refusal   *centreRefusal
	Opened    bool // the session was opened just now
	Planned   bool // just planned
	JuryReady bool // at least two jurors (R19)
	Postponed bool // postponed just now
	Cancelled bool // cancelled just now
	// Postponable and Cancellable offer the forms: planned, or opened with
	// a jury below two members (postpone, R19) or before any deliberation
	// (cancel); the service decides.
	Postponable, Cancellable bool
	Postpone                 centrePostponeForm
	CancelReason             string
	// Fraud is the section of the fraud reports, which the responsable de
	// session files for the centre (R57, juror_fraud.go), once the session
	// is opened; FraudSent when the page answers its form.
	Fraud     jurorFraudData
	FraudSent bool
}

// centrePostponeForm is the postponement form, as typed.
type centrePostponeForm struct {
	Start, End, Deadline, Reason string
}

// centreSessionPage (GET /centre/sessions/{id}) shows a session, what is
// still missing before it can open, and the way to its jury, its
// candidacies and, once opened, its board.
func (a *App) centreSessionPage(w http.ResponseWriter, r *http.Request) {
	a.centreShowSession(w, r, http.StatusOK, nil)
}

func (a *App) centreShowSession(w http.ResponseWriter, r *http.Request, status int, refusal *centreRefusal) {
	a.centreShowSessionForms(w, r, status, refusal, nil, nil, "", nil)
}

// centreFraudForm is the fraud report form of the session page as sent,
// with the service's refusal.
type centreFraudForm struct {
	form    jurorFraudForm
	refusal *centreRefusal
}

// centreShowSessionForms renders the session page with the postponement
// and cancellation forms as typed (nil: empty) and their field errors.
func (a *App) centreShowSessionForms(w http.ResponseWriter, r *http.Request, status int, refusal *centreRefusal, errs []Field,
	postpone *centrePostponeForm, cancelReason string, fraud *centreFraudForm,
) {
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
	candidacies, err := a.centreCandidaciesOf(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := newCentreSession(s, t)
	data := centreSessionData{
		Session: v, Nav: newCentreNav(v, "session"), Refusal: refusal,
		Opened:       r.URL.Query().Get("ouverte") == "1" && v.Opened,
		Planned:      r.URL.Query().Get("planifiee") == "1",
		JuryReady:    v.Jurors >= 2,
		Postponed:    r.URL.Query().Get("reportee") == "1",
		Cancelled:    r.URL.Query().Get("annulee") == "1" && v.Cancelled,
		Postponable:  v.Planned || (v.InProgress && v.Jurors < 2),
		Cancellable:  v.Planned || v.InProgress,
		CancelReason: cancelReason,
	}
	if postpone != nil {
		data.Postpone = *postpone
	}
	var rows []juryCandidacyRow
	for _, c := range candidacies {
		if c.GetDossierSnapshotId() != "" {
			data.Dossiers++
		}
		if c.GetWithdrawal() == nil {
			rows = append(rows, juryCandidacyRow{ID: c.GetId(), Name: c.GetCandidateName()})
		}
	}
	if v.Opened {
		var form *jurorFraudForm
		var fraudRefusal *centreRefusal
		if fraud != nil {
			form, fraudRefusal, data.FraudSent = &fraud.form, fraud.refusal, true
		}
		data.Fraud = a.jurorFraud(ctx, r, s, rows, "/centre/sessions/"+id+"/fraude", form, fraudRefusal)
	}
	a.render(w, r, status, "centre_session", Page{Title: v.Type + " du " + CivilDateFR(v.Start), Errors: errs, Data: data})
}

// centreSessionAction (POST /centre/sessions/{id}) opens the session
// (action "ouvrir"), guarded by the etag of the page the centre read: a
// session changed since (another tab added a juror) is not opened blind.
func (a *App) centreSessionAction(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	etag := r.PostFormValue("etag")
	if len(etag) > 256 {
		etag = "" // not one of ours; the service would refuse it too
	}
	switch r.PostFormValue("action") {
	case "ouvrir":
	case "reporter":
		a.centrePostpone(w, r, id, etag)
		return
	case "annuler":
		a.centreCancel(w, r, id, etag)
		return
	default:
		a.renderError(w, r, http.StatusBadRequest, errorPage{Title: "Demande incomprise",
			Detail: "Cette action n’existe pas sur cette page. Revenez à la page de la session."})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: id, Etag: etag})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"?ouverte=1", http.StatusSeeOther)
		return
	}
	ref, _, status, ok := centreRefusalOf(err, nil, centreOpenHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	if centreReason(err) == "SESSION_VERSION_CONFLICT" {
		ref.Reload = "/centre/sessions/" + id
	}
	a.centreShowSession(w, r, status, ref)
}

// centreOpenHint explains the refusals of an opening.
func centreOpenHint(reason string, _ map[string]string) string {
	switch reason {
	case "JURY_TOO_SMALL":
		return "Un jury compte au moins deux membres habilités pour le titre de la session (règle R19). Ajoutez les jurés manquants depuis la page « Jury », puis ouvrez la session."
	case "SESSION_WITHOUT_CANDIDACY":
		return "Une session s’ouvre avec au moins un candidat inscrit. Inscrivez les candidats depuis la page « Candidatures et dossiers »."
	case "SESSION_VERSION_CONFLICT":
		return "La session a changé depuis que cette page a été affichée (un juré ou un candidat ajouté depuis un autre onglet, par exemple). Rechargez la page, vérifiez la session, puis ouvrez-la de nouveau."
	case "SESSION_NOT_PLANNED":
		return "La session est déjà ouverte : son jury et ses candidatures ne changent plus."
	}
	return ""
}

// centreReportFraud (POST /centre/sessions/{id}/fraude) files, for the
// responsable de session, the fraud report the form sends (R57).
func (a *App) centreReportFraud(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	form, errs, ok, err := a.reportFraud(r, id)
	show := func(status int, errs []Field, refusal *centreRefusal) {
		a.centreShowSessionForms(w, r, status, nil, errs, nil, "", &centreFraudForm{form: form, refusal: refusal})
	}
	switch {
	case !ok:
		a.notFound(w, r)
	case errs == nil && err == nil:
		http.Redirect(w, r, "/centre/sessions/"+id+"?fraude=signalee#fraude", http.StatusSeeOther)
	case err == nil:
		show(http.StatusUnprocessableEntity, errs, nil)
	default:
		ref, errs, code, shown := centreRefusalOf(err, fraudFormFields, nil)
		if !shown {
			a.fail(w, r, err)
			return
		}
		show(code, errs, ref)
	}
}
