package web

import (
	"context"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// « Signaler une fraude » (POST /jury/sessions/{session}/fraude): on the
// session page, while the session is in progress or in deliberation, a
// juror files a fraud report on the session or on one of the candidacies
// they see (R57): the facts, when they were observed (a day and a time in
// France), whether the candidate was excluded from the épreuve. The page
// lists the session's reports; the minutes mention every one, and a juror
// who read the minutes before a report reads them again before signing.

// jurorFraudMaxFacts bounds the facts the form sends, as the service does.
const jurorFraudMaxFacts = 4000

// jurorFraudData is the fraud section of the juror's and the centre's
// session pages (templates/partials/fraud.html).
type jurorFraudData struct {
	Action      string // where the form posts
	Reports     []jurorFraudRow
	Open        bool // the session takes a report (in progress or in deliberation)
	Candidacies []jurorFraudOption
	Form        jurorFraudForm
	Refusal     *centreRefusal
	Done        bool // a report was just filed
}

// jurorFraudForm is the form as sent (or empty).
type jurorFraudForm struct {
	Candidacy, Facts, Date, Time, Measure string
}

type jurorFraudOption struct {
	Value, Label string
	Selected     bool
}

// jurorFraudRow is one report of the list.
type jurorFraudRow struct {
	About, When, By, Measure, Facts string
}

// jurorFraud reads the section for session s, whose candidacies offered
// are rows (id and name); the form posts to action; form is the form as
// sent, nil for an empty one.
func (a *App) jurorFraud(ctx context.Context, r *http.Request, s *assessmentv1.Session, rows []juryCandidacyRow, action string, form *jurorFraudForm, refusal *centreRefusal) jurorFraudData {
	st := s.GetState()
	d := jurorFraudData{Action: action, Refusal: refusal, Done: r.URL.Query().Get("fraude") == "signalee",
		Open: st == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS || st == assessmentv1.SessionState_SESSION_STATE_DELIBERATED}
	if form != nil {
		d.Form = *form
	} else {
		now := time.Now().In(paris)
		d.Form = jurorFraudForm{Date: now.Format(time.DateOnly), Time: now.Format("15:04"), Measure: "aucune"}
	}
	names := map[string]string{}
	d.Candidacies = append(d.Candidacies, jurorFraudOption{Value: "", Label: "La session dans son ensemble", Selected: d.Form.Candidacy == ""})
	for _, row := range rows {
		names[row.ID] = row.Name
		d.Candidacies = append(d.Candidacies, jurorFraudOption{Value: row.ID, Label: row.Name, Selected: d.Form.Candidacy == row.ID})
	}
	list, err := a.svc.assessment.ListFraudReports(ctx, &assessmentv1.ListFraudReportsRequest{SessionId: s.GetId()})
	if err != nil {
		return d
	}
	for _, f := range list.GetFraudReports() {
		row := jurorFraudRow{About: "La session", When: DateTimeFR(f.GetObserveTime().AsTime()), Facts: f.GetFacts(), Measure: "aucune"}
		if id := f.GetCandidacyId(); id != "" {
			row.About = "Candidature " + id
			if n := names[id]; n != "" {
				row.About = n
			}
		}
		if f.GetReporterRole() == assessmentv1.FraudReporterRole_FRAUD_REPORTER_ROLE_CENTRE {
			row.By = "le responsable de session"
		} else {
			row.By = "le juré " + f.GetReporterName()
		}
		if f.GetMeasure() == assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE {
			row.Measure = "candidat exclu de l’épreuve"
		}
		d.Reports = append(d.Reports, row)
	}
	return d
}

// jurorReportFraud (POST /jury/sessions/{session}/fraude) files the report
// the form sends.
func (a *App) jurorReportFraud(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("session")
	if !juryValidID(id) {
		a.notFound(w, r)
		return
	}
	form, errs, ok, err := a.reportFraud(r, id)
	switch {
	case !ok:
		a.notFound(w, r)
	case errs == nil && err == nil:
		http.Redirect(w, r, "/jury/sessions/"+id+"?fraude=signalee#fraude", http.StatusSeeOther)
	case err == nil:
		a.jurorShowSession(w, r, http.StatusUnprocessableEntity, jurorSessionForms{errs: errs, fraud: &form})
	default:
		ref, errs, code, shown := centreRefusalOf(err, fraudFormFields, nil)
		if !shown {
			a.jurorFail(w, r, err, &link{Label: "La session", Href: "/jury/sessions/" + id})
			return
		}
		a.jurorShowSession(w, r, code, jurorSessionForms{errs: errs, fraud: &form, fraudRefusal: ref})
	}
}

// fraudFormFields maps the fields of a refused report to the form's.
var fraudFormFields = []centreFormField{{"facts", "fraude-faits"}, {"observe_time", "fraude-date"}, {"measure", "fraude-mesure"},
	{"candidacy_id", "fraude-candidature"}}

// reportFraud reads the form of r and files the report on session id: the
// form as sent, its field errors (nothing sent), or the service's error;
// ok is false for a candidacy that cannot be an id.
func (a *App) reportFraud(r *http.Request, id string) (form jurorFraudForm, errs []Field, ok bool, err error) {
	form = jurorFraudForm{Candidacy: r.PostFormValue("candidature"), Facts: r.PostFormValue("faits"),
		Date: r.PostFormValue("date"), Time: r.PostFormValue("heure"), Measure: r.PostFormValue("mesure")}
	if form.Candidacy != "" && !juryValidID(form.Candidacy) {
		return form, nil, false, nil
	}
	report := &assessmentv1.FraudReport{CandidacyId: form.Candidacy, Facts: form.Facts}
	switch {
	case strings.TrimSpace(form.Facts) == "":
		errs = append(errs, Field{ID: "fraude-faits", Message: "Décrivez les faits constatés."})
	case utf8.RuneCountInString(form.Facts) > jurorFraudMaxFacts:
		errs = append(errs, Field{ID: "fraude-faits", Message: "Décrivez les faits en 4000 caractères au plus."})
	}
	at, perr := time.ParseInLocation(time.DateOnly+" 15:04", form.Date+" "+form.Time, paris)
	if perr != nil {
		errs = append(errs, Field{ID: "fraude-date", Message: "Indiquez le jour et l’heure des faits."})
	} else {
		report.ObserveTime = timestamppb.New(at)
	}
	switch form.Measure {
	case "aucune":
		report.Measure = assessmentv1.FraudMeasure_FRAUD_MEASURE_NONE
	case "exclusion":
		report.Measure = assessmentv1.FraudMeasure_FRAUD_MEASURE_EXCLUDED_FROM_EPREUVE
	default:
		errs = append(errs, Field{ID: "fraude-mesure", Message: "Choisissez la mesure prise."})
	}
	if errs != nil {
		return form, errs, true, nil
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err = a.svc.assessment.CreateFraudReport(ctx, &assessmentv1.CreateFraudReportRequest{SessionId: id, FraudReport: report})
	return form, nil, true, err
}
