package web

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
)

// The candidacies of a session and their dossiers
// (GET /centre/sessions/{id}/candidatures): who is registered, whose
// Dossier Professionnel is submitted (R34), and while the session is
// planned, a form to register a candidate. The centre registers the
// candidate records it created (listed from the candidate service) or a
// person who registered themselves, by the id that person gives it: the
// service refuses any other record as unknown.

// centreCandidaciesData is the page's data.
type centreCandidaciesData struct {
	Session     centreSession
	Nav         centreNav
	Candidacies []centreCandidacy
	Submitted   int // candidacies in the session with a dossier
	InSession   int // candidacies neither withdrawn nor transferred
	Offer       []centreCandidateOption
	More        bool // the centre has more records than offered
	Form        centreRegisterForm
	CCPs        []centreCCPOption
	Refusal     *centreRefusal
	Done        bool // a candidate was just registered
	ECFDone     bool // ECF results were just recorded
	// The changes of a candidacy (centre_candidacy_changes.go): the
	// épreuves of the session's type (nil when the catalogue did not
	// answer: no adjustment nor attendance form), whether one lacks its
	// duration in the title, the sessions a candidacy may move to, and
	// the change just recorded ("amenagement", "transfert", "presence",
	// "retrait").
	Epreuves      []centreEpreuve
	NeedsDuration bool
	Targets       []centreTarget
	Changed       string
}

// centreCandidacy is a candidacy as the table shows it.
type centreCandidacy struct {
	ID, CandidateID, Name string
	Scope                 []string
	Employer              string
	Dossier               bool
	Submitted             time.Time
	Manifest              string // start of the snapshot's manifest hash
	Registered            time.Time
	Deliberated           bool
	Outcome               string
	Withdrawn             string   // "Retirée par le candidat le …", "Transférée …"; "" while in the session
	Adjustments           []string // the disability adjustments authorised (R46), one sentence each
	ECF                   []string // the ECF results recorded (R30), one per CCP
	ECFForm               bool     // a training-route candidacy still awaiting its deliberation: its ECF may be recorded
	Attendance            []string // the attendance recorded, one sentence per épreuve
	// Changeable: neither withdrawn nor deliberated, the forms of
	// centre_candidacy_changes.go apply; Open shows them unfolded (a form
	// of theirs was refused).
	Changeable bool
	Open       bool
	Adjust     centreAdjustForm
	Transfer   centreTransferForm
	Withdraw   centreWithdrawForm
	Marks      []centreMark
}

func newCentreCandidacy(c *assessmentv1.Candidacy) centreCandidacy {
	v := centreCandidacy{
		ID: c.GetId(), CandidateID: c.GetCandidateId(), Name: c.GetCandidateName(), Scope: c.GetCcpCodes(),
		Employer: c.GetEmployer(), Dossier: c.GetDossierSnapshotId() != "",
		Registered: c.GetCreateTime().AsTime(), Deliberated: c.GetDeliberation() != nil,
	}
	if v.Name == "" {
		v.Name = "Candidat " + c.GetCandidateId()
	}
	if v.Dossier {
		v.Submitted = c.GetDossierSubmitTime().AsTime()
		v.Manifest = c.GetDossierManifestHash()
		if len(v.Manifest) > 12 {
			v.Manifest = v.Manifest[:12]
		}
	}
	if d := c.GetDeliberation(); d != nil {
		v.Outcome = centreOutcomeLabel(d.GetTitleOutcome())
	}
	v.Withdrawn, v.Adjustments = candidacyChangesFR(c)
	v.ECF = ecfResultsFR(c)
	v.ECFForm = c.GetAccessRoute() != commonv1.AccessRoute_ACCESS_ROUTE_VAE && c.GetWithdrawal() == nil && c.GetDeliberation() == nil
	v.Attendance = centreAttendanceFR(c)
	v.Changeable = c.GetWithdrawal() == nil && c.GetDeliberation() == nil
	return v
}

// centreCandidateOption is a candidate record offered for registration.
type centreCandidateOption struct {
	ID, Label string
	Selected  bool
}

// centreRegisterForm is the registration form, as typed.
type centreRegisterForm struct {
	RequestID string
	Mode      string // "liste" (a record of the centre) or "identifiant" (typed)
	Listed    string // the record chosen in the list
	Typed     string // the id typed
	Employer  string
	CCPs      map[string]bool
}

// centreCandidacies (GET /centre/sessions/{id}/candidatures) shows the page.
func (a *App) centreCandidacies(w http.ResponseWriter, r *http.Request) {
	form := centreRegisterForm{RequestID: uuid.NewString(), Mode: "liste", Listed: r.URL.Query().Get("candidat")}
	a.centreShowCandidacies(w, r, http.StatusOK, form, nil, nil)
}

func (a *App) centreShowCandidacies(w http.ResponseWriter, r *http.Request, status int, form centreRegisterForm, errs []Field, refusal *centreRefusal) {
	a.centreShowCandidaciesWith(w, r, status, form, nil, errs, refusal)
}

// centreShowCandidaciesWith shows the page with a candidacy's change form
// as typed (change, nil for none).
func (a *App) centreShowCandidaciesWith(w http.ResponseWriter, r *http.Request, status int, form centreRegisterForm, change *centreChange, errs []Field, refusal *centreRefusal) {
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
	v := newCentreSession(s, t)
	data := centreCandidaciesData{
		Session: v, Nav: newCentreNav(v, "candidatures"), Form: form, Refusal: refusal,
		Done: r.URL.Query().Get("fait") == "inscrit", ECFDone: r.URL.Query().Get("fait") == "ecf",
	}
	switch done := r.URL.Query().Get("fait"); done {
	case "amenagement", "transfert", "presence", "retrait":
		data.Changed = done
	}
	if t != nil {
		data.Epreuves = centreEpreuvesFor(t, v.CCP)
		for _, e := range data.Epreuves {
			data.NeedsDuration = data.NeedsDuration || e.Minutes == 0
		}
	}
	registered := map[string]bool{}
	changeable := false
	for _, c := range candidacies {
		cv := newCentreCandidacy(c)
		registered[cv.CandidateID] = true
		if cv.Withdrawn == "" {
			data.InSession++
			if cv.Dossier {
				data.Submitted++
			}
		}
		centreChangeFormsOf(&cv, c, data.Epreuves, change, errs)
		changeable = changeable || cv.Changeable
		data.Candidacies = append(data.Candidacies, cv)
	}
	if changeable && (v.Planned || v.InProgress) {
		if data.Targets, err = a.centreTransferTargets(ctx, r, v); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	if v.Planned {
		data.CCPs = centreCCPOptions(v.CCPs, form.CCPs)
		if data.Offer, data.More, err = a.centreCandidateOffer(ctx, registered, form.Listed); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	a.render(w, r, status, "centre_candidacies", Page{Title: "Candidatures et dossiers — " + v.Type + " du " + CivilDateFR(v.Start), Errors: errs, Data: data})
}

// centreCandidateOffer returns the centre's candidate records not yet
// registered to the session (one page of the service's largest size: more
// reports that there are others, which the centre registers by id).
func (a *App) centreCandidateOffer(ctx context.Context, registered map[string]bool, selected string) ([]centreCandidateOption, bool, error) {
	resp, err := a.svc.candidate.ListCandidates(ctx, &candidatev1.ListCandidatesRequest{PageSize: centreListPageSize})
	if err != nil {
		return nil, false, err
	}
	var out []centreCandidateOption
	for _, c := range resp.GetCandidates() {
		if registered[c.GetId()] {
			continue
		}
		out = append(out, centreCandidateOption{ID: c.GetId(), Label: centreCandidateLabel(c), Selected: c.GetId() == selected})
	}
	return out, resp.GetNextPageToken() != "", nil
}

// centreCandidateLabel names a candidate record: usage (or birth) name, given
// names, birth date.
func centreCandidateLabel(c *candidatev1.Candidate) string {
	name := c.GetBirthName()
	if c.GetUsageName() != "" {
		name = c.GetUsageName() + " (née ou né " + c.GetBirthName() + ")"
	}
	return strings.ToUpper(name) + " " + strings.Join(c.GetGivenNames(), " ") + ", né(e) le " + CivilDateFR(c.GetBirthDate())
}

// centreRegister (POST /centre/sessions/{id}/candidatures) registers a
// candidate to the session.
func (a *App) centreRegister(w http.ResponseWriter, r *http.Request) {
	id, ok := centreSessionID(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	form := centreRegisterForm{
		RequestID: r.PostFormValue("request_id"), Mode: r.PostFormValue("choix"),
		Listed: r.PostFormValue("candidat-liste"), Typed: strings.TrimSpace(r.PostFormValue("candidat-identifiant")),
		Employer: strings.TrimSpace(r.PostFormValue("employeur")), CCPs: map[string]bool{},
	}
	if uuid.Validate(form.RequestID) != nil {
		form.RequestID = uuid.NewString()
	}
	candidacy := &assessmentv1.Candidacy{Employer: form.Employer}
	for _, c := range r.PostForm["ccp"] {
		if c != "" && len(c) <= 64 && !form.CCPs[c] && len(form.CCPs) < 64 {
			form.CCPs[c] = true
			candidacy.CcpCodes = append(candidacy.CcpCodes, c)
		}
	}
	var errs []Field
	candidateField := "candidat-liste"
	switch form.Mode {
	case "liste":
		candidacy.CandidateId = form.Listed
		if form.Listed == "" {
			errs = append(errs, Field{ID: "candidat-liste", Message: "Choisissez le candidat à inscrire dans la liste."})
		}
	case "identifiant":
		candidateField = "candidat-identifiant"
		candidacy.CandidateId = form.Typed
		if form.Typed == "" {
			errs = append(errs, Field{ID: "candidat-identifiant", Message: "Saisissez l’identifiant que le candidat vous a communiqué."})
		}
	default:
		errs = append(errs, Field{ID: "choix-liste", Message: "Indiquez comment désigner le candidat : dans la liste ou par son identifiant."})
	}
	if len(candidacy.CandidateId) > 64 {
		errs = append(errs, Field{ID: candidateField, Message: "Un identifiant de candidat compte 36 caractères, de la forme 0b7c4c1e-3f0a-4d36-9d7e-1f2d3c4b5a69."})
	}
	if errs != nil {
		a.centreShowCandidacies(w, r, http.StatusUnprocessableEntity, form, errs, nil)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.assessment.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: id, Candidacy: candidacy, RequestId: form.RequestID})
	if err == nil {
		http.Redirect(w, r, "/centre/sessions/"+id+"/candidatures?fait=inscrit", http.StatusSeeOther)
		return
	}
	fields := []centreFormField{{"candidacy.candidate_id", candidateField}, {"candidacy.ccp_codes", "ccp-1"}, {"candidacy.employer", "employeur"}}
	ref, errs, status, ok := centreRefusalOf(err, fields, a.centreRegisterHintFor(ctx, id))
	if !ok {
		a.fail(w, r, err)
		return
	}
	if centreReason(err) == "REQUEST_ID_REUSED" {
		form.RequestID = uuid.NewString()
	}
	a.centreShowCandidacies(w, r, status, form, errs, ref)
}

// centreRegisterHintFor explains the refusals of a registration, naming the
// juror a conflict of interest concerns (R21) and the session's first day
// for a VAE admissibility (R25).
func (a *App) centreRegisterHintFor(ctx context.Context, id string) centreHint {
	return func(reason string, meta map[string]string) string {
		switch reason {
		case "JUROR_CONFLICT_OF_INTEREST":
			who := "Un juré"
			if jurors, err := a.svc.assessment.ListJurors(ctx, &assessmentv1.ListJurorsRequest{SessionId: id}); err == nil {
				for _, j := range jurors.GetJurors() {
					if j.GetSubject() == meta["juror"] {
						who = "Le juré " + j.GetDisplayName()
					}
				}
			}
			return who + " a déclaré un lien (" + strings.ToLower(centreLinkKindOfName(meta["link_kind"])) + ") avec ce candidat : il ne pourrait ni l’évaluer ni délibérer à son sujet (règle R21). Retirez ce juré du jury depuis la page « Jury », ou inscrivez le candidat à une autre session."
		case "CANDIDATE_UNKNOWN":
			return "Le service des sessions ne connaît pas ce candidat. S’il vient d’être enregistré, patientez quelques secondes puis envoyez de nouveau le formulaire ; sinon, vérifiez l’identifiant communiqué par le candidat. Un candidat enregistré par un autre centre ne peut pas être inscrit ici."
		case "VAE_ADMISSIBILITY_EXPIRED":
			return "La décision de recevabilité VAE du candidat doit être valable au premier jour de la session (règle R25) : elle est valable un an. Le candidat doit obtenir une nouvelle décision, ou se présenter à une session plus proche."
		case "CANDIDACY_ALREADY_EXISTS":
			return "Ce candidat est déjà inscrit à cette session : il figure dans le tableau des candidatures."
		case "SESSION_NOT_PLANNED":
			return "La session est ouverte : ses candidatures ne peuvent plus changer."
		case "REQUEST_ID_REUSED":
			return "Ce formulaire a déjà servi à une autre inscription. Vérifiez le tableau des candidatures, puis envoyez de nouveau le formulaire si besoin."
		}
		return ""
	}
}
