package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"golang.org/x/sync/errgroup"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

const (
	// linesPerPage is how many candidates a result page shows: each costs
	// a look-up of the person (and of their certificates once validated),
	// so a session of any size is shown a page at a time.
	linesPerPage = 20
	// lookups bounds the service calls a result page makes at once.
	lookups = 8
	// maxSessionID bounds a session id taken from a URL (a UUID has 36
	// characters).
	maxSessionID = 64
	// hashLength is the length of a hex SHA-256, the minutes' hash.
	hashLength = 64
)

// resultView is the data of a result page (dreets_result.html).
type resultView struct {
	Href         string // the page's own address, where the form posts
	SessionID    string
	Awaiting     bool
	Title        string // the title's wording, or its code when unknown
	TitleCode    string
	TitleVersion string
	Type         string
	Centre       string
	JuryDate     string // "YYYY-MM-DD"
	Signed       time.Time
	Received     time.Time
	Validated    time.Time
	ValidatedBy  string
	MinutesHash  string
	Signatures   []signatureView
	Lines        []lineView // this page's candidates
	Total        int        // candidates in the minutes
	First, Last  int        // positions of this page's candidates, from 1
	PrevHref     string
	NextHref     string
	// JustValidated shows the confirmation after a validation.
	JustValidated bool
	// Refusal is the service's refusal of a validation, shown above the page.
	Refusal *Message

	// The minutes version (R51), the ministry's return of it (nil when
	// not returned), whether the officer may return it (awaiting
	// validation, or validated: a correction), the confirmation after a
	// return, and whether Refusal refused a return.
	Version       int
	Returned      *returnView
	CanReturn     bool
	JustReturned  bool
	RefusedReturn bool

	// The session's fraud reports (R57), each linked to the sanctions
	// page (R58); FraudRead false when they could not be read.
	Fraud     []resultFraudView
	FraudRead bool
}

// returnView is the ministry's return of the minutes.
type returnView struct {
	Reason          string
	Candidacies     []string
	At              time.Time
	AfterValidation bool
}

// lineView is the jury's decision on one candidacy.
type lineView struct {
	CandidateID string
	CandidacyID string
	Name        string // "" when the candidate service does not know the person
	BirthDate   string // "YYYY-MM-DD"
	Outcome     string
	OutcomeTone string // the DSFR badge's tone: success, info, error or "" (neutral)
	Ccps        []ccpView
	Obtained    []string // codes of the CCPs obtained
	DossierHash string
	Awards      []awardView // the certificates the validation issued them
}

// ccpView is the decision on one CCP.
type ccpView struct {
	Code       string
	Label      string
	Obtained   bool
	Decision   string
	Motivation string
}

// signatureView is one juror's signature.
type signatureView struct {
	Name    string
	Subject string
	At      time.Time
	Hash    string
	Matches bool // the juror signed the hash of these minutes
}

// awardView is a certificate the validation issued.
type awardView struct {
	Number           string
	Href             string // the public verification page
	Kind             string
	IssueDate        string // "YYYY-MM-DD"
	ByCapitalisation bool
}

// dreetsResult (GET /dreets/resultats/{session}) shows a session's signed
// minutes: every decision per candidate and CCP with its motivation, the
// jurors' signatures, the content hash, the validation form while the
// result awaits validation, and the awards once validated.
func (a *App) dreetsResult(w http.ResponseWriter, r *http.Request) {
	id, ok := sessionIDParam(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	v, err := a.resultView(r, id)
	if err != nil {
		a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
		return
	}
	v.JustValidated = r.URL.Query().Get("valide") == "1" && !v.Awaiting && v.Returned == nil
	v.JustReturned = r.URL.Query().Get("renvoye") == "1" && v.Returned != nil
	a.render(w, r, http.StatusOK, "dreets_result", Page{Title: resultTitle(v), Data: v})
}

// dreetsValidate (POST /dreets/resultats/{session}) validates the minutes
// the officer examined: the hash shown on the page goes with the request,
// so that the service refuses (MINUTES_HASH_MISMATCH) minutes other than
// those on the screen. The officer ticks a confirmation first: the
// validation cannot be undone.
func (a *App) dreetsValidate(w http.ResponseWriter, r *http.Request) {
	id, ok := sessionIDParam(r)
	if !ok {
		a.notFound(w, r)
		return
	}
	hash := r.PostFormValue("empreinte")
	if len(hash) != hashLength || strings.Trim(hash, "0123456789abcdef") != "" {
		a.renderError(w, r, http.StatusBadRequest, errorPage{
			Title:  "Formulaire incomplet",
			Detail: "L’empreinte du procès-verbal examiné manque au formulaire de validation. Rechargez le procès-verbal et validez-le à nouveau.",
			Link:   &link{Label: "Recharger le procès-verbal", Href: resultHref(id)},
		})
		return
	}
	if r.PostFormValue("confirmation") != "oui" {
		v, err := a.resultView(r, id)
		if err != nil {
			a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
			return
		}
		if !v.Awaiting { // validated meanwhile: nothing left to confirm
			a.render(w, r, http.StatusOK, "dreets_result", Page{Title: resultTitle(v), Data: v})
			return
		}
		a.render(w, r, http.StatusUnprocessableEntity, "dreets_result", Page{
			Title:  resultTitle(v),
			Errors: []Field{{ID: "confirmation", Message: "Cochez la case pour confirmer que vous avez examiné le procès-verbal avant de le valider."}},
			Data:   v,
		})
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.certification.ValidateResult(ctx, &certificationv1.ValidateResultRequest{SessionId: id, MinutesHash: hash})
	if err == nil {
		http.Redirect(w, r, resultHref(id)+"?valide=1", http.StatusSeeOther)
		return
	}
	a.dreetsResultRefused(w, r, id, err, false)
}

// dreetsResultRefused answers a validation or a return (returned) the
// service refused: the result page again, as it stands now (validated by
// someone else, say), with the refusal above the form that was sent.
// Without a result to show (no signed minutes received:
// MINUTES_NOT_SIGNED), the error page; what the person cannot act on
// (failsThePage), fail's page.
func (a *App) dreetsResultRefused(w http.ResponseWriter, r *http.Request, id string, err error, returned bool) {
	if failsThePage(err) {
		a.fail(w, r, err)
		return
	}
	v, verr := a.resultView(r, id)
	if verr != nil {
		a.dreetsFail(w, r, err, &link{Label: "Procès-verbaux à valider", Href: "/dreets/a-valider"})
		return
	}
	m := describe(err)
	v.Refusal, v.RefusedReturn = &m, returned
	a.render(w, r, runtime.HTTPStatusFromCode(status.Code(err)), "dreets_result", Page{Title: resultTitle(v), Data: v})
}

// sessionIDParam returns the session id of the URL when it can be one.
func sessionIDParam(r *http.Request) (string, bool) {
	id := r.PathValue("session")
	if id == "" || len(id) > maxSessionID {
		return "", false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", false
		}
	}
	return id, true
}

func resultTitle(v resultView) string {
	if v.JuryDate == "" {
		return "Procès-verbal du jury"
	}
	return "Procès-verbal du jury du " + CivilDateFR(v.JuryDate)
}

// resultView reads the result of session id and what its page shows
// besides: the title's wording, the candidates of the page (?candidats=N)
// and, once validated, their certificates from this session.
func (a *App) resultView(r *http.Request, id string) (resultView, error) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.GetResult(ctx, &certificationv1.GetResultRequest{SessionId: id})
	if err != nil {
		return resultView{}, err
	}
	res := resp.GetResult()
	title, err := titleBook{}.get(ctx, a, res.GetTitleId(), res.GetTitleVersion())
	if err != nil {
		return resultView{}, err
	}
	v := resultView{
		Href:         resultHref(res.GetSessionId()),
		SessionID:    res.GetSessionId(),
		Awaiting:     res.GetState() == certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION,
		Title:        titleWording(title, res.GetTitleId()),
		TitleCode:    res.GetTitleId(),
		TitleVersion: res.GetTitleVersion(),
		Type:         resultSessionTypeLabel(res.GetType()),
		Centre:       res.GetCentreId(),
		JuryDate:     res.GetJuryDate(),
		Signed:       timeOf(res.GetSignTime()),
		Received:     timeOf(res.GetReceiveTime()),
		Validated:    timeOf(res.GetValidateTime()),
		ValidatedBy:  res.GetValidatedBy(),
		MinutesHash:  res.GetMinutesHash(),
		Total:        len(res.GetLines()),
		Version:      int(max(res.GetMinutesVersion(), 1)),
		CanReturn: res.GetState() == certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION ||
			res.GetState() == certificationv1.ResultState_RESULT_STATE_VALIDATED,
	}
	if rt := res.GetReturn(); rt != nil {
		v.Returned = &returnView{Reason: rt.GetReason(), Candidacies: rt.GetCandidacyIds(), At: timeOf(rt.GetReturnTime()),
			AfterValidation: rt.GetAfterValidation()}
	}
	for _, s := range res.GetSignatures() {
		v.Signatures = append(v.Signatures, signatureView{
			Name: s.GetJurorName(), Subject: s.GetJurorSubject(), At: timeOf(s.GetSignTime()),
			Hash: s.GetContentHash(), Matches: s.GetContentHash() == res.GetMinutesHash(),
		})
	}

	// This page of candidates: ?candidats=N, from 1; anything else is the
	// first page.
	pages := max(1, (v.Total+linesPerPage-1)/linesPerPage)
	page, err := strconv.Atoi(r.URL.Query().Get("candidats"))
	if err != nil || page < 1 || page > pages {
		page = 1
	}
	from, to := (page-1)*linesPerPage, min(page*linesPerPage, v.Total)
	if page > 1 {
		v.PrevHref = v.Href + "?" + url.Values{"candidats": {strconv.Itoa(page - 1)}}.Encode()
	}
	if page < pages {
		v.NextHref = v.Href + "?" + url.Values{"candidats": {strconv.Itoa(page + 1)}}.Encode()
	}
	v.First, v.Last = from+1, to
	lines := res.GetLines()[from:to]
	v.Lines = make([]lineView, len(lines))
	for i, l := range lines {
		v.Lines[i] = newLineView(l, title)
	}

	// The people and their certificates, a few calls at a time. A person
	// awarded a certificate is named as the certificate names them; the
	// others are asked of the candidate service.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(lookups)
	for i := range v.Lines {
		line := &v.Lines[i]
		g.Go(func() error {
			if !v.Awaiting && len(line.Obtained) > 0 {
				if err := a.lookUpAwards(gctx, line, res.GetSessionId()); err != nil || line.Name != "" {
					return err
				}
			}
			return a.lookUpCandidate(gctx, line)
		})
	}
	// The session's fraud reports, meanwhile.
	var reports *assessmentv1.ListFraudReportsResponse
	g.Go(func() (err error) {
		reports, err = a.fraudReportsOf(gctx, v.SessionID)
		return err
	})
	if err := g.Wait(); err != nil {
		return resultView{}, err
	}
	v.Fraud, v.FraudRead = resultFraud(reports, v.SessionID, v.Lines)
	return v, nil
}

func newLineView(l *certificationv1.ResultLine, title *certificationv1.Title) lineView {
	lv := lineView{CandidateID: l.GetCandidateId(), CandidacyID: l.GetCandidacyId(), DossierHash: l.GetDossierManifestHash()}
	lv.Outcome, lv.OutcomeTone = titleOutcomeLabel(l.GetTitleOutcome())
	for _, c := range l.GetCcpResults() {
		cv := ccpView{Code: c.GetCcpCode(), Label: ccpLabel(title, c.GetCcpCode()), Motivation: c.GetMotivation()}
		switch c.GetOutcome() {
		case certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED:
			cv.Obtained, cv.Decision = true, "Obtenu"
			lv.Obtained = append(lv.Obtained, c.GetCcpCode())
		case certificationv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED:
			cv.Decision = "Non obtenu"
		default:
			cv.Decision = "Non décidé"
		}
		lv.Ccps = append(lv.Ccps, cv)
	}
	return lv
}

// titleOutcomeLabel names the jury's title outcome in French, with the
// tone of its badge.
func titleOutcomeLabel(o certificationv1.TitleOutcome) (label, tone string) {
	switch o {
	case certificationv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return "Tous les CCP obtenus", "success"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return "Réussite partielle", "info"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_FAILED:
		return "Aucun CCP obtenu", "error"
	case certificationv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return "Absence à la session", ""
	default:
		return "Non renseigné", ""
	}
}

// lookUpCandidate fills the line's name and birth date from the candidate
// service. A person it does not know is shown by id: the minutes still
// stand.
func (a *App) lookUpCandidate(ctx context.Context, line *lineView) error {
	resp, err := a.svc.candidate.GetCandidate(ctx, &candidatev1.GetCandidateRequest{CandidateId: line.CandidateID})
	if status.Code(err) == codes.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	c := resp.GetCandidate()
	line.Name = personName(c.GetGivenNames(), c.GetUsageName(), c.GetBirthName())
	line.BirthDate = c.GetBirthDate()
	return nil
}

// personName is "Camille Durand": the given names and the usage name, else
// the birth name.
func personName(given []string, usage, birth string) string {
	name := birth
	if usage != "" {
		name = usage
	}
	return strings.TrimSpace(strings.Join(given, " ") + " " + name)
}

// maxCertificatePages bounds the pages of a person's certificates read to
// find those of one session; a person holds a handful.
const maxCertificatePages = 5

// lookUpAwards fills the line's certificates issued by the validation of
// session, and the person's name and birth date as they print them:
// ListCertificates is the ministry's way to a person's certificates, which
// carry the session that issued them.
func (a *App) lookUpAwards(ctx context.Context, line *lineView, session string) error {
	token := ""
	for range maxCertificatePages {
		resp, err := a.svc.certification.ListCertificates(ctx, &certificationv1.ListCertificatesRequest{
			CandidateId: line.CandidateID, PageSize: 100, PageToken: token,
		})
		if err != nil {
			return err
		}
		for _, c := range resp.GetCertificates() {
			if c.GetSessionId() != session {
				continue
			}
			h := c.GetHolder()
			line.Name, line.BirthDate = personName(h.GetGivenNames(), h.GetUsageName(), h.GetBirthName()), h.GetBirthDate()
			line.Awards = append(line.Awards, awardView{
				Number: c.GetNumber(), Href: verifyPath(c.GetNumber()),
				Kind: awardKindLabel(c.GetKind()), IssueDate: c.GetIssueDate(), ByCapitalisation: c.GetByCapitalisation(),
			})
		}
		if token = resp.GetNextPageToken(); token == "" {
			return nil
		}
	}
	return nil
}

// awardKindLabel names a certificate's kind, short, for a table cell.
func awardKindLabel(k certificationv1.CertificateKind) string {
	switch k {
	case certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE:
		return "Titre professionnel"
	case certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET:
		return "Livret de certification"
	default:
		return "Certificat"
	}
}
