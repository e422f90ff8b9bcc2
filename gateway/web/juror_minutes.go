package web

import (
	"context"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// juryMinutesData is the minutes page: every decision, readable, then the
// signatures and the form to sign.
type juryMinutesData struct {
	Crumbs     juryCrumbs
	Session    juryFacts
	JuryDate   string
	Hash       string
	Encoding   string
	Lines      []juryMinutesLine
	Jurors     []string
	Signatures []juryMinutesSignature
	Unsigned   []string
	SignedByMe string // when the user signed, "" if not yet
	Closed     bool
	Signed     bool // the user just signed
	Refusal    *juryRefusal
	// Version is the minutes version (R51); Reopened the DREETS's return
	// that opened it, nil for the first.
	Version  int
	Reopened *juryReturn
	// Frauds mention the session's fraud reports (R57): what the jurors
	// sign with the decisions.
	Frauds []juryFraudMention
}

// juryFraudMention is the mention of a fraud report in the minutes.
type juryFraudMention struct {
	ID, About, When, By, Measure string
}

// juryReturn is the DREETS's return of the previous version.
type juryReturn struct {
	Version     int
	Reason, At  string
	Candidacies []string // the candidates' names, or the candidacy ids
}

type juryMinutesLine struct {
	Candidate string
	Decisions []juryLineDecision
	Outcome   string
	Manifest  string
}

type juryLineDecision struct{ CCP, Outcome, Motivation string }

type juryMinutesSignature struct{ Name, When string }

// juryMaxListPages bounds the pages read to name the candidates of the
// minutes (500 candidacies each).
const juryMaxListPages = 20

// minutesData reads the minutes and what makes them readable: the title's
// wording and the candidates' names.
func (a *App) minutesData(ctx context.Context, r *http.Request, sessionID string) (juryMinutesData, error) {
	s, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: sessionID})
	if err != nil {
		return juryMinutesData{}, err
	}
	m, err := a.svc.assessment.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: sessionID})
	if err != nil {
		return juryMinutesData{}, err
	}
	names, err := a.candidateNames(ctx, sessionID)
	if err != nil {
		return juryMinutesData{}, err
	}
	t := (juryTitles{}).get(ctx, a, s.GetSession().GetTitleId(), s.GetSession().GetTitleVersion())
	facts := juryFactsOf(s.GetSession(), t)
	return juryMinutesFrom(m.GetMinutes(), t, facts, names, SessionOf(r).Subject), nil
}

// candidateNames maps the session's candidacies the user may read to the
// candidates' names. A juror recused from a candidacy (R21) does not read
// it: its line of the minutes names the candidate by id.
func (a *App) candidateNames(ctx context.Context, sessionID string) (map[string]string, error) {
	names := map[string]string{}
	token := ""
	for range juryMaxListPages {
		list, err := a.svc.assessment.ListCandidacies(ctx, &assessmentv1.ListCandidaciesRequest{SessionId: sessionID, PageSize: 500, PageToken: token})
		if err != nil {
			return nil, err
		}
		for _, c := range list.GetCandidacies() {
			names[c.GetId()] = c.GetCandidateName()
		}
		if token = list.GetNextPageToken(); token == "" {
			break
		}
	}
	return names, nil
}

func juryMinutesFrom(m *assessmentv1.Minutes, t *certificationv1.Title, facts juryFacts, names map[string]string, me string) juryMinutesData {
	d := juryMinutesData{
		Crumbs: juryCrumbs{Trail: []link{
			{Label: "Mes sessions de jury", Href: "/jury"},
			{Label: facts.Type + " " + facts.Dates, Href: "/jury/sessions/" + m.GetSessionId()},
		}, Current: "Procès-verbal"},
		Session: facts, JuryDate: CivilDateFR(m.GetJuryDate()), Hash: m.GetContentHash(), Encoding: m.GetContentEncoding(),
		Closed:  m.GetSessionState() == assessmentv1.SessionState_SESSION_STATE_CLOSED,
		Version: int(max(m.GetMinutesVersion(), 1)),
	}
	if rt := m.GetReopenedBy(); rt != nil {
		d.Reopened = &juryReturn{Version: int(rt.GetMinutesVersion()), Reason: rt.GetReason(), At: DateTimeFR(rt.GetReturnTime().AsTime())}
		for _, id := range rt.GetCandidacyIds() {
			if n := names[id]; n != "" {
				d.Reopened.Candidacies = append(d.Reopened.Candidacies, n)
			} else {
				d.Reopened.Candidacies = append(d.Reopened.Candidacies, "candidature "+id)
			}
		}
	}
	for _, f := range m.GetFraudReports() {
		d.Frauds = append(d.Frauds, juryFraudMentionOf(f, names))
	}
	jurorNames := map[string]string{}
	for _, j := range m.GetJurors() {
		jurorNames[j.GetJurorSubject()] = j.GetJurorName()
		d.Jurors = append(d.Jurors, j.GetJurorName())
	}
	for _, l := range m.GetLines() {
		name, ok := names[l.GetCandidacyId()]
		if !ok || name == "" {
			name = "Candidature " + l.GetCandidacyId() + " (candidat " + l.GetCandidateId() + ")"
		}
		line := juryMinutesLine{Candidate: name, Outcome: juryTitleOutcome(l.GetTitleOutcome()), Manifest: l.GetDossierManifestHash()}
		for _, dec := range l.GetCcpDecisions() {
			line.Decisions = append(line.Decisions, juryLineDecision{CCP: juryCCPName(t, dec.GetCcpCode()), Outcome: juryCCPOutcome(dec.GetOutcome()), Motivation: dec.GetMotivation()})
		}
		d.Lines = append(d.Lines, line)
	}
	for _, s := range m.GetSignatures() {
		when := DateTimeFR(s.GetSignTime().AsTime())
		d.Signatures = append(d.Signatures, juryMinutesSignature{Name: s.GetJurorName(), When: when})
		if s.GetJurorSubject() == me {
			d.SignedByMe = when
		}
	}
	for _, subject := range m.GetUnsignedJurors() {
		name := jurorNames[subject]
		if name == "" {
			name = subject
		}
		d.Unsigned = append(d.Unsigned, name)
	}
	return d
}

// jurorMinutes (GET /jury/sessions/{session}/proces-verbal) shows the
// minutes to review, with the form to sign them.
func (a *App) jurorMinutes(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session")
	if !juryValidID(id) {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	data, err := a.minutesData(ctx, r, id)
	if err != nil {
		a.jurorFail(w, r, err, &link{Label: "Retour à la session", Href: "/jury/sessions/" + id})
		return
	}
	data.Signed = r.URL.Query().Get("signe") == "1"
	a.render(w, r, http.StatusOK, "juror_minutes", Page{Title: "Procès-verbal — " + data.Session.Type + " " + data.Session.Dates, Data: data})
}

// jurorSign (POST /jury/sessions/{session}/proces-verbal) signs the minutes
// the user read: the form carries their content hash, which the service
// compares with the current one (R50). When a decision changed since, the
// signature is refused and the page shows the minutes as they are now.
func (a *App) jurorSign(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session")
	if !juryValidID(id) {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	hash := r.PostFormValue("content_hash")
	read := r.PostFormValue("relu") == "1"
	var errs []Field
	switch {
	case !juryValidHash(hash):
		errs = append(errs, Field{ID: "relu", Message: "Ce formulaire ne porte pas l’empreinte du procès-verbal lu : rechargez la page, relisez le procès-verbal, puis signez."})
	case !read:
		errs = append(errs, Field{ID: "relu", Message: "Cochez la case pour confirmer que vous avez relu le procès-verbal."})
	}
	if len(errs) == 0 {
		_, err := a.svc.assessment.SignMinutes(ctx, &assessmentv1.SignMinutesRequest{SessionId: id, ContentHash: hash})
		if err == nil {
			http.Redirect(w, r, r.URL.Path+"?signe=1", http.StatusSeeOther)
			return
		}
		st, ok := status.FromError(err)
		if !ok || (st.Code() != codes.FailedPrecondition && st.Code() != codes.AlreadyExists) {
			a.jurorFail(w, r, err, &link{Label: "Retour à la session", Href: "/jury/sessions/" + id})
			return
		}
		// MINUTES_CHANGED, MINUTES_ALREADY_SIGNED, SESSION_CLOSED: show the
		// minutes as they are now, with the refusal.
		data, lerr := a.minutesData(ctx, r, id)
		if lerr != nil {
			a.jurorFail(w, r, lerr, &link{Label: "Retour à la session", Href: "/jury/sessions/" + id})
			return
		}
		m := jurorMessage(err)
		data.Refusal = &juryRefusal{Title: m.Title, Detail: m.Detail, Rule: m.Rule}
		a.render(w, r, runtime.HTTPStatusFromCode(st.Code()), "juror_minutes", Page{Title: "Procès-verbal — " + data.Session.Type + " " + data.Session.Dates, Data: data})
		return
	}
	data, err := a.minutesData(ctx, r, id)
	if err != nil {
		a.jurorFail(w, r, err, &link{Label: "Retour à la session", Href: "/jury/sessions/" + id})
		return
	}
	a.render(w, r, http.StatusUnprocessableEntity, "juror_minutes", Page{Title: "Procès-verbal — " + data.Session.Type + " " + data.Session.Dates, Errors: errs, Data: data})
}

// juryValidHash reports whether s is a hex SHA-256.
func juryValidHash(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// juryFraudMentionOf words a fraud report's mention in the minutes.
func juryFraudMentionOf(f *assessmentv1.MinutesFraudReport, names map[string]string) juryFraudMention {
	out := juryFraudMention{ID: f.GetReportId(), About: "La session", When: f.GetObserveTime(), Measure: "aucune"}
	if t, err := time.Parse(time.RFC3339, f.GetObserveTime()); err == nil {
		out.When = DateTimeFR(t)
	}
	if id := f.GetCandidacyId(); id != "" {
		out.About = "Candidature " + id
		if n := names[id]; n != "" {
			out.About = n
		}
	}
	if f.GetReporterRole() == "CENTRE" {
		out.By = "le responsable de session (centre " + f.GetReporterName() + ")"
	} else {
		out.By = "le juré " + f.GetReporterName()
	}
	if f.GetMeasure() == "EXCLUDED_FROM_EPREUVE" {
		out.Measure = "candidat exclu de l’épreuve"
	}
	return out
}
