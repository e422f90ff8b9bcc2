package web

import (
	"context"
	"net/http"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// « Déclarer mes liens » (POST /jury/sessions/{session}/liens): on the
// session page, the juror declares their own links with training
// organisations, employers or candidates (R21), while the session is
// planned or in progress. The declaration replaces the list, whatever the
// centre typed when it named the juror; a link with a candidate recuses
// the juror from that candidacy (it leaves their list). The form posts an
// action: "declarer" (send the list), "ligne" (one more row, nothing sent).

// jurorLinksData is the links section of the session page.
type jurorLinksData struct {
	Current    []string // "Employeur : Transports Rhône"
	DeclaredAt string   // when the juror declared them, "" while they are the centre's
	Open       bool     // the session takes a declaration (planned or in progress)
	Rows       []centreLinkRow
	LinkKinds  []centreLinkKind
	Refusal    *centreRefusal
	Done       bool // the declaration was just recorded
}

// jurorLinks reads the user's links on session s for the page; form, when
// not nil, is the form as sent (a declaration refused, or one more row).
func (a *App) jurorLinks(ctx context.Context, r *http.Request, s *assessmentv1.Session, form []centreLinkRow, refusal *centreRefusal) jurorLinksData {
	d := jurorLinksData{LinkKinds: centreLinkKindOptions(), Refusal: refusal, Done: r.URL.Query().Get("liens") == "declares",
		Open: s.GetState() == assessmentv1.SessionState_SESSION_STATE_PLANNED || s.GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS}
	var rows []centreLinkRow
	if jurors, err := a.svc.assessment.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: s.GetId()}); err == nil {
		for _, j := range jurors.GetJurors() {
			if j.GetSubject() != SessionOf(r).Subject {
				continue
			}
			if t := j.GetLinksDeclareTime(); t != nil {
				d.DeclaredAt = DateFR(t.AsTime())
			}
			for _, l := range j.GetDeclaredLinks() {
				d.Current = append(d.Current, centreLinkKindLabel(l.GetKind())+" : "+l.GetValue())
				rows = append(rows, centreLinkRow{N: len(rows) + 1, Kind: jurorLinkKindValue(l.GetKind()), Value: l.GetValue()})
			}
		}
	}
	if form != nil {
		rows = form
	} else {
		rows = centreMoreLinkRows(rows, 1)
	}
	d.Rows = rows
	return d
}

func jurorLinkKindValue(k assessmentv1.LinkKind) string {
	for _, l := range centreLinkKinds {
		if l.Kind == k {
			return l.Value
		}
	}
	return ""
}

// jurorDeclareLinks (POST /jury/sessions/{session}/liens) declares the
// rows the form sent, or adds a row to it.
func (a *App) jurorDeclareLinks(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session")
	if !juryValidID(id) {
		a.notFound(w, r)
		return
	}
	action := r.PostFormValue("action")
	if action != "declarer" && action != "ligne" {
		a.renderError(w, r, http.StatusBadRequest, errorPage{Title: "Demande incomprise",
			Detail: "Cette action n’existe pas sur cette page. Revenez à la page de la session."})
		return
	}
	req := &assessmentv1.DeclareJurorLinksRequest{SessionId: id, JurorSubject: "me"}
	rows, links, fields, errs := parseLinkRows(r, "links")
	req.Links = links
	fields = append(fields, centreFormField{"links", "lien-1-nature"})
	if len(rows) == 0 {
		rows = centreMoreLinkRows(nil, 1)
	}
	switch {
	case action == "ligne":
		a.jurorShowSession(w, r, http.StatusOK, jurorSessionForms{links: centreMoreLinkRows(rows, 1)})
		return
	case errs != nil:
		a.jurorShowSession(w, r, http.StatusUnprocessableEntity, jurorSessionForms{links: rows, errs: errs})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.DeclareJurorLinks(ctx, req)
	if err == nil {
		http.Redirect(w, r, "/jury/sessions/"+id+"?liens=declares#mes-liens", http.StatusSeeOther)
		return
	}
	ref, errs, code, ok := centreRefusalOf(err, fields, jurorLinksHint)
	if !ok {
		a.jurorFail(w, r, err, &link{Label: "La session", Href: "/jury/sessions/" + id})
		return
	}
	a.jurorShowSession(w, r, code, jurorSessionForms{links: rows, errs: errs, linksRefusal: ref})
}

// jurorLinksHint explains the refusals of a declaration in the page's terms.
func jurorLinksHint(reason string, _ map[string]string) string {
	switch reason {
	case "JUROR_LINK_AFTER_DELIBERATION":
		return "Un de ces liens concerne un candidat sur lequel le jury a déjà délibéré avec vous (ou n’en concerne plus un dont vous vous étiez écarté) : la décision demeure. Signalez-le au centre d’examen et à la DREETS, qui peut renvoyer le procès-verbal (règle R51)."
	case "JUROR_LINKS_LOCKED":
		return "Toutes les candidatures de la session sont délibérées : vos liens ne peuvent plus changer. Signalez tout lien au centre d’examen."
	}
	return ""
}
