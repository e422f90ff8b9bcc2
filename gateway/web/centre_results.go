package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"google.golang.org/genproto/googleapis/api/httpbody"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The results of a session for its centre (GET /centre/sessions/{id}/resultats):
// once the DREETS has validated the signed minutes (R51), the decision on
// each CCP of each candidacy with its motivation, as the certification
// service holds them (GetResult, which a centre reads for its own
// sessions), with the fiche individuelle de résultats of each candidate
// and the minutes as PDF. Before the validation the page says where the
// minutes stand and shows no decision. While a correction is under way
// (a validated version returned, R51) it shows the validated version,
// whose awards stand.

// centreResultsData is the page's data.
type centreResultsData struct {
	Session centreSession
	Nav     centreNav
	// Received: the certification service has signed minutes for the
	// session. Validated: a version was validated; the lines are its.
	Received, Validated bool
	Awaiting            bool // the current version awaits the DREETS's validation
	Returned            bool // the current version was returned to the jury
	Correcting          bool // the validated version was returned: a correction is under way
	Version             int  // the minutes version shown
	CurrentVersion      int
	JuryDate            string
	ValidateTime        time.Time
	MinutesHash         string
	MinutesHref         string // the minutes PDF of Version
	Lines               []centreResultLine
}

// centreResultLine is the decision on one candidacy.
type centreResultLine struct {
	CandidacyID, CandidateID, Name string
	Outcome, OutcomeTone           string
	Ccps                           []ccpView
	SheetHref                      string // the fiche individuelle de résultats (PDF)
}

// centreResults (GET /centre/sessions/{id}/resultats) shows the page.
func (a *App) centreResults(w http.ResponseWriter, r *http.Request) {
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
	v := newCentreSession(s, t)
	data := centreResultsData{Session: v, Nav: newCentreNav(v, "resultats")}
	title := "Résultats — " + v.Type + " du " + CivilDateFR(v.Start)
	resp, err := a.svc.certification.GetResult(ctx, &certificationv1.GetResultRequest{SessionId: id})
	// The session is the centre's (GetSession answered): the certification
	// service, which tells a centre nothing of a session it holds no result
	// for, not even whether it exists, then has no signed minutes.
	if c := status.Code(err); c == codes.NotFound || c == codes.PermissionDenied {
		a.render(w, r, http.StatusOK, "centre_results", Page{Title: title, Data: data})
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	res := resp.GetResult()
	data.Received = true
	data.CurrentVersion = int(max(res.GetMinutesVersion(), 1))
	data.Awaiting = res.GetState() == certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION
	data.Returned = res.GetState() == certificationv1.ResultState_RESULT_STATE_RETURNED
	validated := res.GetValidatedMinutesVersion()
	if validated == 0 && res.GetState() == certificationv1.ResultState_RESULT_STATE_VALIDATED {
		validated = res.GetMinutesVersion() // a result of before the versions
	}
	if validated == 0 {
		a.render(w, r, http.StatusOK, "centre_results", Page{Title: title, Data: data})
		return
	}
	data.Correcting = data.Returned || validated != res.GetMinutesVersion()
	if validated != res.GetMinutesVersion() {
		older, err := a.svc.certification.GetResult(ctx, &certificationv1.GetResultRequest{SessionId: id, MinutesVersion: validated})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		res = older.GetResult()
	}
	data.Validated = true
	data.Version = int(max(validated, 1))
	data.JuryDate, data.MinutesHash, data.ValidateTime = res.GetJuryDate(), res.GetMinutesHash(), timeOf(res.GetValidateTime())
	for _, vv := range res.GetVersions() {
		if vv.GetMinutesVersion() == validated && vv.GetValidateTime() != nil {
			data.ValidateTime = timeOf(vv.GetValidateTime())
		}
	}
	data.MinutesHref = "/centre/sessions/" + id + "/resultats/proces-verbal.pdf?" + url.Values{"version": {strconv.Itoa(data.Version)}}.Encode()

	// The candidates' names as the session knows them.
	candidacies, err := a.centreCandidaciesOf(ctx, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	names := map[string]string{}
	for _, c := range candidacies {
		names[c.GetId()] = c.GetCandidateName()
	}
	for _, l := range res.GetLines() {
		lv := newLineView(l, t)
		line := centreResultLine{
			CandidacyID: l.GetCandidacyId(), CandidateID: l.GetCandidateId(), Name: names[l.GetCandidacyId()],
			Outcome: lv.Outcome, OutcomeTone: lv.OutcomeTone, Ccps: lv.Ccps,
			SheetHref: "/centre/sessions/" + url.PathEscape(id) + "/resultats/" + url.PathEscape(l.GetCandidacyId()) + "/fiche.pdf",
		}
		if line.Name == "" {
			line.Name = "Candidat " + l.GetCandidateId()
		}
		data.Lines = append(data.Lines, line)
	}
	a.render(w, r, http.StatusOK, "centre_results", Page{Title: title, Data: data})
}

// centreMinutesPdf (GET /centre/sessions/{id}/resultats/proces-verbal.pdf?version=N)
// hands the centre the minutes of its session as the assessment service
// prints them (GetMinutesPdf); without a version, the current one.
func (a *App) centreMinutesPdf(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	version := 0
	if s := r.URL.Query().Get("version"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 10000 {
			a.notFound(w, r)
			return
		}
		version = n
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.assessment.GetMinutesPdf(ctx, &assessmentv1.GetMinutesPdfRequest{SessionId: id, Version: int32(version)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writePDF(w, resp.GetDocument(), "proces-verbal.pdf")
}

// writePDF answers with a PDF document the services printed, as an
// attachment named name.
func writePDF(w http.ResponseWriter, doc *httpbody.HttpBody, name string) {
	h := w.Header()
	h.Set("Content-Type", doc.GetContentType())
	h.Set("Content-Disposition", docstream.Disposition("attachment", name))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc.GetData())
}
