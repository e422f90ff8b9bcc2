package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// The documents of a dossier: the list with the upload form (GET
// …/documents), the upload (POST …/documents), the download (GET
// …/documents/{document}) and the removal (…/documents/{document}/supprimer).
//
// The upload form posts multipart/form-data here; the handler streams the
// file to the portfolio service's UploadDocument in 64 KiB chunks, never
// holding it whole, as the REST gateway's document route does. The CSRF
// token travels in the query (the form's action) or in a header (the
// script), so that it is checked before the body is read. Without
// JavaScript the plain form works and the answer is a page; with it,
// static/js/candidate-upload.js sends the same request with XMLHttpRequest
// to show a progress bar, asks for JSON and shows the refusal beside the
// field.

// CandidateUploadRoute is the pattern of the upload. The gateway mounts
// it without the body limit of the other pages: the handler bounds the
// body itself (Config.MaxUploadBytes), as the REST upload does.
const CandidateUploadRoute = "POST /candidat/dossier/{dossier}/documents"

// DefaultMaxUploadBytes is the largest file the upload accepts when
// Config.MaxUploadBytes is unset: the portfolio service's default per-file
// limit. The service enforces its own limits in any case.
const DefaultMaxUploadBytes = 25 << 20

// Bounds of the multipart body besides the file, and of the small fields
// read before it.
const (
	uploadOverhead = 64 << 10
	maxFieldBytes  = 1 << 10
	maxFileName    = 255
)

// documentsPage is the list of documents and the upload form.
type documentsPage struct {
	Base          string
	Action        string // the upload's URL, CSRF token included
	Notice, Alert *alert
	Documents     []documentRow
	Total         string
	Kind          *choice
	FileError     string
	MaxBytes      int64
	MaxSize       string
	Accept        string
}

type documentRow struct {
	Name, Kind, Type, Size, Added string
	Href, DeleteHref              string
}

// acceptedFiles is the file input's accept list: the types the portfolio
// service accepts (it inspects the content; this only helps the picker).
const acceptedFiles = ".pdf,.png,.jpg,.jpeg,.odt,.ods,.odp,.docx,.xlsx,.pptx,application/pdf,image/png,image/jpeg"

func (a *App) maxUpload() int64 {
	if a.cfg.MaxUploadBytes > 0 {
		return a.cfg.MaxUploadBytes
	}
	return DefaultMaxUploadBytes
}

// documents (GET …/documents) lists the documents and offers the upload.
func (a *App) documents(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.renderDocuments(w, r, http.StatusOK, resp.GetDossier(), noticeOf(r), portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED, nil)
}

func (a *App) renderDocuments(w http.ResponseWriter, r *http.Request, status int, d *portfoliov1.Dossier, notice *alert,
	kind portfoliov1.DocumentKind, errs *formErrors,
) {
	base := dossierPath(d.GetId())
	p := documentsPage{Base: base, Notice: notice, Total: sizeFR(d.GetTotalDocumentBytes()),
		MaxBytes: a.maxUpload(), MaxSize: sizeFR(a.maxUpload()), Accept: acceptedFiles}
	if s := SessionOf(r); s != nil {
		p.Action = base + "/documents?" + url.Values{CSRFField: {csrfToken(s.CSRFSecret)}}.Encode()
	}
	for _, doc := range d.GetDocuments() {
		href := base + "/documents/" + url.PathEscape(doc.GetId())
		p.Documents = append(p.Documents, documentRow{
			Name: doc.GetFileName(), Kind: documentKindLabel(doc.GetKind()), Type: fileTypeLabel(doc.GetContentType()),
			Size: sizeFR(doc.GetSizeBytes()), Added: DateTimeFR(doc.GetCreateTime().AsTime()),
			Href: href, DeleteHref: href + "/supprimer",
		})
	}
	p.Kind = &choice{ID: "nature", Name: "kind", Legend: "Nature du document", Options: []option{
		{ID: "nature", Value: "ILLUSTRATIVE", Label: "Document illustrant votre pratique professionnelle", Hint: "Une réalisation, une procédure, une capture d’écran… (facultatif pour le dossier).",
			Checked: kind == portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE || kind == portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED},
		{ID: "nature-annexe", Value: "ANNEX", Label: "Annexe", Hint: "Quand le référentiel du titre en demande.", Checked: kind == portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX},
		{ID: "nature-justificatif", Value: "EVIDENCE", Label: "Justificatif", Hint: "Une attestation de formation, un certificat…", Checked: kind == portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE},
	}}
	var list []Field
	if errs != nil {
		p.Kind.Error, p.FileError, list = errs.get("nature"), errs.get("fichier"), errs.list
	}
	a.render(w, r, status, "candidate_documents", Page{Title: "Documents du dossier", Errors: list, Data: p})
}

// uploadAnswer is the JSON answer to the upload script: where to go
// after a success, or what is wrong with which field. A refusal the page
// shows is answered 200 too: the script reads the answer, not the status,
// and a 4xx would only add an error to the browser's console.
type uploadAnswer struct {
	Redirect string `json:"redirect,omitempty"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message,omitempty"`
}

// wantsJSON reports whether the upload script sent the request.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// uploadDocument (POST …/documents) streams the file to the portfolio
// service.
func (a *App) uploadDocument(w http.ResponseWriter, r *http.Request) {
	dossierID := r.PathValue("dossier")
	limit := a.maxUpload()
	meta := &portfoliov1.UploadDocumentMetadata{DossierId: dossierID}
	refuse := func(status int, field, message string) {
		if wantsJSON(r) {
			writeUploadJSON(w, http.StatusOK, uploadAnswer{Field: field, Message: message})
			return
		}
		ctx, cancel := callContext(r)
		defer cancel()
		resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: dossierID})
		if err != nil {
			a.fail(w, r, err)
			return
		}
		errs := &formErrors{}
		errs.add(field, message)
		a.renderDocuments(w, r, status, resp.GetDossier(), nil, meta.GetKind(), errs)
	}
	tooLarge := "Le fichier dépasse la taille maximale de " + sizeFR(limit) + ". Envoyez un fichier plus léger (par exemple un PDF compressé)."
	if r.ContentLength > limit+uploadOverhead {
		refuse(http.StatusRequestEntityTooLarge, "fichier", tooLarge)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+uploadOverhead)
	part, err := filePart(r, meta)
	if err != nil {
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			refuse(http.StatusRequestEntityTooLarge, "fichier", tooLarge)
		case errors.Is(err, errNoFile):
			refuse(http.StatusUnprocessableEntity, "fichier", "Choisissez le fichier à ajouter au dossier.")
		default:
			refuse(http.StatusBadRequest, "fichier", "Le fichier n’a pas pu être lu : envoyez le formulaire à nouveau.")
		}
		return
	}
	defer part.Close()

	ctx, cancel := callContext(r)
	defer cancel() // a refused or broken upload cancels the stream: the service stores nothing
	stream, err := a.svc.portfolio.UploadDocument(ctx)
	if err == nil {
		_, err = docstream.Send(stream, meta, part)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		cancel()
		refuse(http.StatusRequestEntityTooLarge, "fichier", tooLarge)
		return
	case errors.Is(err, errReadBody):
		cancel()
		refuse(http.StatusBadRequest, "fichier", "Le fichier n’a pas pu être lu jusqu’au bout : envoyez le formulaire à nouveau.")
		return
	case err != nil:
		field, message, status, ok := uploadRefusal(err)
		if !ok {
			if wantsJSON(r) {
				m := describe(err)
				writeUploadJSON(w, http.StatusOK, uploadAnswer{Field: "fichier", Message: sentences(m.Title, m.Detail)})
				return
			}
			a.fail(w, r, err)
			return
		}
		refuse(status, field, message)
		return
	}
	next := dossierPath(dossierID) + "/documents?ok=document"
	if wantsJSON(r) {
		writeUploadJSON(w, http.StatusOK, uploadAnswer{Redirect: next})
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// uploadRefusal places a refusal of the upload on the form's field.
func uploadRefusal(err error) (field, message string, status int, ok bool) {
	errs := &formErrors{}
	shown, ok := refusalOnForm(err, func(f string) string {
		if f == "metadata.kind" {
			return "nature"
		}
		return "fichier"
	}, errs)
	if !ok {
		return "", "", 0, false
	}
	if !errs.empty() {
		return errs.list[0].ID, errs.list[0].Message, shown.status, true
	}
	m := describe(err)
	return "fichier", sentences(m.Title, m.Detail), shown.status, true
}

// sentences joins a title and a detail into one message, with a full
// stop after the title when it has none.
func sentences(title, detail string) string {
	switch {
	case detail == "":
		return title
	case strings.HasSuffix(title, ".") || strings.HasSuffix(title, "!") || strings.HasSuffix(title, "?"):
		return title + " " + detail
	}
	return title + ". " + detail
}

func writeUploadJSON(w http.ResponseWriter, status int, a uploadAnswer) {
	body, _ := json.Marshal(a)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

var (
	errNoFile   = errors.New("no file in the form")
	errReadBody = docstream.ErrBody
)

// filePart returns the file of the multipart body, reading the "kind"
// field met before it into meta. It never buffers the file.
func filePart(r *http.Request, meta *portfoliov1.UploadDocumentMetadata) (*multipart.Part, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/form-data" {
		return nil, fmt.Errorf("%w: not a multipart form", errReadBody)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, err
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, errNoFile
		}
		if err != nil {
			return nil, err
		}
		if part.FormName() == "file" {
			name := part.FileName()
			if name == "" {
				_ = part.Close()
				return nil, errNoFile
			}
			meta.FileName = cutBytes(name, maxFileName)
			return part, nil
		}
		value, err := io.ReadAll(io.LimitReader(part, maxFieldBytes))
		_ = part.Close()
		if err != nil {
			return nil, err
		}
		if part.FormName() == "kind" {
			meta.Kind = portfoliov1.DocumentKind(portfoliov1.DocumentKind_value["DOCUMENT_KIND_"+strings.TrimSpace(string(value))])
		}
	}
}

// cutBytes cuts s to at most n bytes on a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// downloadDocument (GET …/documents/{document}) streams a document as an
// attachment, with the type the service found by inspecting it.
func (a *App) downloadDocument(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	stream, err := a.svc.portfolio.DownloadDocument(ctx, &portfoliov1.DownloadDocumentRequest{
		DossierId: r.PathValue("dossier"), DocumentId: r.PathValue("document"),
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	first, err := stream.Recv()
	if err != nil {
		a.fail(w, r, err)
		return
	}
	doc := first.GetMetadata()
	if doc == nil {
		a.serverError(w, r, errors.New("web: the portfolio service sent no document metadata"))
		return
	}
	h := w.Header()
	h.Set("Content-Type", doc.GetContentType())
	h.Set("Content-Length", strconv.FormatInt(doc.GetSizeBytes(), 10))
	h.Set("Content-Disposition", docstream.Disposition("attachment", doc.GetFileName()))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	for {
		msg, err := stream.Recv()
		if err != nil {
			// io.EOF is the end; anything else leaves the answer short of
			// its Content-Length, so the browser sees a failed download
			// rather than a complete-looking one.
			return
		}
		if _, err := w.Write(msg.GetChunk()); err != nil {
			return
		}
	}
}

// confirmDeleteDocument (GET …/documents/{document}/supprimer) asks to
// confirm the removal.
func (a *App) confirmDeleteDocument(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := callContext(r)
	defer cancel()
	resp, err := a.svc.portfolio.GetDossier(ctx, &portfoliov1.GetDossierRequest{DossierId: r.PathValue("dossier")})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	d := resp.GetDossier()
	back := dossierPath(d.GetId()) + "/documents"
	var doc *portfoliov1.Document
	for _, x := range d.GetDocuments() {
		if x.GetId() == r.PathValue("document") {
			doc = x
		}
	}
	if doc == nil {
		a.renderError(w, r, http.StatusNotFound, errorPage{Title: "Document introuvable",
			Detail: "Ce document ne fait plus partie du dossier.", Link: &link{Label: "Revenir aux documents", Href: back}})
		return
	}
	a.render(w, r, http.StatusOK, "candidate_confirm", Page{Title: "Retirer un document", Data: confirmPage{
		Back:     &link{Label: "Revenir aux documents sans rien retirer", Href: back},
		Question: fmt.Sprintf("Retirer « %s » du dossier ?", doc.GetFileName()),
		Detail:   "Le document ne fera plus partie du dossier. Les dossiers déjà déposés pour une session le gardent.",
		Action:   back + "/" + url.PathEscape(doc.GetId()) + "/supprimer", Etag: d.GetEtag(), Button: "Retirer le document",
	}})
}

// deleteDocument (POST …/documents/{document}/supprimer) removes it from
// the draft, provided the dossier has not changed since the confirmation.
func (a *App) deleteDocument(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("dossier")
	ctx, cancel := callContext(r)
	defer cancel()
	_, err := a.svc.portfolio.DeleteDocument(ctx, &portfoliov1.DeleteDocumentRequest{
		DossierId: id, DocumentId: r.PathValue("document"), Etag: formValue(r, "etag", 200),
	})
	if err != nil {
		a.failChange(w, r, err, dossierPath(id)+"/documents")
		return
	}
	http.Redirect(w, r, dossierPath(id)+"/documents?ok=document-supprime", http.StatusSeeOther)
}

// fileTypeLabel names a content type in French.
func fileTypeLabel(ct string) string {
	switch {
	case ct == "application/pdf":
		return "PDF"
	case ct == "image/png":
		return "Image PNG"
	case ct == "image/jpeg":
		return "Image JPEG"
	case strings.HasPrefix(ct, "application/vnd.oasis.opendocument."):
		return "Document OpenDocument"
	case strings.HasPrefix(ct, "application/vnd.openxmlformats-officedocument."):
		return "Document Office"
	}
	return ct
}
