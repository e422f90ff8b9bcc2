package web

import (
	"context"
	"net/http"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// What the centre's pages share: a session as they show it, the catalogue,
// and the navigation between a session's pages.

// centreSession is a session as the centre's pages show it.
type centreSession struct {
	ID           string
	TitleID      string
	TitleVersion string
	TitleLabel   string // "" when the catalogue did not answer
	Type         string
	CCP          bool // a session CCP (else titre)
	CCPs         []centreCCP
	Site         string
	Start, End   string // "YYYY-MM-DD"
	Deadline     string // last day to submit the dossier, "YYYY-MM-DD"
	State        centreStateView
	Planned      bool // jury and candidacies may change, the session may open
	Opened       bool // opened at least once: the board has something to show
	InProgress   bool // opened, not deliberated: a juror absent on the day is replaced
	Cancelled    bool // cancelled: nothing changes any more
	Jurors       int32
	Candidacies  int32
	Updated      time.Time
	Etag         string
}

// centreCCP is a CCP of the session's title.
type centreCCP struct{ Code, Label string }

func newCentreSession(s *assessmentv1.Session, t *certificationv1.Title) centreSession {
	v := centreSession{
		ID: s.GetId(), TitleID: s.GetTitleId(), TitleVersion: s.GetTitleVersion(),
		Type: sessionTypeLabel(s.GetType()), CCP: s.GetType() == assessmentv1.SessionType_SESSION_TYPE_CCP,
		Site: s.GetSite(), Start: s.GetStartDate(), End: s.GetEndDate(), Deadline: s.GetDossierDeadline(),
		State:   centreState(s.GetState()),
		Planned: s.GetState() == assessmentv1.SessionState_SESSION_STATE_PLANNED,
		Opened: s.GetState() > assessmentv1.SessionState_SESSION_STATE_PLANNED &&
			s.GetState() != assessmentv1.SessionState_SESSION_STATE_CANCELLED,
		InProgress: s.GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS,
		Cancelled:  s.GetState() == assessmentv1.SessionState_SESSION_STATE_CANCELLED,
		Jurors:     s.GetJurorCount(), Candidacies: s.GetCandidacyCount(),
		Updated: s.GetUpdateTime().AsTime(), Etag: s.GetEtag(),
	}
	if v.Deadline == "" {
		v.Deadline = v.Start
	}
	labels := map[string]string{}
	if t != nil {
		v.TitleLabel = t.GetLabel()
		for _, c := range t.GetCcps() {
			labels[c.GetCode()] = c.GetLabel()
		}
	}
	for _, code := range s.GetCcpCodes() {
		v.CCPs = append(v.CCPs, centreCCP{Code: code, Label: labels[code]})
	}
	return v
}

// centreSessionID returns the session id of the request's path, false when
// it cannot be one (the service checks it is a UUID; this only keeps
// rubbish out of the calls and the pages).
func centreSessionID(r *http.Request) (string, bool) {
	return centreID(r.PathValue("id"))
}

// centreID returns id when it looks like a server-assigned id (a UUID:
// hex digits and hyphens, at most 64 characters).
func centreID(id string) (string, bool) {
	if id == "" || len(id) > 64 {
		return "", false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' || c == '-') {
			return "", false
		}
	}
	return id, true
}

// centreLoadSession reads session id and its title version (nil when the
// catalogue does not answer: the page still shows the session).
func (a *App) centreLoadSession(ctx context.Context, id string) (*assessmentv1.Session, *certificationv1.Title, error) {
	resp, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: id})
	if err != nil {
		return nil, nil, err
	}
	s := resp.GetSession()
	t, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: s.GetTitleId(), Version: s.GetTitleVersion()})
	if err != nil {
		a.log.WarnContext(ctx, "web: title of a session", "title", s.GetTitleId(), "version", s.GetTitleVersion(), "err", err)
		return s, nil, nil
	}
	return s, t.GetTitle(), nil
}

// Bounds of the lists a page reads whole: the catalogue, a session's
// candidacies, the centre's candidate records offered for registration.
const (
	centreListPageSize = 500 // the services' largest page
	centreMaxPages     = 10
)

// centreCatalogue returns the published title versions, by code then
// version (public, small: read whole, within centreMaxPages pages).
func (a *App) centreCatalogue(ctx context.Context) ([]*certificationv1.Title, error) {
	var titles []*certificationv1.Title
	token := ""
	for range centreMaxPages {
		resp, err := a.svc.certification.ListTitles(ctx, &certificationv1.ListTitlesRequest{PageSize: centreListPageSize, PageToken: token})
		if err != nil {
			return nil, err
		}
		titles = append(titles, resp.GetTitles()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return titles, nil
}

// centreCandidaciesOf returns every candidacy of session id (a session has
// tens of candidacies; read within centreMaxPages pages).
func (a *App) centreCandidaciesOf(ctx context.Context, id string) ([]*assessmentv1.Candidacy, error) {
	var all []*assessmentv1.Candidacy
	token := ""
	for range centreMaxPages {
		resp, err := a.svc.assessment.ListCandidacies(ctx, &assessmentv1.ListCandidaciesRequest{
			SessionId: id, PageSize: centreListPageSize, PageToken: token,
		})
		if err != nil {
			return nil, err
		}
		all = append(all, resp.GetCandidacies()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	return all, nil
}

// centreNav is the navigation between a session's pages.
type centreNav struct {
	SessionID string
	Label     string // the session, for the breadcrumb
	Current   string // "session", "jury", "candidatures", "suivi"
	Opened    bool
}

func newCentreNav(s centreSession, current string) centreNav {
	return centreNav{SessionID: s.ID, Label: s.Type + " du " + CivilDateFR(s.Start), Current: current, Opened: s.Opened}
}
