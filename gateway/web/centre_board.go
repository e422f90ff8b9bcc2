package web

import (
	"net/http"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// The board of a session under way (GET /centre/sessions/{id}/suivi): for
// each candidacy, its dossier (R34) and the jury's decision; what still
// stands between the session and its signed minutes; once deliberated,
// who has signed the minutes (R50).
//
// What the centre does not see: the jurors' evaluations. The assessment
// service keeps them to the jury and the ministry (internal/app/authz:
// a centre "reads their minutes but not the jurors' evaluations"), so the
// board cannot tell which juror has scored which competence; it says so,
// and says that the jury's deliberation needs every evaluation complete
// (R49). It shows what the centre may read, refreshed by a link or, when
// the person switches it on, every 30 seconds by static/js/centre-board.js.

// centreBoardRefresh is the period of the optional automatic refresh, in seconds.
const centreBoardRefresh = 30

// centreBoardData is the board's data.
type centreBoardData struct {
	Session     centreSession
	Nav         centreNav
	Now         time.Time
	Refresh     int
	Rows        []centreBoardRow
	Total       int
	Dossiers    int // candidacies with their dossier
	Deliberated int
	Missing     int // candidacies without their dossier and not deliberated (R34 blocks them)
	Waiting     int // candidacies with their dossier, waiting for the jury (R49, R48)
	Jurors      []centreBoardJuror
	Minutes     bool // the minutes exist (session deliberated or closed)
	Signed      int
}

// centreBoardRow is one candidacy on the board.
type centreBoardRow struct {
	centreCandidacy
	Status    string // "dossier", "jury", "delibere"
	Decisions []string
}

// centreBoardJuror is a juror and their signature of the minutes.
type centreBoardJuror struct {
	Subject, Name string
	Signed        bool
	SignedAt      time.Time
}

// centreBoard (GET /centre/sessions/{id}/suivi) shows the board.
func (a *App) centreBoard(w http.ResponseWriter, r *http.Request) {
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
	jurors, err := a.svc.assessment.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: id})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	v := newCentreSession(s, t)
	data := centreBoardData{Session: v, Nav: newCentreNav(v, "suivi"), Now: time.Now(), Refresh: centreBoardRefresh, Total: len(candidacies)}
	for _, c := range candidacies {
		row := centreBoardRow{centreCandidacy: newCentreCandidacy(c)}
		switch {
		case row.Deliberated:
			row.Status = "delibere"
			data.Deliberated++
			for _, d := range c.GetDeliberation().GetCcpDecisions() {
				row.Decisions = append(row.Decisions, d.GetCcpCode()+" "+centreCCPOutcomeLabel(d.GetOutcome()))
			}
		case !row.Dossier:
			row.Status = "dossier"
			data.Missing++
		default:
			row.Status = "jury"
			data.Waiting++
		}
		if row.Dossier {
			data.Dossiers++
		}
		data.Rows = append(data.Rows, row)
	}
	signed := map[string]time.Time{}
	if s.GetState() == assessmentv1.SessionState_SESSION_STATE_DELIBERATED || s.GetState() == assessmentv1.SessionState_SESSION_STATE_CLOSED {
		m, err := a.svc.assessment.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: id})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		data.Minutes = true
		for _, sig := range m.GetMinutes().GetSignatures() {
			signed[sig.GetJurorSubject()] = sig.GetSignTime().AsTime()
		}
	}
	for _, j := range jurors.GetJurors() {
		at, ok := signed[j.GetSubject()]
		data.Jurors = append(data.Jurors, centreBoardJuror{Subject: j.GetSubject(), Name: j.GetDisplayName(), Signed: ok, SignedAt: at})
		if ok {
			data.Signed++
		}
	}
	a.render(w, r, http.StatusOK, "centre_board", Page{Title: "Suivi — " + v.Type + " du " + CivilDateFR(v.Start), Data: data})
}
