package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The changes of a candidacy the centre records from the candidacies page
// (centre_candidacies.go), each a form per candidacy awaiting its
// deliberation:
//
//   - a disability adjustment authorised before the session (R46), while
//     the session is planned: POST …/candidatures/{candidacy}/amenagement
//     (RecordAdjustment);
//   - a transfer to another planned session of the centre on the same
//     title version, while the session is planned or in progress:
//     POST …/candidatures/{candidacy}/transfert (TransferCandidacy);
//   - the attendance at each épreuve, while the session is in progress:
//     POST …/candidatures/{candidacy}/presence (RecordAttendance).
//   - a withdrawal with its reason, while the session is planned or in
//     progress: POST …/candidatures/{candidacy}/retrait (WithdrawCandidacy).
//
// The service decides; its field violations go next to the fields (ids
// "am-", "tr-", "pr-", "re-" followed by the candidacy's id), its other refusals
// in the alert at the top of the page, naming the rule.

// centreEpreuve is an épreuve the title holds for the session's type, as
// the forms offer it. Value is the API's name without its prefix
// ("MISE_EN_SITUATION_PROFESSIONNELLE"), "" when the title lists none.
type centreEpreuve struct {
	Value, Label string
	Minutes      int32 // the duration the title gives, 0 when it does not
}

// centreEpreuvesFor returns the épreuves of title t for a session CCP (ccp)
// or titre, in the title's order; a single unspecified one when the title
// lists none.
func centreEpreuvesFor(t *certificationv1.Title, ccp bool) []centreEpreuve {
	st := certificationv1.SessionType_SESSION_TYPE_TITRE
	if ccp {
		st = certificationv1.SessionType_SESSION_TYPE_CCP
	}
	var out []centreEpreuve
	for _, e := range t.GetEpreuves() {
		value := strings.TrimPrefix(e.GetKind().String(), "EPREUVE_KIND_")
		if !slices.Contains(e.GetSessionTypes(), st) || slices.ContainsFunc(out, func(x centreEpreuve) bool { return x.Value == value }) {
			continue
		}
		label := e.GetLabel()
		if label == "" {
			label = juryEpreuveLabels[e.GetKind()]
		}
		out = append(out, centreEpreuve{Value: value, Label: label, Minutes: e.GetDurationMinutes()})
	}
	if len(out) == 0 {
		out = []centreEpreuve{{Label: "Toutes les épreuves"}}
	}
	return out
}

// centreEpreuveKind returns the API's épreuve of a form's value ("" is
// unspecified), false for a value that names none.
func centreEpreuveKind(value string) (certificationv1.EpreuveKind, bool) {
	if value == "" {
		return certificationv1.EpreuveKind_EPREUVE_KIND_UNSPECIFIED, true
	}
	k, ok := certificationv1.EpreuveKind_value["EPREUVE_KIND_"+value]
	return certificationv1.EpreuveKind(k), ok && k != 0
}

// centreChange is a change form of one candidacy as typed, shown again
// when the service refused it.
type centreChange struct {
	Candidacy string
	Adjust    centreAdjustForm
	Transfer  centreTransferForm
	Withdraw  centreWithdrawForm
	Marks     map[string]string // épreuve value → "present", "absent"; nil unless the attendance form was sent
}

// centreAdjustForm is the adjustment form (R46) as typed.
type centreAdjustForm struct {
	Epreuve, Extra, Duration, Arrangements, Reference, Date, Justification string
	Exceptional                                                            bool
}

// centreTransferForm is the transfer form as typed.
type centreTransferForm struct{ Target, Reason string }

// centreWithdrawForm is the withdrawal form as typed.
type centreWithdrawForm struct{ Reason string }

// centreMark is one épreuve of the attendance form.
type centreMark struct {
	Epreuve centreEpreuve
	ID      string // the id of its "present" radio; "absent" has ID+"-absent"
	Value   string // "present", "absent" or "" (not recorded)
}

// centreTarget is a session a candidacy may be transferred to.
type centreTarget struct {
	ID, Label string
}

// centreTransferTargets returns the other planned sessions of the
// signed-in centre on the session's title version, by first day (within
// centreMaxPages pages of the service's largest size).
func (a *App) centreTransferTargets(ctx context.Context, r *http.Request, s centreSession) ([]centreTarget, error) {
	centre := ""
	if u := SessionOf(r); u != nil {
		centre = u.Centre
	}
	var sessions []*assessmentv1.Session
	token := ""
	for range centreMaxPages {
		resp, err := a.svc.assessment.ListSessions(ctx, &assessmentv1.ListSessionsRequest{
			PageSize: centreListPageSize, PageToken: token, CentreId: centre, TitleId: s.TitleID,
		})
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, resp.GetSessions()...)
		if token = resp.GetNextPageToken(); token == "" {
			break
		}
	}
	slices.SortStableFunc(sessions, func(x, y *assessmentv1.Session) int { return strings.Compare(x.GetStartDate(), y.GetStartDate()) })
	var out []centreTarget
	for _, o := range sessions {
		if o.GetId() == s.ID || o.GetTitleVersion() != s.TitleVersion || o.GetState() != assessmentv1.SessionState_SESSION_STATE_PLANNED {
			continue
		}
		label := sessionTypeLabel(o.GetType()) + " du " + CivilDateFR(o.GetStartDate())
		if o.GetEndDate() != o.GetStartDate() {
			label += " au " + CivilDateFR(o.GetEndDate())
		}
		out = append(out, centreTarget{ID: o.GetId(), Label: label + ", " + o.GetSite()})
	}
	return out, nil
}

// centreAttendanceFR says the attendance recorded for a candidacy, one
// sentence per épreuve ("Mise en situation professionnelle : présent").
func centreAttendanceFR(c *assessmentv1.Candidacy) []string {
	var out []string
	for _, m := range c.GetAttendance() {
		s := juryEpreuveLabels[m.GetEpreuve()]
		if s == "" {
			s = "Toutes les épreuves"
		}
		if m.GetPresent() {
			s += " : présent"
		} else {
			s += " : absent"
		}
		out = append(out, s)
	}
	return out
}

// centreChangePaths returns the session and candidacy of a change's path.
func centreChangePaths(r *http.Request) (session, candidacy string, ok bool) {
	session, ok1 := centreSessionID(r)
	candidacy, ok2 := centreID(r.PathValue("candidacy"))
	return session, candidacy, ok1 && ok2
}

// centreChanged redirects to the candidacies page after a change.
func centreChanged(w http.ResponseWriter, r *http.Request, session, done, candidacy string) {
	http.Redirect(w, r, "/centre/sessions/"+session+"/candidatures?fait="+done+"#candidature-"+candidacy, http.StatusSeeOther)
}

// centreRecordAdjustment (POST /centre/sessions/{id}/candidatures/{candidacy}/amenagement)
// records a disability adjustment authorised before the session (R46).
func (a *App) centreRecordAdjustment(w http.ResponseWriter, r *http.Request) {
	id, candidacy, ok := centreChangePaths(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	f := centreAdjustForm{
		Epreuve: r.PostFormValue("epreuve"), Extra: strings.TrimSpace(r.PostFormValue("minutes")),
		Duration: strings.TrimSpace(r.PostFormValue("duree")), Arrangements: strings.TrimSpace(r.PostFormValue("amenagements")),
		Reference: strings.TrimSpace(r.PostFormValue("reference")), Date: strings.TrimSpace(r.PostFormValue("date")),
		Exceptional: r.PostFormValue("exceptionnel") == "oui", Justification: strings.TrimSpace(r.PostFormValue("justification")),
	}
	change := &centreChange{Candidacy: candidacy, Adjust: f}
	p := "am-" + candidacy + "-"
	adj := &assessmentv1.Adjustment{
		Arrangements: f.Arrangements, AuthorisationReference: f.Reference, AuthorisationDate: centreFormDate(f.Date),
		Exceptional: f.Exceptional, Justification: f.Justification,
	}
	var errs []Field
	kind, known := centreEpreuveKind(f.Epreuve)
	if !known {
		errs = append(errs, Field{ID: p + "epreuve", Message: "Choisissez l’épreuve aménagée dans la liste."})
	}
	adj.Epreuve = kind
	if n, ok := centreMinutes(f.Extra); ok {
		adj.ExtraMinutes = n
	} else {
		errs = append(errs, Field{ID: p + "minutes", Message: "Saisissez le temps supplémentaire en minutes, un nombre entier de 0 à 600."})
	}
	if n, ok := centreMinutes(f.Duration); ok {
		adj.EpreuveMinutes = n
	} else {
		errs = append(errs, Field{ID: p + "duree", Message: "Saisissez la durée prévue de l’épreuve en minutes, un nombre entier."})
	}
	if errs != nil {
		a.centreShowCandidaciesWith(w, r, http.StatusUnprocessableEntity, centreNewRegisterForm(), change, errs, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.RecordAdjustment(ctx, &assessmentv1.RecordAdjustmentRequest{SessionId: id, CandidacyId: candidacy, Adjustment: adj})
	if err == nil {
		centreChanged(w, r, id, "amenagement", candidacy)
		return
	}
	fields := []centreFormField{
		{"adjustment.epreuve", p + "epreuve"}, {"adjustment.extra_minutes", p + "minutes"}, {"adjustment.epreuve_minutes", p + "duree"},
		{"adjustment.arrangements", p + "amenagements"}, {"adjustment.authorisation_reference", p + "reference"},
		{"adjustment.authorisation_date", p + "date"}, {"adjustment.exceptional", p + "exceptionnel"},
		{"adjustment.justification", p + "justification"},
	}
	a.centreChangeRefused(w, r, err, fields, change)
}

// centreTransfer (POST /centre/sessions/{id}/candidatures/{candidacy}/transfert)
// moves the candidacy to another planned session of the centre on the same
// title version.
func (a *App) centreTransfer(w http.ResponseWriter, r *http.Request) {
	id, candidacy, ok := centreChangePaths(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	f := centreTransferForm{Target: r.PostFormValue("session"), Reason: strings.TrimSpace(r.PostFormValue("motif"))}
	change := &centreChange{Candidacy: candidacy, Transfer: f}
	p := "tr-" + candidacy + "-"
	target, valid := centreID(f.Target)
	if !valid {
		a.centreShowCandidaciesWith(w, r, http.StatusUnprocessableEntity, centreNewRegisterForm(), change,
			[]Field{{ID: p + "session", Message: "Choisissez la session vers laquelle transférer la candidature."}}, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.TransferCandidacy(ctx, &assessmentv1.TransferCandidacyRequest{SessionId: id, CandidacyId: candidacy, TargetSessionId: target, Reason: f.Reason})
	if err == nil {
		centreChanged(w, r, id, "transfert", candidacy)
		return
	}
	a.centreChangeRefused(w, r, err, []centreFormField{{"target_session_id", p + "session"}, {"reason", p + "motif"}}, change)
}

// centreRecordAttendance (POST /centre/sessions/{id}/candidatures/{candidacy}/presence)
// records whether the candidate attended each épreuve marked.
func (a *App) centreRecordAttendance(w http.ResponseWriter, r *http.Request) {
	id, candidacy, ok := centreChangePaths(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	change := &centreChange{Candidacy: candidacy, Marks: map[string]string{}}
	req := &assessmentv1.RecordAttendanceRequest{SessionId: id, CandidacyId: candidacy}
	var order []string // the form's épreuves, in the form's order
	for _, value := range r.PostForm["epreuve"] {
		if len(order) >= 10 || slices.Contains(order, value) {
			continue
		}
		order = append(order, value)
		mark := r.PostFormValue("presence:" + value)
		kind, known := centreEpreuveKind(value)
		if !known || (mark != "present" && mark != "absent") {
			continue
		}
		change.Marks[value] = mark
		req.Attendance = append(req.Attendance, &assessmentv1.Attendance{Epreuve: kind, Present: mark == "present"})
	}
	first := centreMarkID(candidacy, 0)
	if len(req.Attendance) == 0 {
		a.centreShowCandidaciesWith(w, r, http.StatusUnprocessableEntity, centreNewRegisterForm(), change,
			[]Field{{ID: first, Message: "Indiquez si le candidat était présent ou absent à au moins une épreuve."}}, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.RecordAttendance(ctx, req)
	if err == nil {
		centreChanged(w, r, id, "presence", candidacy)
		return
	}
	a.centreChangeRefused(w, r, err, []centreFormField{{"attendance", first}}, change)
}

// centreWithdraw (POST /centre/sessions/{id}/candidatures/{candidacy}/retrait)
// withdraws the candidacy before its deliberation, with the reason the
// centre gives (optional): it will not be deliberated.
func (a *App) centreWithdraw(w http.ResponseWriter, r *http.Request) {
	id, candidacy, ok := centreChangePaths(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	f := centreWithdrawForm{Reason: strings.TrimSpace(r.PostFormValue("motif"))}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.WithdrawCandidacy(ctx, &assessmentv1.WithdrawCandidacyRequest{SessionId: id, CandidacyId: candidacy, Reason: f.Reason})
	if err == nil {
		centreChanged(w, r, id, "retrait", candidacy)
		return
	}
	a.centreChangeRefused(w, r, err, []centreFormField{{"reason", "re-" + candidacy + "-motif"}}, &centreChange{Candidacy: candidacy, Withdraw: f})
}

// centreMarkID is the id of the "present" radio of the i-th épreuve of a
// candidacy's attendance form.
func centreMarkID(candidacy string, i int) string {
	return "pr-" + candidacy + "-" + strconv.Itoa(i)
}

// centreChangeRefused shows the candidacies page again with the service's
// refusal of a change: field violations next to the fields, the rest in
// the alert naming the rule.
func (a *App) centreChangeRefused(w http.ResponseWriter, r *http.Request, err error, fields []centreFormField, change *centreChange) {
	ref, errs, status, ok := centreRefusalOf(err, fields, centreCandidacyChangeHint)
	if !ok {
		a.fail(w, r, err)
		return
	}
	a.centreShowCandidaciesWith(w, r, status, centreNewRegisterForm(), change, errs, ref)
}

// centreCandidacyChangeHint explains the refusals of a change in the page's terms.
func centreCandidacyChangeHint(reason string, meta map[string]string) string {
	switch reason {
	case "SESSION_NOT_IN_PROGRESS":
		return "La présence aux épreuves s’enregistre pendant la session, entre son ouverture et la signature du procès-verbal."
	case "SESSION_NOT_PLANNED":
		return "La session n’est plus planifiée : cette candidature ne peut plus changer ainsi."
	case "ADJUSTMENT_EXCEEDS_A_THIRD":
		if m := meta["max_minutes"]; m != "" {
			return "Le temps supplémentaire ne peut dépasser le tiers de la durée de l’épreuve, soit " + m + " minutes, sauf aménagement exceptionnel : cochez « Aménagement exceptionnel » et justifiez-le (règle R46)."
		}
	}
	return ""
}

// centreMinutes parses a number of minutes typed in a form ("" is 0).
func centreMinutes(s string) (int32, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return int32(n), err == nil && n >= 0 && n <= 100000
}

// centreFormDate returns a date typed as "YYYY-MM-DD" (the date input) or
// "JJ/MM/AAAA" (a browser without one) as "YYYY-MM-DD"; anything else as
// typed, for the service to refuse.
func centreFormDate(s string) string {
	if d, err := time.Parse("02/01/2006", s); err == nil {
		return d.Format(time.DateOnly)
	}
	return s
}

// centreNewRegisterForm is an empty registration form.
func centreNewRegisterForm() centreRegisterForm {
	return centreRegisterForm{RequestID: uuid.NewString(), Mode: "liste"}
}

// centreChangeFormsOf fills the change forms of candidacy cv (c): the
// attendance recorded per épreuve and what was typed in a refused form of
// its (change), unfolded when it was refused or one of its fields has an
// error.
func centreChangeFormsOf(cv *centreCandidacy, c *assessmentv1.Candidacy, epreuves []centreEpreuve, change *centreChange, errs []Field) {
	recorded := map[string]string{}
	for _, m := range c.GetAttendance() {
		value := ""
		if m.GetEpreuve() != certificationv1.EpreuveKind_EPREUVE_KIND_UNSPECIFIED {
			value = strings.TrimPrefix(m.GetEpreuve().String(), "EPREUVE_KIND_")
		}
		recorded[value] = "absent"
		if m.GetPresent() {
			recorded[value] = "present"
		}
	}
	mine := change != nil && change.Candidacy == cv.ID
	if mine {
		cv.Open, cv.Adjust, cv.Transfer, cv.Withdraw = true, change.Adjust, change.Transfer, change.Withdraw
		if change.Marks != nil {
			recorded = change.Marks
		}
	}
	for i, e := range epreuves {
		cv.Marks = append(cv.Marks, centreMark{Epreuve: e, ID: centreMarkID(cv.ID, i), Value: recorded[e.Value]})
	}
	for _, f := range errs {
		for _, prefix := range []string{"am-", "tr-", "pr-", "re-"} {
			cv.Open = cv.Open || strings.HasPrefix(f.ID, prefix+cv.ID+"-")
		}
	}
}
