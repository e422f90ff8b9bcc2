package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// The person's sessions (GET /candidat/sessions): the assessment service
// lists a candidate token the sessions it has a candidacy in
// (ListSessions), and in each only its own candidacy (ListCandidacies),
// without the jury's decision, which reaches the candidate through the
// certification service once the ministry has validated it (R51).

const sessionsPath = candidateHome + "/sessions"

// sessionsPageSize is the number of sessions per page: each costs one
// more call for its candidacy.
const sessionsPageSize = 10

// myCandidacy is one of the person's candidacies and its session.
type myCandidacy struct {
	Session   *assessmentv1.Session
	Candidacy *assessmentv1.Candidacy
}

// myCandidacies returns one page of the person's sessions (page_token
// token, size sessions) with their candidacy, and the next page's token.
func (a *App) myCandidacies(ctx context.Context, token string, size int32) ([]myCandidacy, string, error) {
	sessions, err := a.svc.assessment.ListSessions(ctx, &assessmentv1.ListSessionsRequest{PageSize: size, PageToken: token})
	if err != nil {
		return nil, "", err
	}
	out := make([]myCandidacy, 0, len(sessions.GetSessions()))
	for _, s := range sessions.GetSessions() {
		cs, err := a.svc.assessment.ListCandidacies(ctx, &assessmentv1.ListCandidaciesRequest{SessionId: s.GetId(), PageSize: 10})
		if err != nil {
			return nil, "", err
		}
		for _, c := range cs.GetCandidacies() {
			out = append(out, myCandidacy{Session: s, Candidacy: c})
		}
	}
	return out, sessions.GetNextPageToken(), nil
}

// sessionsPage is the list of the person's sessions.
type sessionsPage struct {
	Rows      []sessionRow
	NextPage  string
	Withdrawn bool // a candidacy was just withdrawn
}

type sessionRow struct {
	Title, Type, Dates, Site, State, Deadline string
	Scope                                     []string
	Submitted                                 string // when the dossier was submitted, "" if not yet
	ReceiptHref                               string
	SubmitHref, SubmitLabel                   string   // where to submit the dossier, "" when it cannot be
	Decided                                   bool     // the session is past its deliberation
	Withdrawn                                 string   // the candidacy's withdrawal or transfer, "" while in the session
	Adjustments                               []string // the disability adjustments authorised (R46)
	WithdrawAction                            string   // where to withdraw the candidacy, "" when it cannot be
	CandidacyID                               string
}

// mySessions (GET /candidat/sessions) lists the person's sessions.
func (a *App) mySessions(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	token := r.URL.Query().Get("page")
	if len(token) > maxPageToken {
		token = ""
	}
	list, next, err := a.myCandidacies(ctx, token, sessionsPageSize)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	dossiers, err := a.myDossiers(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	titles := titleLabels{a: a, ctx: ctx}
	p := sessionsPage{Withdrawn: r.URL.Query().Get("retrait") == "1"}
	if next != "" {
		p.NextPage = sessionsPath + "?page=" + url.QueryEscape(next)
	}
	for _, mc := range list {
		s, c := mc.Session, mc.Candidacy
		row := sessionRow{
			Title: titles.label(s.GetTitleId(), s.GetTitleVersion()), Type: candidateSessionTypeLabel(s.GetType()),
			Dates: "du " + CivilDateFR(s.GetStartDate()) + " au " + CivilDateFR(s.GetEndDate()), Site: s.GetSite(),
			State: sessionStateLabel(s.GetState()), Deadline: CivilDateFR(cmp.Or(s.GetDossierDeadline(), s.GetStartDate())),
			Scope: c.GetCcpCodes(), CandidacyID: c.GetId(),
			Decided: s.GetState() == assessmentv1.SessionState_SESSION_STATE_DELIBERATED || s.GetState() == assessmentv1.SessionState_SESSION_STATE_CLOSED,
		}
		row.Withdrawn, row.Adjustments = candidacyChangesFR(c)
		if row.Withdrawn != "" {
			row.Decided = true // nothing more to submit
		} else if s.GetState() == assessmentv1.SessionState_SESSION_STATE_PLANNED || s.GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS {
			row.WithdrawAction = sessionsPath + "/" + url.PathEscape(s.GetId()) + "/candidatures/" + url.PathEscape(c.GetId()) + "/retrait"
		}
		d := dossiers[s.GetTitleId()+"|"+s.GetTitleVersion()]
		if c.GetDossierSnapshotId() != "" {
			row.Submitted = DateTimeFR(c.GetDossierSubmitTime().AsTime())
			if d != nil {
				row.ReceiptHref = dossierPath(d.GetId()) + "/depots/" + url.PathEscape(c.GetDossierSnapshotId())
			}
		}
		if !row.Decided {
			if d != nil {
				row.SubmitHref = dossierPath(d.GetId()) + "/depot?candidature=" + url.QueryEscape(s.GetId()+"|"+c.GetId())
				row.SubmitLabel = "Déposer mon dossier pour cette session"
				if row.Submitted != "" {
					row.SubmitLabel = "Déposer une nouvelle version du dossier"
				}
			} else {
				row.SubmitHref, row.SubmitLabel = dossiersPath, "Commencer mon dossier pour ce titre"
			}
		}
		p.Rows = append(p.Rows, row)
	}
	a.render(w, r, http.StatusOK, "candidate_sessions", Page{Title: "Mes sessions d’examen", Data: p})
}

// myDossiers returns the person's dossiers by "title|version" (a person
// has a handful; at most 500 are read).
func (a *App) myDossiers(ctx context.Context) (map[string]*portfoliov1.Dossier, error) {
	me, err := a.myCandidate(ctx)
	if err != nil || me == nil {
		return nil, err
	}
	list, err := a.svc.portfolio.ListDossiers(ctx, &portfoliov1.ListDossiersRequest{CandidateId: me.GetId(), PageSize: 500})
	if err != nil {
		return nil, err
	}
	out := map[string]*portfoliov1.Dossier{}
	for _, d := range list.GetDossiers() {
		out[d.GetTitleId()+"|"+d.GetTitleVersion()] = d
	}
	return out, nil
}

// titleLabels reads the wording of titles once per page.
type titleLabels struct {
	a      *App
	ctx    context.Context
	labels map[string]string
}

func (t *titleLabels) label(code, version string) string {
	key := code + "|" + version
	if l, ok := t.labels[key]; ok {
		return l
	}
	if t.labels == nil {
		t.labels = map[string]string{}
	}
	l := code + " (version " + version + ")"
	if resp, err := t.a.svc.certification.GetTitle(t.ctx, &certificationv1.GetTitleRequest{TitleId: code, Version: version}); err == nil {
		l = resp.GetTitle().GetLabel() + " — " + l
	}
	t.labels[key] = l
	return l
}

// withdrawMine (POST /candidat/sessions/{session}/candidatures/{candidacy}/retrait)
// withdraws the person's own candidacy before its deliberation, with the
// reason they give (optional): it will not be deliberated.
func (a *App) withdrawMine(w http.ResponseWriter, r *http.Request) {
	session, ok := centreID(r.PathValue("session"))
	candidacy, ok2 := centreID(r.PathValue("candidacy"))
	if !ok || !ok2 {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.WithdrawCandidacy(ctx, &assessmentv1.WithdrawCandidacyRequest{SessionId: session, CandidacyId: candidacy,
		Reason: formValue(r, "raison", 500)})
	if err != nil {
		a.failChange(w, r, err, sessionsPath)
		return
	}
	http.Redirect(w, r, sessionsPath+"?retrait=1", http.StatusSeeOther)
}
