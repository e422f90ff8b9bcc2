package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/gateway/web/messages"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
)

// The DREETS officer's sanctions (GET and POST /dreets/sanctions, R58): the
// officer looks a candidate up by the id of their record (the fraud
// report and the minutes name it; the result page links here with it),
// sees who it is and the sanctions already pronounced, and pronounces an
// exclusion or a ban. The admin reads the same page without the form. The
// candidate service checks every rule; the page shows its refusals next
// to the fields.

// dreetsSanctionsTitle is the page's title.
const dreetsSanctionsTitle = "Sanctions"

// Bounds of what the page takes from a URL or a form before the service
// sees it: a record id (a UUID has 36 characters), a reference, a month
// count.
const (
	maxSanctionCandidate = 64
	maxSanctionReference = 100
	maxSanctionDuration  = 3 // digits
)

// sanctionForm is the pronouncement form as sent (or prefilled).
type sanctionForm struct {
	Kind, Duration, NotifiedOn, Reference, Motivation, Session string
}

// sanctionsData is the page's data.
type sanctionsData struct {
	// Query is the candidate id looked up ("" shows the look-up alone).
	Query string
	// Candidate is the record found; Name its person.
	Candidate *candidatev1.Candidate
	Name      string
	Sanctions []sanctionView
	// CanPronounce shows the form (the ministry; not the admin).
	CanPronounce bool
	Form         sanctionForm
	// Done is the sanction just pronounced.
	Done *sanctionView
	// Refusal is the service's refusal of a pronouncement.
	Refusal *Message
	Today   string // "YYYY-MM-DD", the date field's maximum
}

// sanctionView is one sanction as people read it.
type sanctionView struct {
	ID         string
	Ban        bool
	Kind       string // « Exclusion de la session », « Interdiction d’inscription »
	Months     int32
	NotifiedOn string // "YYYY-MM-DD"
	LastDay    string // a ban's last day, inclusive: the day before ends_on
	EndsOn     string // a ban's first free day
	InForce    bool   // a ban covering today (Europe/Paris)
	Reference  string
	Motivation string
	Session    string
	At         time.Time
}

// sanctionFields ties the service's fields to the form's, in the form's order.
var sanctionFields = []centreFormField{{"candidate_id", "sanction-candidat"}, {"kind", "sanction-nature"}, {"duration_months", "sanction-duree"},
	{"notified_on", "sanction-notification"}, {"reference", "sanction-reference"}, {"motivation", "sanction-motivation"}, {"session_id", "sanction-session"}}

// sanctionRequired says what a required field of the form wants, in the
// error summary where « Ce champ est obligatoire » would not say which.
var sanctionRequired = map[string]string{ // by form field
	"sanction-reference":  "Indiquez la référence de la décision, par exemple l’identifiant du rapport de fraude.",
	"sanction-motivation": "Indiquez la motivation de la sanction.",
}

// viewSanction returns s as people read it, today being today.
func viewSanction(s *candidatev1.Sanction, today civildate.Date) sanctionView {
	v := sanctionView{ID: s.GetSanctionId(), Kind: "Exclusion de la session", Months: s.GetDurationMonths(), NotifiedOn: s.GetNotifiedOn(),
		Reference: s.GetReference(), Motivation: s.GetMotivation(), Session: s.GetSessionId(), At: s.GetCreateTime().AsTime()}
	if s.GetKind() != candidatev1.SanctionKind_SANCTION_KIND_BAN {
		return v
	}
	v.Ban, v.Kind, v.EndsOn = true, "Interdiction d’inscription", s.GetEndsOn()
	// ends_on is the first day the candidate may register again: the ban
	// covers notified_on to the day before, which people read as its last
	// day, inclusive.
	if end, err := time.Parse(time.DateOnly, s.GetEndsOn()); err == nil {
		v.LastDay = end.AddDate(0, 0, -1).Format(time.DateOnly)
	}
	from, err1 := civildate.Parse(s.GetNotifiedOn())
	to, err2 := civildate.Parse(s.GetEndsOn())
	v.InForce = err1 == nil && err2 == nil && !today.Before(from) && today.Before(to)
	return v
}

// sanctionsOf lists a candidate's sanctions as people read them, oldest
// first as the service lists them.
func (a *App) sanctionsOf(ctx context.Context, candidateID string) ([]sanctionView, error) {
	resp, err := a.svc.candidate.ListSanctions(ctx, &candidatev1.ListSanctionsRequest{CandidateId: candidateID})
	if err != nil {
		return nil, err
	}
	today := civildate.Of(time.Now())
	out := make([]sanctionView, 0, len(resp.GetSanctions()))
	for _, s := range resp.GetSanctions() {
		out = append(out, viewSanction(s, today))
	}
	return out, nil
}

// sanctionsHref is the page of a candidate's sanctions.
func sanctionsHref(candidateID string) string {
	return "/dreets/sanctions?candidat=" + url.QueryEscape(candidateID)
}

// dreetsSanctions (GET /dreets/sanctions) shows the look-up; with
// ?candidat=ID the candidate, their sanctions and the form, prefilled by
// ?reference= and ?session= (links from the minutes); ?prononcee=ID
// confirms the sanction just pronounced.
func (a *App) dreetsSanctions(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := sanctionsData{Query: strings.TrimSpace(q.Get("candidat")), Form: sanctionForm{Kind: "interdiction", Duration: "12",
		Reference: bounded(q.Get("reference"), maxSanctionReference), Session: bounded(q.Get("session"), maxSessionID)}}
	a.showSanctions(w, r, http.StatusOK, data, nil, q.Get("prononcee"))
}

// bounded is s trimmed, or "" when longer than limit bytes.
func bounded(s string, limit int) string {
	s = strings.TrimSpace(s)
	if len(s) > limit {
		return ""
	}
	return s
}

// showSanctions renders the page for data.Query with the form's errors;
// done is the id of a sanction just pronounced.
func (a *App) showSanctions(w http.ResponseWriter, r *http.Request, code int, data sanctionsData, errs []Field, done string) {
	data.CanPronounce = SessionOf(r).HasAny(auth.RoleMinistry)
	data.Today = civildate.Of(time.Now()).String()
	page := Page{Title: dreetsSanctionsTitle, Errors: errs, Data: &data}
	if data.Query == "" {
		a.render(w, r, code, "dreets_sanctions", page)
		return
	}
	if len(data.Query) > maxSanctionCandidate {
		page.Errors = append(page.Errors, Field{ID: "recherche-candidat", Message: "Identifiant de candidat invalide."})
		a.render(w, r, http.StatusUnprocessableEntity, "dreets_sanctions", page)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	c, err := a.svc.candidate.GetCandidate(ctx, &candidatev1.GetCandidateRequest{CandidateId: data.Query})
	if err == nil {
		data.Sanctions, err = a.sanctionsOf(ctx, data.Query)
	}
	if err != nil {
		switch {
		case failsThePage(err) || status.Code(err) == codes.PermissionDenied:
			a.fail(w, r, err)
		default: // not found, or not an id: said next to the look-up
			msg := "Aucun candidat ne porte cet identifiant. Vérifiez-le sur le rapport de fraude ou le procès-verbal."
			if status.Code(err) == codes.InvalidArgument {
				msg = "Identifiant de candidat invalide : saisissez l’identifiant de la fiche, par exemple 0190f0e2-7c1a-7b3e-9d2f-1a2b3c4d5e6f."
			}
			page.Errors = []Field{{ID: "recherche-candidat", Message: msg}}
			a.render(w, r, http.StatusNotFound, "dreets_sanctions", page)
		}
		return
	}
	data.Candidate, data.Name = c.GetCandidate(), fullName(c.GetCandidate())
	for i := range data.Sanctions {
		if done != "" && data.Sanctions[i].ID == done {
			data.Done = &data.Sanctions[i]
		}
	}
	a.render(w, r, code, "dreets_sanctions", page)
}

// dreetsPronounce (POST /dreets/sanctions) pronounces the sanction.
func (a *App) dreetsPronounce(w http.ResponseWriter, r *http.Request) {
	f := sanctionForm{Kind: r.PostFormValue("sanction-nature"), Duration: strings.TrimSpace(r.PostFormValue("sanction-duree")),
		NotifiedOn: r.PostFormValue("sanction-notification"), Reference: r.PostFormValue("sanction-reference"),
		Motivation: r.PostFormValue("sanction-motivation"), Session: strings.TrimSpace(r.PostFormValue("sanction-session"))}
	data := sanctionsData{Query: strings.TrimSpace(r.PostFormValue("sanction-candidat")), Form: f}
	if data.Query == "" || len(data.Query) > maxSanctionCandidate {
		data.Query = ""
		a.showSanctions(w, r, http.StatusUnprocessableEntity, data,
			[]Field{{ID: "recherche-candidat", Message: "Recherchez d’abord le candidat par l’identifiant de sa fiche."}}, "")
		return
	}
	in := &candidatev1.Sanction{NotifiedOn: f.NotifiedOn, Reference: f.Reference, Motivation: f.Motivation, SessionId: f.Session}
	var errs []Field
	switch f.Kind {
	case "exclusion": // the duration, for a ban only, is not sent
		in.Kind = candidatev1.SanctionKind_SANCTION_KIND_EXCLUSION
	case "interdiction":
		in.Kind = candidatev1.SanctionKind_SANCTION_KIND_BAN
		n, err := strconv.Atoi(f.Duration)
		if err != nil || len(f.Duration) > maxSanctionDuration {
			errs = append(errs, Field{ID: "sanction-duree", Message: "Saisissez la durée de l’interdiction en mois, par exemple 12."})
		}
		in.DurationMonths = int32(n) // at most three digits
	}
	if len(errs) > 0 {
		a.showSanctions(w, r, http.StatusUnprocessableEntity, data, errs, "")
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.candidate.CreateSanction(ctx, &candidatev1.CreateSanctionRequest{CandidateId: data.Query, Sanction: in})
	if err == nil {
		http.Redirect(w, r, sanctionsHref(data.Query)+"&prononcee="+url.QueryEscape(resp.GetSanction().GetSanctionId())+"#sanction-prononcee",
			http.StatusSeeOther)
		return
	}
	if failsThePage(err) || status.Code(err) == codes.PermissionDenied {
		a.fail(w, r, err)
		return
	}
	errs, refusal, code := dreetsFormRefusal(err, sanctionFields)
	for i := range errs {
		if said, ok := sanctionRequired[errs[i].ID]; ok && errs[i].Message == messages.Field("required") {
			errs[i].Message = said
		}
	}
	data.Refusal = refusal
	a.showSanctions(w, r, code, data, errs, "")
}

// resultFraudView is a fraud report as the minutes' page shows it to the
// officer (R57), with the way to the sanction it may call for (R58).
type resultFraudView struct {
	ID, About, When, By, Measure, Facts string
	// SanctionHref is the sanctions page of the report's candidate,
	// prefilled with the report and the session; "" for a report on the
	// session as a whole.
	SanctionHref string
}

// fraudReportsOf reads the fraud reports of session. An error that fails
// the page is returned; after another (the session unknown to the
// assessment service) the section is left unread (nil).
func (a *App) fraudReportsOf(ctx context.Context, session string) (*assessmentv1.ListFraudReportsResponse, error) {
	list, err := a.svc.assessment.ListFraudReports(ctx, &assessmentv1.ListFraudReportsRequest{SessionId: session})
	if err != nil && failsThePage(err) {
		return nil, err
	}
	return list, nil
}

// resultFraud returns the reports of list (nil: unread, ok false) of
// session, naming the candidates the lines of the page name.
func resultFraud(list *assessmentv1.ListFraudReportsResponse, session string, lines []lineView) (out []resultFraudView, ok bool) {
	if list == nil {
		return nil, false
	}
	names := map[string]string{}
	for _, l := range lines {
		names[l.CandidateID] = l.Name
	}
	for _, f := range list.GetFraudReports() {
		v := resultFraudView{ID: f.GetReportId(), About: "La session dans son ensemble", When: DateTimeFR(f.GetObserveTime().AsTime()),
			Facts: f.GetFacts(), Measure: "aucune", By: "le juré " + f.GetReporterName()}
		if f.GetReporterRole() == assessmentv1.FraudReporterRole_FRAUD_REPORTER_ROLE_CENTRE {
			v.By = "le responsable de session"
		}
		if f.GetMeasure() == assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE {
			v.Measure = "candidat exclu de l’épreuve"
		}
		if c := f.GetCandidateId(); c != "" {
			v.About = "Candidat " + c
			if n := names[c]; n != "" {
				v.About = n
			}
			v.SanctionHref = sanctionsHref(c) + "&" + url.Values{"reference": {f.GetReportId()}, "session": {session}}.Encode() + "#formulaire-sanction"
		}
		out = append(out, v)
	}
	return out, true
}
