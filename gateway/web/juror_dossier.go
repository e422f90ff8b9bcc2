package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// juryCase is what every page of a candidacy starts from: the session,
// its title version and the candidacy, as the services show them to the
// user.
type juryCase struct {
	session   *assessmentv1.Session
	title     *certificationv1.Title
	candidacy *assessmentv1.Candidacy
}

// loadCase reads the session and candidacy named by the path. A juror
// recused from the candidacy (R21) is refused here by the service, before
// anything of it is read.
func (a *App) loadCase(ctx context.Context, r *http.Request) (*juryCase, error) {
	sid, cid := r.PathValue("session"), r.PathValue("candidacy")
	if !juryValidID(sid) || !juryValidID(cid) {
		return nil, errJuryNotFound
	}
	s, err := a.svc.assessment.GetSession(ctx, &assessmentv1.GetSessionRequest{SessionId: sid})
	if err != nil {
		return nil, err
	}
	c, err := a.svc.assessment.GetCandidacy(ctx, &assessmentv1.GetCandidacyRequest{SessionId: sid, CandidacyId: cid})
	if err != nil {
		return nil, err
	}
	t := (juryTitles{}).get(ctx, a, s.GetSession().GetTitleId(), s.GetSession().GetTitleVersion())
	if t == nil {
		return nil, status.Error(codes.Unavailable, "the title catalogue does not answer")
	}
	return &juryCase{session: s.GetSession(), title: t, candidacy: c.GetCandidacy()}, nil
}

// errJuryNotFound answers an address that cannot name a record.
var errJuryNotFound = errors.New("web: no such page")

// caseFail answers a failure of loadCase or of a later call.
func (a *App) caseFail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, errJuryNotFound) {
		a.notFound(w, r)
		return
	}
	back := &link{Label: "Retour à la session", Href: "/jury/sessions/" + r.PathValue("session")}
	if !juryValidID(r.PathValue("session")) {
		back = nil
	}
	a.jurorFail(w, r, err, back)
}

// juryDossierData is the dossier page.
type juryDossierData struct {
	Nav       juryCandidacyNav
	Crumbs    juryCrumbs
	Session   juryFacts
	Name      string
	Scope     []string
	Submitted string
	Manifest  string
	NoDossier bool
	Cover     juryCover
	Groups    []juryExampleGroup
	Prior     []juryPrior
	Sworn     *portfoliov1.SwornStatement
	SwornDate string
	Documents []juryDocument
}

type juryCover struct {
	BirthName, UsageName, GivenNames, Address, Title, AccessMode string
}

type juryExampleGroup struct {
	CCP      string
	Examples []juryExample
}

type juryExample struct {
	N                                                      int
	Title, Tasks, Means, Collaborators, Organisation, Unit string
	Period, AdditionalInfo                                 string
}

type juryPrior struct{ Title, Authority, Date string }

// juryDocument is a document of the snapshot: PDFs and images are shown
// in the page (Inline "pdf" or "image"), anything else is downloaded.
type juryDocument struct {
	ID, Name, Kind, Type, Size, Href, Download, Inline string
}

// jurorDossier (GET /jury/sessions/{session}/candidatures/{candidacy})
// shows the Dossier Professionnel as the candidate submitted it for this
// session: the snapshot, frozen (R41), with its documents.
func (a *App) jurorDossier(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	jc, err := a.loadCase(ctx, r)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	nav, crumbs := juryCandidacyPages(jc.session, jc.candidacy, "dossier")
	data := juryDossierData{Nav: nav, Crumbs: crumbs, Session: juryFactsOf(jc.session, jc.title), Name: jc.candidacy.GetCandidateName()}
	for _, code := range jc.candidacy.GetCcpCodes() {
		data.Scope = append(data.Scope, juryCCPName(jc.title, code))
	}
	snapID := jc.candidacy.GetDossierSnapshotId()
	if snapID == "" {
		data.NoDossier = true
		a.render(w, r, http.StatusOK, "juror_dossier", Page{Title: "Dossier professionnel — " + data.Name, Data: data})
		return
	}
	snap, err := a.jurySnapshot(ctx, jc.session.GetId(), snapID)
	if err != nil {
		a.caseFail(w, r, err)
		return
	}
	fillDossier(&data, snap, jc.title)
	a.render(w, r, http.StatusOK, "juror_dossier", Page{Title: "Dossier professionnel — " + data.Name, Data: data})
}

// jurySnapshot finds the snapshot of a session by its id. A candidacy
// names its snapshot but not the dossier it was taken from, which
// GetSnapshot needs: the session's snapshots (as few as its candidates, and
// only those the user may read) are listed to find it.
func (a *App) jurySnapshot(ctx context.Context, sessionID, snapshotID string) (*portfoliov1.Snapshot, error) {
	token := ""
	for range 100 { // 100 pages of 100: far more candidates than a session holds
		list, err := a.svc.portfolio.ListSnapshots(ctx, &portfoliov1.ListSnapshotsRequest{
			DossierId: "-", SessionId: sessionID, PageSize: 100, PageToken: token,
		})
		if err != nil {
			return nil, err
		}
		for _, s := range list.GetSnapshots() {
			if s.GetId() == snapshotID {
				got, err := a.svc.portfolio.GetSnapshot(ctx, &portfoliov1.GetSnapshotRequest{DossierId: s.GetDossierId(), SnapshotId: snapshotID})
				return got.GetSnapshot(), err
			}
		}
		if token = list.GetNextPageToken(); token == "" {
			break
		}
	}
	return nil, status.Error(codes.NotFound, "the candidacy's snapshot is not among the session's")
}

// fillDossier puts the snapshot's content into the page's data.
func fillDossier(data *juryDossierData, snap *portfoliov1.Snapshot, t *certificationv1.Title) {
	d := snap.GetContent()
	data.Submitted = DateTimeFR(snap.GetSubmitTime().AsTime())
	data.Manifest = snap.GetManifestHash()
	if c := d.GetCover(); c != nil {
		var addr []string
		if pa := c.GetPostalAddress(); pa != nil {
			addr = append(addr, pa.GetLines()...)
			addr = append(addr, strings.TrimSpace(pa.GetPostalCode()+" "+pa.GetLocality()))
		}
		data.Cover = juryCover{
			BirthName: c.GetBirthName(), UsageName: c.GetUsageName(), GivenNames: strings.Join(c.GetGivenNames(), " "),
			Address: strings.Join(addr, ", "), Title: c.GetTitleLabel(), AccessMode: juryAccessMode(c.GetAccessMode()),
		}
	}
	// Examples by CCP, in the title's order; a CCP the title does not know
	// (cannot happen for a submitted dossier) comes last.
	byCCP := map[string][]*portfoliov1.PracticeExample{}
	var order []string
	for _, c := range t.GetCcps() {
		order = append(order, c.GetCode())
	}
	for _, e := range d.GetExamples() {
		if _, ok := byCCP[e.GetCcpCode()]; !ok && !slices.Contains(order, e.GetCcpCode()) {
			order = append(order, e.GetCcpCode())
		}
		byCCP[e.GetCcpCode()] = append(byCCP[e.GetCcpCode()], e)
	}
	for _, code := range order {
		if len(byCCP[code]) == 0 {
			continue
		}
		g := juryExampleGroup{CCP: juryCCPName(t, code)}
		for i, e := range byCCP[code] {
			ctx := e.GetContext()
			g.Examples = append(g.Examples, juryExample{
				N: i + 1, Title: e.GetTitle(), Tasks: e.GetTasks(), Means: e.GetMeans(), Collaborators: e.GetCollaborators(),
				Organisation: ctx.GetOrganisation(), Unit: ctx.GetUnit(),
				Period: "du " + CivilDateFR(ctx.GetPeriodFrom()) + " au " + CivilDateFR(ctx.GetPeriodTo()), AdditionalInfo: e.GetAdditionalInfo(),
			})
		}
		data.Groups = append(data.Groups, g)
	}
	for _, q := range d.GetPriorQualifications() {
		data.Prior = append(data.Prior, juryPrior{Title: q.GetTitle(), Authority: q.GetAuthority(), Date: CivilDateFR(q.GetDate())})
	}
	if s := d.GetSwornStatement(); s != nil {
		data.Sworn, data.SwornDate = s, CivilDateFR(s.GetDate())
	}
	base := "/jury/dossiers/" + snap.GetDossierId() + "/instantanes/" + snap.GetId() + "/documents/"
	for _, doc := range d.GetDocuments() {
		jd := juryDocument{
			ID: doc.GetId(), Name: doc.GetFileName(), Kind: juryDocumentKind(doc.GetKind()), Type: juryDocumentType(doc.GetContentType()),
			Size: jurySize(doc.GetSizeBytes()), Href: base + doc.GetId(), Download: base + doc.GetId() + "?telecharger=1",
		}
		switch doc.GetContentType() {
		case "application/pdf":
			jd.Inline = "pdf"
		case "image/png", "image/jpeg":
			jd.Inline = "image"
		}
		data.Documents = append(data.Documents, jd)
	}
}

// juryInlineTypes are the content types a browser may show in the page:
// the PDF viewer and images. Anything else is sent as an opaque download.
var juryInlineTypes = map[string]bool{"application/pdf": true, "image/png": true, "image/jpeg": true}

// juryDownloadTimeout bounds a document's download, longer than a page's
// calls: a 25 MiB file on a slow line.
const juryDownloadTimeout = 5 * time.Minute

// jurorDocument (GET /jury/dossiers/{dossier}/instantanes/{snapshot}/documents/{document})
// streams a document of a snapshot from the portfolio service, which
// decides whether the user may read it (a juror of the session, not
// recused, R21). The content type the service found by inspecting the
// content is sent as is only for PDF, PNG and JPEG, shown in the page
// ("inline", in a frame of this site only); anything else, or any file
// with ?telecharger=1, is an opaque attachment. nosniff and a sandboxing
// CSP keep the browser from running anything in it.
func (a *App) jurorDocument(w http.ResponseWriter, r *http.Request) {
	dossier, snapshot, document := r.PathValue("dossier"), r.PathValue("snapshot"), r.PathValue("document")
	if !juryValidID(dossier) || !juryValidID(snapshot) || !juryValidID(document) {
		a.notFound(w, r)
		return
	}
	ctx, cancel := juryStreamContext(r)
	defer cancel()
	stream, err := a.svc.portfolio.DownloadDocument(ctx, &portfoliov1.DownloadDocumentRequest{DossierId: dossier, DocumentId: document, SnapshotId: snapshot})
	if err != nil {
		a.jurorFail(w, r, err, nil)
		return
	}
	first, err := stream.Recv()
	if err != nil {
		a.jurorFail(w, r, err, nil)
		return
	}
	doc := first.GetMetadata()
	if doc == nil {
		a.serverError(w, r, errors.New("web: the portfolio service sent no document metadata"))
		return
	}
	ctype, disposition := doc.GetContentType(), "inline"
	if !juryInlineTypes[ctype] || r.URL.Query().Has("telecharger") {
		ctype, disposition = "application/octet-stream", "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Content-Length", strconv.FormatInt(doc.GetSizeBytes(), 10))
	h.Set("Content-Disposition", docstream.Disposition(disposition, doc.GetFileName()))
	h.Set("X-Content-Type-Options", "nosniff")
	// The document may be framed by the dossier page only, and runs
	// nothing: no script, no form, no plugin of its own, no other origin.
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// The status line is sent: returning short of Content-Length
			// makes net/http close the connection, so the browser sees a
			// broken download rather than a complete-looking one.
			a.log.WarnContext(r.Context(), "web: document download cut", "document", document, "err", err)
			return
		}
		if _, err := w.Write(msg.GetChunk()); err != nil {
			return
		}
	}
}

// juryStreamContext is callContext with a deadline fit for a download.
func juryStreamContext(r *http.Request) (context.Context, context.CancelFunc) {
	ctx := r.Context()
	if s := SessionOf(r); s != nil {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+s.AccessToken)
	}
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 128 {
		ctx = metadata.AppendToOutgoingContext(ctx, "x-request-id", id)
	}
	return context.WithTimeout(ctx, juryDownloadTimeout)
}
