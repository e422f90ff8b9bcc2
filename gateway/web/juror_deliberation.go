package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

// juryMaxMotivation is the API's bound on a motivation, in characters.
const juryMaxMotivation = 2000

// juryDeliberationData is the deliberation page: one decision per CCP of
// the candidacy's scope (R48), or the candidate's absence.
type juryDeliberationData struct {
	Nav      juryCandidacyNav
	Crumbs   juryCrumbs
	Name     string
	Action   string
	Absent   bool
	CCPs     []juryDecisionField
	Recorded string // the decision on record, in French; "" if none
	Locked   string
	Saved    bool
	Refusal  *juryRefusal
}

// juryDecisionField is the decision on one CCP, as a fieldset of the form.
type juryDecisionField struct {
	Code, Label                   string
	Outcome                       string // "OBTAINED", "NOT_OBTAINED" or ""
	Motivation                    string
	OutcomeName, MotivationName   string
	ObtainedID, NotObtainedID     string
	MotivationID                  string
	OutcomeError, MotivationError string
}

func juryDecisionFields(jc *juryCase) []juryDecisionField {
	var out []juryDecisionField
	for _, code := range jc.candidacy.GetCcpCodes() {
		id := juryFieldID(code)
		f := juryDecisionField{Code: code, Label: juryCCPName(jc.title, code),
			OutcomeName: "resultat:" + code, MotivationName: "motivation:" + code,
			ObtainedID: "resultat-" + id + "-obtenu", NotObtainedID: "resultat-" + id + "-non-obtenu", MotivationID: "motivation-" + id}
		for _, d := range jc.candidacy.GetDeliberation().GetCcpDecisions() {
			if d.GetCcpCode() == code {
				f.Outcome = strings.TrimPrefix(d.GetOutcome().String(), "CCP_OUTCOME_")
				if f.Outcome == "UNSPECIFIED" {
					f.Outcome = ""
				}
				f.Motivation = d.GetMotivation()
			}
		}
		out = append(out, f)
	}
	return out
}

// deliberationData reads what the page needs besides the case: whether
// the minutes are being signed, which freezes every decision (R50).
func (a *App) deliberationData(r *http.Request, jc *juryCase) (juryDeliberationData, error) {
	nav, crumbs := juryCandidacyPages(jc.session, jc.candidacy, "deliberation")
	data := juryDeliberationData{Nav: nav, Crumbs: crumbs, Name: jc.candidacy.GetCandidateName(), Action: r.URL.Path, CCPs: juryDecisionFields(jc)}
	if d := jc.candidacy.GetDeliberation(); d != nil {
		data.Absent = d.GetAbsent()
		data.Recorded = juryTitleOutcome(d.GetTitleOutcome()) + ", décision enregistrée le " + DateTimeFR(d.GetDeliberateTime().AsTime())
	}
	switch jc.session.GetState() {
	case assessmentv1.SessionState_SESSION_STATE_PLANNED:
		data.Locked = "La session n’est pas encore ouverte : le jury délibère une fois la session ouverte et les grilles remplies."
	case assessmentv1.SessionState_SESSION_STATE_CLOSED:
		data.Locked = "Tous les membres du jury ont signé le procès-verbal : la décision ne peut plus changer (règle R50)."
	case assessmentv1.SessionState_SESSION_STATE_DELIBERATED:
		ctx, cancel := callContext(r)
		defer cancel()
		m, err := a.svc.assessment.GetMinutes(ctx, &assessmentv1.GetMinutesRequest{SessionId: jc.session.GetId()})
		if err != nil {
			return data, err
		}
		if len(m.GetMinutes().GetSignatures()) > 0 {
			data.Locked = "La signature du procès-verbal a commencé : la décision ne peut plus changer (règle R50)."
		}
	}
	return data, nil
}

// jurorDeliberation (GET …/deliberation) shows the form of the jury's
// decision, filled with the decision on record.
func (a *App) jurorDeliberation(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	data, err := a.deliberationData(r, jc)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	data.Saved = r.URL.Query().Get("enregistre") == "1"
	a.render(w, r, http.StatusOK, "juror_deliberation", Page{Title: "Délibération — " + data.Name, Data: data})
}

// jurorDeliberate (POST …/deliberation) records the jury's decision. The
// assessment service checks it (R48: one decision per CCP, a motivation
// for each CCP not obtained; R49: the dossier and every free juror's
// complete grid; R50: no signature yet) and the page explains its refusal
// next to the fields concerned.
func (a *App) jurorDeliberate(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	data, err := a.deliberationData(r, jc)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	title := "Délibération — " + data.Name
	req := &assessmentv1.DeliberateCandidacyRequest{SessionId: jc.session.GetId(), CandidacyId: jc.candidacy.GetId(), Absent: r.PostFormValue("absent") == "1"}
	data.Absent = req.Absent
	var errs []Field
	for i := range data.CCPs {
		f := &data.CCPs[i]
		f.Outcome = r.PostFormValue(f.OutcomeName)
		f.Motivation = strings.TrimSpace(strings.ReplaceAll(r.PostFormValue(f.MotivationName), "\r\n", "\n"))
		var outcome assessmentv1.CcpOutcome
		switch f.Outcome {
		case "":
		case "OBTAINED":
			outcome = assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED
		case "NOT_OBTAINED":
			outcome = assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED
		default:
			f.OutcomeError = "Choisissez « Obtenu » ou « Non obtenu » pour " + f.Code + "."
			errs = append(errs, Field{ID: f.ObtainedID, Message: f.OutcomeError})
		}
		if n := utf8.RuneCountInString(f.Motivation); n > juryMaxMotivation {
			f.MotivationError = "La motivation de " + f.Code + " compte " + IntFR(int64(n)) + " caractères : " + IntFR(juryMaxMotivation) + " au plus."
			errs = append(errs, Field{ID: f.MotivationID, Message: f.MotivationError})
		}
		if !req.Absent {
			req.CcpDecisions = append(req.CcpDecisions, &assessmentv1.CcpDecision{CcpCode: f.Code, Outcome: outcome, Motivation: f.Motivation})
		}
	}
	if len(errs) > 0 {
		a.render(w, r, http.StatusUnprocessableEntity, "juror_deliberation", Page{Title: title, Errors: errs, Data: data})
		return
	}
	_, err = a.svc.assessment.DeliberateCandidacy(ctx, req)
	if err == nil {
		http.Redirect(w, r, r.URL.Path+"?enregistre=1", http.StatusSeeOther)
		return
	}
	st, ok := status.FromError(err)
	if !ok {
		a.caseFail(w, r, err)
		return
	}
	switch st.Code() {
	case codes.InvalidArgument:
		m := jurorMessage(err)
		rule := m.Rule
		if describe(err).Rule == "R48" {
			rule = juryRuleR48
		}
		data.Refusal = &juryRefusal{Title: "Décision incomplète", Detail: "Le service d’évaluation refuse la décision : corrigez les champs signalés, puis enregistrez à nouveau.", Rule: rule}
		errs = data.refused(m.Fields)
		a.render(w, r, http.StatusUnprocessableEntity, "juror_deliberation", Page{Title: title, Errors: errs, Data: data})
	case codes.FailedPrecondition, codes.Aborted:
		// R49, R34, R19, R50 and the session's state: the decision cannot
		// be recorded now; the form keeps what was chosen.
		m := jurorMessage(err)
		data.Refusal = &juryRefusal{Title: m.Title, Detail: m.Detail, Rule: m.Rule}
		a.render(w, r, runtime.HTTPStatusFromCode(st.Code()), "juror_deliberation", Page{Title: title, Data: data})
	default:
		a.caseFail(w, r, err)
	}
}

// juryDecisionViolation matches the field of a violation of
// DeliberateCandidacy.
var juryDecisionViolation = regexp.MustCompile(`^ccp_decisions(?:\[(\d+)\](?:\.(\w+))?)?$`)

// refused puts the service's field violations next to the fields of the
// CCPs concerned, in French. The request listed the CCPs in the page's
// order, so index i of the request is the page's CCP i.
func (d *juryDeliberationData) refused(fields map[string]string) []Field {
	var out []Field
	for field, desc := range fields {
		m := juryDecisionViolation.FindStringSubmatch(field)
		if m == nil {
			out = append(out, Field{ID: "decisions", Message: "La décision est refusée : vérifiez chaque CCP, puis enregistrez à nouveau."})
			continue
		}
		if m[1] == "" {
			// The request as a whole: a CCP without decision, or
			// decisions sent for an absent candidate.
			for i := range d.CCPs {
				f := &d.CCPs[i]
				if f.Outcome == "" && f.OutcomeError == "" && strings.Contains(desc, f.Code) {
					f.OutcomeError = "Choisissez « Obtenu » ou « Non obtenu » pour " + f.Code + " : le jury décide de chaque CCP présenté."
					out = append(out, Field{ID: f.ObtainedID, Message: f.OutcomeError})
				}
			}
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil || i >= len(d.CCPs) {
			continue
		}
		f := &d.CCPs[i]
		switch m[2] {
		case "motivation":
			if f.Motivation == "" {
				f.MotivationError = "Motivez la décision sur " + f.Code + " : un CCP non obtenu doit être motivé."
			} else {
				f.MotivationError = "La motivation de " + f.Code + " compte " + IntFR(juryMaxMotivation) + " caractères au plus."
			}
			out = append(out, Field{ID: f.MotivationID, Message: f.MotivationError})
		default:
			f.OutcomeError = "Choisissez « Obtenu » ou « Non obtenu » pour " + f.Code + " : le jury décide de chaque CCP présenté."
			out = append(out, Field{ID: f.ObtainedID, Message: f.OutcomeError})
		}
	}
	// The summary lists the errors in the order of the page.
	order := map[string]int{}
	for i, f := range d.CCPs {
		order[f.ObtainedID], order[f.MotivationID] = 2*i, 2*i+1
	}
	rank := func(f Field) int {
		if r, ok := order[f.ID]; ok {
			return r
		}
		return len(order)
	}
	slices.SortStableFunc(out, func(x, y Field) int { return rank(x) - rank(y) })
	return out
}
