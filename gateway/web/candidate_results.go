package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// The person's results and certificates (GET /candidat/resultats), from
// the certification service: the certification record holds the jury's
// decision on each CCP of every session whose minutes the ministry
// validated (R51), with the motivation of a CCP not obtained, and the CCPs
// held (R53); ListCertificates gives the titre or livrets issued (R52),
// each with its public verification page (/verifier/{number}).

const resultsPath = candidateHome + "/resultats"

// resultsPage is the results page.
type resultsPage struct {
	Known        bool // the certification authority has the person's record
	Sessions     []sessionResult
	Held         []heldRow
	Progress     []progressRow // the titres not obtained yet: what is missing (R54)
	Certificates []certificateRow
	NextPage     string
}

// sessionResult is the jury's decision on one of the person's candidacies.
type sessionResult struct {
	ID                                          string // the session's, for the ids of the page
	Heading, Type, JuryDate, Validated, Outcome string
	Obtained                                    bool // the titre or some CCPs
	Ccps                                        []ccpResult
	SheetHref                                   string // the fiche individuelle de résultats (PDF)
}

// progressRow is what the person still lacks for a titre.
type progressRow struct {
	Title   string
	Missing []string // "CCP3 — wording"
	Advice  string
}

type ccpResult struct {
	Code, Label, Outcome, Motivation string
	Obtained                         bool
}

type heldRow struct{ Title, Ccp, JuryDate string }

type certificateRow struct {
	Number, Kind, Title, Level, JuryDate, IssueDate string
	Ccps                                            []string
	ByCapitalisation                                bool
	VerifyPath, VerifyURL                           string
	ParchmentHref                                   string // the titre or livret as PDF, with its QR code; empty when not in force
	CredentialsHref                                 string // its verifiable credentials, while it is in force
	// NotInForce says why the certificate no longer stands (withdrawn,
	// R59; revoked, R51); empty while it is in force.
	NotInForce string
	// Motivation is the withdrawal decision's, shown to the holder only.
	Motivation string
}

// myResults (GET /candidat/resultats) shows the results and certificates.
func (a *App) myResults(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	me, err := a.myCandidate(ctx)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if me == nil {
		a.needRecord(w, r, "Mes résultats et certificats")
		return
	}
	p := resultsPage{}
	titles := titleLabels{a: a, ctx: ctx}
	rec, err := a.svc.certification.GetRecord(ctx, &certificationv1.GetRecordRequest{CandidateId: me.GetId()})
	switch {
	case hasCode(err, codes.PermissionDenied), hasCode(err, codes.NotFound):
		// The record reaches the certification authority through an
		// event shortly after it is created; until then it has nothing.
	case err != nil:
		a.fail(w, r, err)
		return
	default:
		p.Known = true
		ccpLabels := map[string]string{}
		for _, res := range rec.GetRecord().GetResults() {
			sr := sessionResult{
				ID:      url.PathEscape(res.GetSessionId()),
				Heading: titles.label(res.GetTitleId(), res.GetTitleVersion()), Type: resultSessionTypeLabel(res.GetType()),
				JuryDate: CivilDateFR(res.GetJuryDate()), Validated: DateFR(res.GetValidateTime().AsTime()),
				Outcome:   candidateTitleOutcomeLabel(res.GetTitleOutcome()),
				SheetHref: sheetHref(res.GetSessionId(), res.GetCandidacyId()),
			}
			for _, c := range res.GetCcpResults() {
				obtained := c.GetOutcome() == certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED
				sr.Obtained = sr.Obtained || obtained
				sr.Ccps = append(sr.Ccps, ccpResult{
					Code: c.GetCcpCode(), Label: a.ccpLabel(r, ccpLabels, res.GetTitleId(), res.GetTitleVersion(), c.GetCcpCode()),
					Outcome: ccpOutcomeLabel(c.GetOutcome()), Motivation: c.GetMotivation(), Obtained: obtained,
				})
			}
			p.Sessions = append(p.Sessions, sr)
		}
		slices.Reverse(p.Sessions) // the latest first
		for _, h := range rec.GetRecord().GetHeldCcps() {
			label := a.ccpLabel(r, ccpLabels, h.GetTitleId(), h.GetTitleVersion(), h.GetCcpCode())
			p.Held = append(p.Held, heldRow{Title: titles.label(h.GetTitleId(), h.GetTitleVersion()), Ccp: label, JuryDate: CivilDateFR(h.GetJuryDate())})
		}
		for _, tp := range rec.GetRecord().GetTitleProgress() {
			row := progressRow{Title: titles.label(tp.GetTitleId(), tp.GetTitleVersion()), Advice: tp.GetAdvice()}
			for _, code := range tp.GetMissingCcpCodes() {
				row.Missing = append(row.Missing, a.ccpLabel(r, ccpLabels, tp.GetTitleId(), tp.GetTitleVersion(), code))
			}
			p.Progress = append(p.Progress, row)
		}
	}
	token := r.URL.Query().Get("page")
	if len(token) > maxPageToken {
		token = ""
	}
	certs, err := a.svc.certification.ListCertificates(ctx, &certificationv1.ListCertificatesRequest{PageSize: 20, PageToken: token})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if next := certs.GetNextPageToken(); next != "" {
		p.NextPage = resultsPath + "?page=" + url.QueryEscape(next) + "#certificats"
	}
	for _, c := range certs.GetCertificates() {
		row := certificateRow{
			Number: c.GetNumber(), Kind: kindLabel(c.GetKind()), Title: c.GetTitleLabel(),
			Level: IntFR(int64(c.GetTitleLevel())), JuryDate: CivilDateFR(c.GetJuryDate()), IssueDate: CivilDateFR(c.GetIssueDate()),
			ByCapitalisation: c.GetByCapitalisation(),
			VerifyPath:       verifyPath(c.GetNumber()),
			ParchmentHref:    parchmentHref(c.GetNumber()),
		}
		if c.GetStatus() == certificationv1.CertificateStatus_CERTIFICATE_STATUS_ISSUED {
			row.CredentialsHref = credentialsHref(c.GetNumber())
		}
		row.VerifyURL = a.cfg.PublicURL + row.VerifyPath
		switch c.GetStatus() {
		case certificationv1.CertificateStatus_CERTIFICATE_STATUS_WITHDRAWN:
			d := c.GetWithdrawal()
			row.ParchmentHref = ""
			row.NotInForce = "Retiré par décision de l’autorité administrative du " + CivilDateFR(d.GetDecidedOn()) +
				" (référence " + d.GetDecisionReference() + ", règle R59). Vous pouvez former un recours contre cette décision."
			row.Motivation = d.GetMotivation()
		case certificationv1.CertificateStatus_CERTIFICATE_STATUS_REVOKED:
			row.ParchmentHref = ""
			row.NotInForce = "Révoqué : le procès-verbal dont il est issu a été corrigé après sa validation (règle R51)."
		}
		for _, ccp := range c.GetCcps() {
			row.Ccps = append(row.Ccps, ccp.GetCode()+" — "+ccp.GetLabel())
		}
		p.Certificates = append(p.Certificates, row)
	}
	a.render(w, r, http.StatusOK, "candidate_results", Page{Title: "Mes résultats et certificats", Data: p})
}

// ccpLabel returns "CCP1 — wording" for a CCP of a title version, reading
// each title once per page (cache by "title|version|code").
func (a *App) ccpLabel(r *http.Request, cache map[string]string, title, version, code string) string {
	key := title + "|" + version + "|"
	if _, read := cache[key]; !read {
		cache[key] = ""
		ctx, cancel := callContext(r)
		defer cancel()
		if t, err := a.svc.certification.GetTitle(ctx, &certificationv1.GetTitleRequest{TitleId: title, Version: version}); err == nil {
			for _, c := range t.GetTitle().GetCcps() {
				cache[key+c.GetCode()] = c.GetCode() + " — " + c.GetLabel()
			}
		}
	}
	if l, ok := cache[key+code]; ok {
		return l
	}
	return code
}

// sheetHref is the address of a candidacy's result sheet.
func sheetHref(sessionID, candidacyID string) string {
	if sessionID == "" || candidacyID == "" {
		return ""
	}
	return resultsPath + "/" + url.PathEscape(sessionID) + "/" + url.PathEscape(candidacyID) + "/fiche.pdf"
}

// myResultSheet (GET /candidat/resultats/{session}/{candidacy}/fiche.pdf)
// hands the person the fiche individuelle de résultats of one of their
// candidacies, as the certification service prints it (PDF, R51: once
// validated). The service decides whether it is theirs. The centre's
// results page links the same handler for its sessions' candidacies
// (GET /centre/sessions/{session}/resultats/{candidacy}/fiche.pdf).
func (a *App) myResultSheet(w http.ResponseWriter, r *http.Request) {
	sessionID, candidacyID := r.PathValue("session"), r.PathValue("candidacy")
	if _, ok := sessionIDParam(r); !ok || candidacyID == "" || len(candidacyID) > maxSessionID {
		a.notFound(w, r)
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.GetResultSheetPdf(ctx, &certificationv1.GetResultSheetPdfRequest{SessionId: sessionID, CandidacyId: candidacyID})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writePDF(w, resp.GetDocument(), "fiche-individuelle-de-resultats.pdf")
}

// parchmentHref is the address of a certificate's parchment.
func parchmentHref(number string) string {
	return candidateHome + "/certificats/" + strings.ReplaceAll(url.PathEscape(number), "%2A", "*") + "/parchemin.pdf"
}

// myParchment (GET /candidat/certificats/{number}/parchemin.pdf) hands the
// person the parchment of one of their certificates, the titre or the
// livret de certification as the certification service prints it (PDF,
// with the QR code of its verification). The service decides whether it is
// theirs.
func (a *App) myParchment(w http.ResponseWriter, r *http.Request) {
	number, ok := a.certificateNumber(w, r)
	if !ok {
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.GetParchment(ctx, &certificationv1.GetParchmentRequest{Number: number})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writePDF(w, resp.GetDocument(), "certificat-"+number+".pdf")
}

// certificateNumber reads the {number} of a certificate's route,
// normalised; a number no certificate can have answers 404 (false).
func (a *App) certificateNumber(w http.ResponseWriter, r *http.Request) (string, bool) {
	number := normaliseNumber(r.PathValue("number"))
	if number == "" || utf8.RuneCountInString(number) > maxNumberLength {
		a.notFound(w, r)
		return "", false
	}
	return number, true
}

// credentialsHref is the address of a certificate's verifiable credentials.
func credentialsHref(number string) string {
	return candidateHome + "/certificats/" + strings.ReplaceAll(url.PathEscape(number), "%2A", "*") + "/attestations.json"
}

// credentialsFile is the file myCredentials hands over: the certificate's
// verifiable credentials as ListCertificateCredentials returns them, each
// a compact JWS a wallet or a verifier reads (docs/credentials.md).
type credentialsFile struct {
	Certificate string           `json:"certificate"`
	Credentials []credentialItem `json:"credentials"`
}

type credentialItem struct {
	Kind    string `json:"kind"` // "TITRE" or "CCP"
	CcpCode string `json:"ccp_code,omitempty"`
	ID      string `json:"id"`
	Name    string `json:"name"`
	JWS     string `json:"jws"` // application/vc+jwt
}

// myCredentials (GET /candidat/certificats/{number}/attestations.json)
// hands the person the verifiable credentials of one of their certificates
// (Open Badges 3.0, one per CCP and one for the titre) in one JSON file.
// The service decides whether it is theirs and still in force.
func (a *App) myCredentials(w http.ResponseWriter, r *http.Request) {
	number, ok := a.certificateNumber(w, r)
	if !ok {
		return
	}
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.certification.ListCertificateCredentials(ctx, &certificationv1.ListCertificateCredentialsRequest{Number: number})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := credentialsFile{Certificate: number, Credentials: []credentialItem{}}
	for _, c := range resp.GetCredentials() {
		kind := "CCP"
		if c.GetKind() == certificationv1.CredentialKind_CREDENTIAL_KIND_TITRE {
			kind = "TITRE"
		}
		out.Credentials = append(out.Credentials, credentialItem{Kind: kind, CcpCode: c.GetCcpCode(), ID: c.GetId(), Name: c.GetName(), JWS: c.GetJws()})
	}
	body, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		a.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Disposition", docstream.Disposition("attachment", "attestations-"+number+".json"))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(append(body, '\n'))
}
