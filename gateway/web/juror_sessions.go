package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// juryPageSize is the number of sessions or candidacies per page.
const juryPageSize = 20

// juryMaxPageToken bounds a page token taken from the address.
const juryMaxPageToken = 1024

// jurySessionRow is a session in the list of my sessions.
type jurySessionRow struct {
	ID, Type, Title, Site, Dates, State string
	Candidacies                         int32
}

type jurorSessionsData struct {
	CharterMissing bool // the juror has not accepted the current charte (R23)
	Rows           []jurySessionRow
	NextPage       string // address of the next page, "" on the last
	FirstPage      string // address of the first page, "" on the first
}

// jurorSessions (GET /jury) lists the sessions whose jury the user sits
// on: the assessment service lists for a juror token exactly those.
func (a *App) jurorSessions(w http.ResponseWriter, r *http.Request) {
	token, ok := juryPageToken(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.assessment.ListSessions(ctx, &assessmentv1.ListSessionsRequest{PageSize: juryPageSize, PageToken: token})
	if err != nil {
		a.jurorFail(w, r, err, &link{Label: "Page d’accueil", Href: "/"})
		return
	}
	titles := juryTitles{}
	data := jurorSessionsData{NextPage: juryNextPage("/jury", resp.GetNextPageToken())}
	if token != "" {
		data.FirstPage = "/jury"
	}
	for _, s := range resp.GetSessions() {
		t := titles.get(ctx, a, s.GetTitleId(), s.GetTitleVersion())
		data.Rows = append(data.Rows, jurySessionRow{
			ID: s.GetId(), Type: sessionTypeLabel(s.GetType()), Title: juryTitleName(t, s.GetTitleId()),
			Site: s.GetSite(), Dates: jurySessionDates(s), State: jurySessionState(s.GetState()),
			Candidacies: s.GetCandidacyCount(),
		})
	}
	if charter, err := a.jurorCharterState(ctx); err == nil {
		data.CharterMissing = charter.AcceptedAt.IsZero()
	}
	a.render(w, r, http.StatusOK, "juror_sessions", Page{Title: "Mes sessions de jury", Data: data})
}

// juryFacts is what the juror's pages say about the session.
type juryFacts struct {
	ID, Type, Title, TitleRef, Site, Dates, State string
	CCPs                                          []string // "CCP1 — label"
	InProgress, MinutesReady                      bool
}

func juryFactsOf(s *assessmentv1.Session, t *certificationv1.Title) juryFacts {
	f := juryFacts{
		ID: s.GetId(), Type: sessionTypeLabel(s.GetType()), Title: juryTitleName(t, s.GetTitleId()),
		TitleRef: s.GetTitleId() + ", version " + s.GetTitleVersion(),
		Site:     s.GetSite(), Dates: jurySessionDates(s), State: jurySessionState(s.GetState()),
		InProgress: s.GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS,
		MinutesReady: s.GetState() == assessmentv1.SessionState_SESSION_STATE_DELIBERATED ||
			s.GetState() == assessmentv1.SessionState_SESSION_STATE_CLOSED,
	}
	for _, code := range s.GetCcpCodes() {
		f.CCPs = append(f.CCPs, juryCCPName(t, code))
	}
	return f
}

// juryCandidacyRow is a candidacy in the session page: where it stands for the
// user.
type juryCandidacyRow struct {
	ID, Name, Scope    string
	Dossier            string
	HasDossier         bool
	Evaluation         string
	EvaluationComplete bool
	Decision           string
	Deliberated        bool
}

type jurorSessionData struct {
	Crumbs    juryCrumbs
	Session   juryFacts
	Rows      []juryCandidacyRow
	NextPage  string
	FirstPage string
	// Reopened is the DREETS's return that reopened the session (R51),
	// while the jury deliberates again; nil otherwise.
	Reopened *juryReturn
	// Links are the user's own declared links and the form « Déclarer
	// mes liens » (R21, juror_links.go).
	Links jurorLinksData
	// Fraud is the section « Signaler une fraude » (R57, juror_fraud.go).
	Fraud jurorFraudData
	// FraudSent: the form the page answers is the fraud report's, whose
	// section shows the errors.
	FraudSent bool
}

// jurorSessionForms are the forms of the session page as sent, when one
// was refused: the links (R21) or a fraud report (R57).
type jurorSessionForms struct {
	links        []centreLinkRow
	errs         []Field
	linksRefusal *centreRefusal
	fraud        *jurorFraudForm
	fraudRefusal *centreRefusal
}

// jurorSession (GET /jury/sessions/{session}) shows the session and its
// candidacies with, for each, the dossier, the user's own grid and the
// jury's decision. A candidacy the user is recused from (R21) is not
// listed: the service does not show it to them.
func (a *App) jurorSession(w http.ResponseWriter, r *http.Request) {
	a.jurorShowSession(w, r, http.StatusOK, jurorSessionForms{})
}

// jurorShowSession renders the session page; form nil shows the user's
// links as declared, errs and refusal those of a declaration refused.
func (a *App) jurorShowSession(w http.ResponseWriter, r *http.Request, code int, forms jurorSessionForms) {
	id := r.PathValue("session")
	token, ok := juryPageToken(r)
	if !juryValidID(id) || !ok {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	s, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: id})
	if err != nil {
		a.jurorFail(w, r, err, nil)
		return
	}
	list, err := a.svc.assessment.ListCandidacies(ctx, &assessmentv1.ListCandidaciesRequest{SessionId: id, PageSize: juryPageSize, PageToken: token})
	if err != nil {
		a.jurorFail(w, r, err, nil)
		return
	}
	t := (juryTitles{}).get(ctx, a, s.GetSession().GetTitleId(), s.GetSession().GetTitleVersion())
	base := "/jury/sessions/" + id
	facts := juryFactsOf(s.GetSession(), t)
	data := jurorSessionData{Session: facts, NextPage: juryNextPage(base, list.GetNextPageToken()),
		Crumbs: juryCrumbs{Trail: []link{{Label: "Mes sessions de jury", Href: "/jury"}}, Current: facts.Type + " du " + CivilDateFR(s.GetSession().GetStartDate())}}
	if token != "" {
		data.FirstPage = base
	}
	for _, c := range list.GetCandidacies() {
		row := juryCandidacyRow{ID: c.GetId(), Name: c.GetCandidateName(), Scope: strings.Join(c.GetCcpCodes(), ", "), Dossier: "Non déposé", Evaluation: "Non commencée"}
		if c.GetDossierSnapshotId() != "" {
			row.HasDossier = true
			row.Dossier = "Déposé le " + DateFR(c.GetDossierSubmitTime().AsTime())
		}
		if d := c.GetDeliberation(); d != nil {
			row.Deliberated = true
			row.Decision = juryTitleOutcome(d.GetTitleOutcome())
		} else {
			row.Decision = "Pas encore délibéré"
		}
		data.Rows = append(data.Rows, row)
	}
	a.juryEvaluations(ctx, id, data.Rows)
	data.Reopened = a.juryReopened(ctx, s.GetSession(), data.Rows)
	data.Links = a.jurorLinks(ctx, r, s.GetSession(), forms.links, forms.linksRefusal)
	data.Fraud = a.jurorFraud(ctx, r, s.GetSession(), data.Rows, base+"/fraude", forms.fraud, forms.fraudRefusal)
	data.FraudSent = forms.fraud != nil
	a.render(w, r, code, "juror_session", Page{Title: data.Session.Type + " — " + data.Session.Title, Errors: forms.errs, Data: data})
}

// juryEvaluationCalls bounds the evaluations read at once for a session
// page: one per candidacy of the page, in parallel so that a page of twenty
// costs about one round trip.
const juryEvaluationCalls = 8

// juryEvaluations says, for each row, where the user's own grid stands.
func (a *App) juryEvaluations(ctx context.Context, sessionID string, rows []juryCandidacyRow) {
	sem := make(chan struct{}, juryEvaluationCalls)
	var wg sync.WaitGroup
	for i := range rows {
		row := &rows[i]
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			ev, err := a.svc.assessment.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: row.ID, JurorSubject: "me"})
			switch {
			case err != nil:
				row.Evaluation = "Indisponible"
			case ev.GetEvaluation().GetComplete():
				row.Evaluation, row.EvaluationComplete = "Complète", true
			case len(ev.GetEvaluation().GetItems()) > 0:
				n := len(ev.GetEvaluation().GetMissingCompetences())
				row.Evaluation = "En cours : " + juryPlural(n, "compétence", "compétences") + " sans verdict"
			}
		}()
	}
	wg.Wait()
}

// juryPageToken returns the ?page= token of r; ok is false when it is too long.
func juryPageToken(r *http.Request) (string, bool) {
	t := r.URL.Query().Get("page")
	return t, len(t) <= juryMaxPageToken
}

// juryNextPage returns the address of the page after this one, "" if none.
func juryNextPage(base, token string) string {
	if token == "" {
		return ""
	}
	return base + "?" + url.Values{"page": {token}}.Encode()
}

// jurySessionDates says when a session takes place.
func jurySessionDates(s *assessmentv1.Session) string {
	if s.GetStartDate() == s.GetEndDate() {
		return "le " + CivilDateFR(s.GetStartDate())
	}
	return "du " + CivilDateFR(s.GetStartDate()) + " au " + CivilDateFR(s.GetEndDate())
}

func juryPlural(n int, one, many string) string {
	if n <= 1 {
		return strconv.Itoa(n) + " " + one
	}
	return strconv.Itoa(n) + " " + many
}

// juryTitles holds the title versions one page needs: they are immutable,
// so one request asks for each once.
type juryTitles map[string]*certificationv1.Title

// get returns the title version, nil when the catalogue cannot say (the
// page then shows the code alone).
func (c juryTitles) get(ctx context.Context, a *App, id, version string) *certificationv1.Title {
	key := id + "\x00" + version
	if t, ok := c[key]; ok {
		return t
	}
	resp, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: id, Version: version})
	if err != nil {
		a.log.WarnContext(ctx, "web: title not found for a session", "title", id, "version", version, "err", err)
	}
	c[key] = resp.GetTitle()
	return resp.GetTitle()
}

// juryTitleName is the title's wording, or its code when unknown.
func juryTitleName(t *certificationv1.Title, id string) string {
	if t.GetLabel() == "" {
		return id
	}
	return t.GetLabel()
}

// juryCCPName is "CCP1 — wording of the activity type".
func juryCCPName(t *certificationv1.Title, code string) string {
	for _, c := range t.GetCcps() {
		if c.GetCode() == code {
			return code + " — " + c.GetLabel()
		}
	}
	return code
}

// juryCrumbs is the breadcrumb of a page: the pages above it, then its name.
type juryCrumbs struct {
	Trail   []link
	Current string
}

// juryCandidacyNav links the three pages of a candidacy: its dossier, the
// user's grid, the deliberation.
type juryCandidacyNav struct{ Links []juryNavLink }

type juryNavLink struct {
	Label, Href string
	Current     bool
}

// juryCandidacyPages returns the navigation and breadcrumb of a candidacy's
// page; current is "dossier", "grille" or "deliberation".
func juryCandidacyPages(s *assessmentv1.Session, c *assessmentv1.Candidacy, current string) (juryCandidacyNav, juryCrumbs) {
	base := "/jury/sessions/" + s.GetId() + "/candidatures/" + c.GetId()
	nav := juryCandidacyNav{Links: []juryNavLink{
		{Label: "Dossier professionnel", Href: base, Current: current == "dossier"},
		{Label: "Ma grille d’évaluation", Href: base + "/grille", Current: current == "grille"},
		{Label: "Délibération", Href: base + "/deliberation", Current: current == "deliberation"},
	}}
	var name string
	for _, l := range nav.Links {
		if l.Current {
			name = l.Label
		}
	}
	return nav, juryCrumbs{
		Trail: []link{
			{Label: "Mes sessions de jury", Href: "/jury"},
			{Label: sessionTypeLabel(s.GetType()) + " du " + CivilDateFR(s.GetStartDate()), Href: "/jury/sessions/" + s.GetId()},
		},
		Current: name + " — " + c.GetCandidateName(),
	}
}

// juryReopened returns the DREETS's return of the session's last signed
// minutes while the jury deliberates again (R51): the reason and the
// candidacies to deliberate, named as the page names them. Nothing when
// the session is not in progress or was never returned, or when the
// versions cannot be read (the page shows the rest).
func (a *App) juryReopened(ctx context.Context, s *assessmentv1.Session, rows []juryCandidacyRow) *juryReturn {
	if s.GetState() != assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS && s.GetState() != assessmentv1.SessionState_SESSION_STATE_DELIBERATED {
		return nil
	}
	vs, err := a.svc.assessment.ListMinutesVersions(ctx, &assessmentv1.ListMinutesVersionsRequest{SessionId: s.GetId()})
	if err != nil || len(vs.GetVersions()) < 2 {
		return nil
	}
	prev := vs.GetVersions()[len(vs.GetVersions())-2].GetReturned()
	if prev == nil {
		return nil
	}
	names := map[string]string{}
	for _, r := range rows {
		names[r.ID] = r.Name
	}
	out := &juryReturn{Version: int(prev.GetMinutesVersion()), Reason: prev.GetReason(), At: DateTimeFR(prev.GetReturnTime().AsTime())}
	for _, id := range prev.GetCandidacyIds() {
		if n := names[id]; n != "" {
			out.Candidacies = append(out.Candidacies, n)
		} else {
			out.Candidacies = append(out.Candidacies, "candidature "+id)
		}
	}
	return out
}
