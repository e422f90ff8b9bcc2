package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// juryMaxGridBody bounds the body of a grid sent by script (the gateway
// bounds every body of the web application to 1 MiB too).
const juryMaxGridBody = 1 << 20

// juryGridData is the grid page.
type juryGridData struct {
	Nav    juryCandidacyNav
	Crumbs juryCrumbs
	Name   string
	Grid   *juryGrid
	Action string // the grid's address: the form posts (and the script patches) here
	Locked string // why the grid cannot change now, "" when it can
	Saved  bool   // the grid was just saved (the form, without script)
	Stale  *juryRefusal
}

// jurorGrid (GET …/grille) shows the user's grid for the candidacy.
func (a *App) jurorGrid(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	ev, err := a.svc.assessment.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{
		SessionId: jc.session.GetId(), CandidacyId: jc.candidacy.GetId(), JurorSubject: "me"})
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	data := a.gridData(r, jc)
	data.Grid.fill(ev.GetEvaluation())
	data.Saved = r.URL.Query().Get("enregistre") == "1"
	a.render(w, r, http.StatusOK, "juror_grid", Page{Title: "Grille d’évaluation — " + data.Name, Data: data})
}

func (a *App) gridData(r *http.Request, jc *juryCase) juryGridData {
	nav, crumbs := juryCandidacyPages(jc.session, jc.candidacy, "grille")
	return juryGridData{Nav: nav, Crumbs: crumbs, Name: jc.candidacy.GetCandidateName(), Grid: juryGridFor(jc),
		Action: r.URL.Path, Locked: juryGridLock(jc)}
}

// juryGridLock says why the grid cannot change, as the service would
// refuse it; "" when it can.
func juryGridLock(jc *juryCase) string {
	switch {
	case jc.candidacy.GetDeliberation() != nil:
		return "Le jury a délibéré sur cette candidature : les grilles sont verrouillées."
	case jc.session.GetState() == assessmentv1.SessionState_SESSION_STATE_PLANNED:
		return "La session n’est pas encore ouverte : vous remplirez la grille quand le centre l’aura ouverte."
	case jc.session.GetState() != assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS:
		return "La session est délibérée : les grilles sont verrouillées."
	}
	return ""
}

// jurorGridSave (POST …/grille) saves the whole grid sent by the form,
// without script, and comes back to the grid.
func (a *App) jurorGridSave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, juryMaxGridBody)
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	data := a.gridData(r, jc)
	title := "Grille d’évaluation — " + data.Name
	if err := r.ParseForm(); err != nil {
		a.renderError(w, r, http.StatusRequestEntityTooLarge, errorPage{Title: "Grille trop volumineuse",
			Detail: "La grille envoyée dépasse la taille permise. Raccourcissez les observations, puis enregistrez à nouveau.",
			Link:   &link{Label: "Revenir à la grille", Href: r.URL.Path}})
		return
	}
	in := data.Grid.read(r.PostForm)
	if len(in.errors) > 0 {
		a.render(w, r, http.StatusUnprocessableEntity, "juror_grid", Page{Title: title, Errors: in.errors, Data: data})
		return
	}
	_, err = a.svc.assessment.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{
		SessionId: jc.session.GetId(), CandidacyId: jc.candidacy.GetId(), JurorSubject: "me",
		Evaluation: &assessmentv1.Evaluation{Etag: in.etag, Items: in.items},
	})
	switch {
	case err == nil:
		http.Redirect(w, r, r.URL.Path+"?enregistre=1", http.StatusSeeOther)
	case status.Code(err) == codes.Aborted:
		// Another save came first (another tab, another device): show what
		// was sent, unsaved, and the way to the current grid. The etag
		// stays the old one, so that sending again cannot overwrite the
		// other change unseen.
		data.Stale = &juryStaleGridRefusal
		a.render(w, r, http.StatusConflict, "juror_grid", Page{Title: title, Data: data})
	case status.Code(err) == codes.InvalidArgument:
		m := jurorMessage(err)
		a.render(w, r, http.StatusUnprocessableEntity, "juror_grid", Page{Title: title, Errors: data.Grid.refused(in, m.Fields), Data: data})
	default:
		a.caseFail(w, r, err)
	}
}

// juryAutosaveReply is the answer to the grid's script.
type juryAutosaveReply struct {
	Etag     string           `json:"etag,omitempty"`
	Status   string           `json:"status"` // for the grid's live region
	Complete bool             `json:"complete"`
	Title    string           `json:"title,omitempty"` // a refusal: what happened
	Detail   string           `json:"detail,omitempty"`
	Rule     string           `json:"rule,omitempty"`
	Reload   string           `json:"reload,omitempty"` // the grid's address, to reload after a conflict
	Fields   []juryReplyField `json:"fields,omitempty"`
}

type juryReplyField struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

// jurorGridAutosave (PATCH …/grille) saves the grid the page's script
// sends on every change, with the etag of the last save, and answers JSON:
// the new etag and the time, or the refusal. A stale etag (another change
// came first) is 409 with the French message and the address to reload.
func (a *App) jurorGridAutosave(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, juryMaxGridBody)
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.juryJSONError(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		juryJSON(w, http.StatusRequestEntityTooLarge, juryAutosaveReply{Title: "Grille trop volumineuse",
			Status: "Non enregistré : la grille dépasse la taille permise.", Detail: "Raccourcissez les observations."})
		return
	}
	g := juryGridFor(jc)
	in := g.read(r.PostForm)
	if len(in.errors) > 0 {
		reply := juryAutosaveReply{Title: "Saisie incorrecte", Status: "Non enregistré : " + in.errors[0].Message}
		for _, f := range in.errors {
			reply.Fields = append(reply.Fields, juryReplyField{ID: f.ID, Message: f.Message})
		}
		juryJSON(w, http.StatusUnprocessableEntity, reply)
		return
	}
	resp, err := a.svc.assessment.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{
		SessionId: jc.session.GetId(), CandidacyId: jc.candidacy.GetId(), JurorSubject: "me",
		Evaluation: &assessmentv1.Evaluation{Etag: in.etag, Items: in.items},
	})
	if err != nil {
		if status.Code(err) == codes.InvalidArgument {
			reply := juryAutosaveReply{Title: "Saisie refusée", Status: "Non enregistré : une valeur est refusée."}
			for _, f := range g.refused(in, jurorMessage(err).Fields) {
				reply.Fields = append(reply.Fields, juryReplyField{ID: f.ID, Message: f.Message})
			}
			juryJSON(w, http.StatusUnprocessableEntity, reply)
			return
		}
		a.juryJSONError(w, r, err)
		return
	}
	ev := resp.GetEvaluation()
	juryJSON(w, http.StatusOK, juryAutosaveReply{
		Etag: ev.GetEtag(), Complete: ev.GetComplete(),
		Status: "Enregistré à " + juryClock(ev.GetUpdateTime().AsTime()) + ". " + juryCompleteness(ev.GetComplete(), ev.GetMissingCompetences()),
	})
}

// juryCompleteness says whether the grid is complete (R49).
func juryCompleteness(complete bool, missing []string) string {
	if complete {
		return "Grille complète : chaque compétence a un verdict."
	}
	return juryPlural(len(missing), "compétence", "compétences") + " sans verdict : " + strings.Join(missing, ", ") + "."
}

// juryJSONError answers the script with a service's refusal in French.
func (a *App) juryJSONError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errJuryNotFound) {
		juryJSON(w, http.StatusNotFound, juryAutosaveReply{Title: "Page introuvable", Status: "Non enregistré : cette grille n’existe pas."})
		return
	}
	st, ok := status.FromError(err)
	if !ok || st.Code() == codes.Internal || st.Code() == codes.Unknown || st.Code() == codes.DataLoss {
		a.log.ErrorContext(r.Context(), "web: request failed", "path", r.URL.Path, "err", err)
	}
	if !ok {
		juryJSON(w, http.StatusInternalServerError, juryAutosaveReply{Title: "Erreur du serveur", Detail: internalErrorDetail, Status: "Non enregistré : erreur du serveur."})
		return
	}
	m := jurorMessage(err)
	reply := juryAutosaveReply{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Status: "Non enregistré : " + m.Title + "."}
	code := runtime.HTTPStatusFromCode(st.Code())
	switch st.Code() {
	case codes.Aborted:
		code, reply.Reload = http.StatusConflict, r.URL.Path
	case codes.Unauthenticated:
		reply.Title, reply.Detail = "Session expirée", "Reconnectez-vous, puis enregistrez la grille avec le bouton « Enregistrer la grille »."
		reply.Reload = "/connexion?" + url.Values{"retour": {r.URL.Path}}.Encode()
		reply.Status = "Non enregistré : votre session a expiré."
	case codes.Internal, codes.Unknown, codes.DataLoss:
		reply = juryAutosaveReply{Title: "Erreur du serveur", Detail: internalErrorDetail, Status: "Non enregistré : erreur du serveur."}
	}
	juryJSON(w, code, reply)
}

func juryJSON(w http.ResponseWriter, code int, v juryAutosaveReply) {
	body, _ := json.Marshal(v)
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(body)
}
