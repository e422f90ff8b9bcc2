package web

import (
	"net/http"
	"strconv"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// The candidate's space (GET /candidat): where the person stands in each
// step of their path, with the way to the next one.

// spacePage is the candidate's space.
type spacePage struct {
	Notice    *alert
	Candidate *candidatev1.Candidate
	Name      string
	Route     string
	Steps     []step
	// Sanctions are the DREETS's sanctions against the person (R58),
	// oldest first; Ban the ban in force today, the one ending last.
	Sanctions []sanctionView
	Ban       *sanctionView
}

// step is one step of the path.
type step struct {
	Title, Text string
	Status      string // "fait", "en-cours", "a-faire"
	StatusLabel string
	Href, Link  string
}

// candidateSpace (GET /candidat) shows the steps.
func (a *App) candidateSpace(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	me, err := a.myCandidate(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	p := spacePage{Notice: noticeOf(r), Candidate: me}
	if me == nil {
		p.Steps = []step{
			{Title: "Ma fiche candidat", Text: "Votre état civil, vos coordonnées et votre voie d’accès au titre.", Status: "a-faire", StatusLabel: "À faire", Href: recordPath, Link: "Créer ma fiche candidat"},
			{Title: "Mon dossier professionnel", Text: "Il se rédige une fois la fiche créée.", Status: "a-faire", StatusLabel: "À faire"},
		}
		a.render(w, r, http.StatusOK, "candidate_space", Page{Title: "Mon espace candidat", Data: p})
		return
	}
	p.Name, p.Route = fullName(me), accessRouteLabel(me.GetAccessRoute())
	// A decision against the person: they read it here, a ban in force
	// first of all, since no centre can register them during it.
	if p.Sanctions, err = a.sanctionsOf(ctx, me.GetId()); err != nil {
		a.fail(w, r, err)
		return
	}
	for i, s := range p.Sanctions {
		if s.InForce && (p.Ban == nil || s.EndsOn > p.Ban.EndsOn) {
			p.Ban = &p.Sanctions[i]
		}
	}
	p.Steps = append(p.Steps, step{Title: "Ma fiche candidat", Status: "fait", StatusLabel: "Créée",
		Text: "Modifiée le " + DateTimeFR(me.GetUpdateTime().AsTime()) + ".", Href: recordPath, Link: "Voir ou modifier ma fiche"})

	dossiers, err := a.svc.portfolio.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{CandidateId: me.GetId(), PageSize: 20})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ds := step{Title: "Mon dossier professionnel", Href: dossiersPath}
	switch n := len(dossiers.GetDossiers()); n {
	case 0:
		ds.Status, ds.StatusLabel, ds.Text, ds.Link = "a-faire", "À commencer", "Choisissez le titre visé, puis décrivez vos exemples de pratique professionnelle.", "Commencer mon dossier"
	default:
		d := dossiers.GetDossiers()[0]
		ds.Status, ds.StatusLabel, ds.Link = "en-cours", "Commencé", "Continuer mon dossier"
		ds.Text = d.GetCover().GetTitleLabel() + " : " + plural(len(d.GetExamples()), "exemple", "exemples") + ", " +
			plural(len(d.GetDocuments()), "document", "documents") + "."
		if n > 1 {
			ds.Text = strconv.Itoa(n) + " dossiers, pour des titres différents."
		}
	}
	p.Steps = append(p.Steps, ds)

	sessions, err := a.svc.assessment.ListSessions(ctx, &assessmentv1.ListSessionsRequest{PageSize: 20})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ss := step{Title: "Mes sessions d’examen", Href: sessionsPath, Link: "Voir mes sessions"}
	if n := len(sessions.GetSessions()); n == 0 {
		ss.Status, ss.StatusLabel, ss.Text = "a-faire", "En attente", "Votre centre d’examen vous inscrit à une session ; donnez-lui l’identifiant de votre fiche ci-dessus."
	} else {
		ss.Status, ss.StatusLabel = "en-cours", "Inscrit(e)"
		ss.Text = "Inscrit(e) à " + plural(n, "session", "sessions") + ". Déposez votre dossier pour chacune."
		if sessions.GetNextPageToken() != "" {
			ss.Text = "Inscrit(e) à plus de " + strconv.Itoa(n) + " sessions."
		}
	}
	p.Steps = append(p.Steps, ss)

	certs, err := a.svc.certification.ListCertificates(ctx, &certificationv1.ListCertificatesRequest{PageSize: 20})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	rs := step{Title: "Mes résultats et certificats", Href: resultsPath, Link: "Voir mes résultats"}
	if n := len(certs.GetCertificates()); n == 0 {
		rs.Status, rs.StatusLabel, rs.Text = "a-faire", "À venir", "Les résultats s’affichent une fois le procès-verbal du jury validé par le ministère."
	} else {
		rs.Status, rs.StatusLabel, rs.Text = "fait", "Disponibles", plural(n, "certificat délivré", "certificats délivrés")+"."
	}
	p.Steps = append(p.Steps, rs)
	a.render(w, r, http.StatusOK, "candidate_space", Page{Title: "Mon espace candidat", Data: p})
}

// plural is "n word" with the word's form for n, French style: 0 and 1
// take the singular.
func plural(n int, one, many string) string {
	if n > 1 {
		return IntFR(int64(n)) + " " + many
	}
	return strconv.Itoa(n) + " " + one
}
