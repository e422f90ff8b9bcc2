package web

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// sampleExe is the start of a Windows executable.
var sampleExe = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)

var uploadAction = regexp.MustCompile(`action="([^"]*/documents\?_csrf=[^"]+)"`)

// uploadForm returns the upload URL of the documents page (its CSRF token
// in the query, as the form's action carries it).
func uploadForm(t testing.TB, body string) string {
	t.Helper()
	m := uploadAction.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the documents page has no upload form")
	}
	return html.UnescapeString(m[1])
}

// upload posts a multipart form with kind and the file (no file when
// name is empty), as the browser does; with script, as the upload script
// does (same action, asking for JSON).
func (s *stack) upload(t testing.TB, c *http.Client, action, kind, name string, content []byte, script bool) page {
	t.Helper()
	return s.uploadBody(t, c, action, kind, name, content, script, false)
}

// uploadBody is upload; chunked sends the body without a length, so that
// only reading it can tell its size.
func (s *stack) uploadBody(t testing.TB, c *http.Client, action, kind, name string, content []byte, script, chunked bool) page {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("kind", kind)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(content)
	_ = mw.Close()
	var r io.Reader = &body
	if chunked {
		r = io.MultiReader(&body)
	}
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+action, r)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", s.srv.URL)
	if script {
		req.Header.Set("Accept", "application/json")
	}
	return do(t, c, req)
}

func TestCandidateUploadsListsDownloadsAndRemovesDocuments(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id

	list := get(t, c, s.srv.URL+base+"/documents")
	if list.status != 200 || !strings.Contains(list.body, "Aucun document pour le moment") || !strings.Contains(list.body, `data-max-bytes="26214400"`) ||
		!strings.Contains(list.body, `enctype="multipart/form-data"`) || !strings.Contains(list.body, "candidate-upload.js") {
		t.Fatalf("documents page: %d", list.status)
	}
	action := uploadForm(t, list.body)

	// Without script: the form posts, the answer is the list again.
	p := s.upload(t, c, action, "ILLUSTRATIVE", "procédure sauvegarde.pdf", samplePDF, false)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != base+"/documents?ok=document" {
		t.Fatalf("upload: %d\n%s", p.status, p.body)
	}
	// With the script: JSON, with where to go.
	p = s.upload(t, c, action, "EVIDENCE", "attestation.png", samplePNG(t), true)
	var answer uploadAnswer
	if p.status != 200 || json.Unmarshal([]byte(p.body), &answer) != nil || answer.Redirect != base+"/documents?ok=document" {
		t.Fatalf("upload by script: %d %s", p.status, p.body)
	}
	d := s.dossierOf(t, me, id)
	if len(d.GetDocuments()) != 2 || d.GetDocuments()[0].GetFileName() != "procédure sauvegarde.pdf" || d.GetDocuments()[1].GetContentType() != "image/png" {
		t.Fatalf("stored documents: %v", d.GetDocuments())
	}
	list = get(t, c, s.srv.URL+base+"/documents?ok=document")
	for _, w := range []string{"Le document est ajouté au dossier", "<th scope=\"row\">procédure sauvegarde.pdf</th>", "<td>PDF</td>", "<td>Image PNG</td>", "Justificatif", "octets"} {
		if !strings.Contains(list.body, w) {
			t.Errorf("documents list lacks %q", w)
		}
	}

	// Download: the content, as an attachment, with the type the service
	// found.
	pdf := d.GetDocuments()[0]
	dl := get(t, c, s.srv.URL+base+"/documents/"+pdf.GetId())
	if dl.status != 200 || dl.body != string(samplePDF) || dl.header.Get("Content-Type") != "application/pdf" ||
		dl.header.Get("Content-Disposition") != `attachment; filename="proc_dure sauvegarde.pdf"; filename*=UTF-8''proc%C3%A9dure%20sauvegarde.pdf` ||
		dl.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(dl.header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("download: %d %v", dl.status, dl.header)
	}

	// Removal, after confirming; a confirmation older than a change of
	// the dossier is refused (409) and removes nothing.
	confirm := get(t, c, s.srv.URL+base+"/documents/"+pdf.GetId()+"/supprimer")
	if confirm.status != 200 || !strings.Contains(confirm.body, "Retirer « procédure sauvegarde.pdf » du dossier ?") {
		t.Fatalf("confirmation: %d", confirm.status)
	}
	if p := s.upload(t, c, action, "ANNEX", "annexe.pdf", samplePDF, false); p.status != http.StatusSeeOther {
		t.Fatalf("third upload: %d", p.status)
	}
	p = s.postForm(t, c, base+"/documents/"+pdf.GetId()+"/supprimer", csrfOf(t, confirm.body), url.Values{"etag": {etagOf(t, confirm.body)}})
	if p.status != http.StatusConflict || !strings.Contains(p.body, "rien n’a été supprimé") {
		t.Errorf("stale removal: %d", p.status)
	}
	confirm = get(t, c, s.srv.URL+base+"/documents/"+pdf.GetId()+"/supprimer")
	p = s.postForm(t, c, base+"/documents/"+pdf.GetId()+"/supprimer", csrfOf(t, confirm.body), url.Values{"etag": {etagOf(t, confirm.body)}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != base+"/documents?ok=document-supprime" {
		t.Fatalf("removal: %d", p.status)
	}
	if n := len(s.dossierOf(t, me, id).GetDocuments()); n != 2 {
		t.Errorf("%d documents after the removal", n)
	}
	if p := get(t, c, s.srv.URL+base+"/documents/"+pdf.GetId()+"/supprimer"); p.status != http.StatusNotFound {
		t.Errorf("confirming a removed document: %d", p.status)
	}
}

func TestCandidateUploadRefusals(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id
	action := uploadForm(t, get(t, c, s.srv.URL+base+"/documents").body)

	// A type the service does not accept: the refusal is on the file
	// field, the page is the documents page again.
	p := s.upload(t, c, action, "ILLUSTRATIVE", "programme.exe", sampleExe, false)
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#fichier"`) || !strings.Contains(p.body, `aria-invalid="true"`) ||
		!strings.Contains(p.body, "<title>Erreur : Documents du dossier") {
		t.Errorf("wrong type: %d\n%s", p.status, p.body)
	}
	p = s.upload(t, c, action, "ILLUSTRATIVE", "programme.exe", sampleExe, true)
	var answer uploadAnswer
	// The script gets the refusal as an answer to show (200: the status
	// would only be console noise).
	if p.status != http.StatusOK || json.Unmarshal([]byte(p.body), &answer) != nil || answer.Field != "fichier" || answer.Message == "" || answer.Redirect != "" {
		t.Errorf("wrong type by script: %d %s", p.status, p.body)
	}
	// An empty file.
	if p := s.upload(t, c, action, "ILLUSTRATIVE", "vide.pdf", nil, false); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, `href="#fichier"`) {
		t.Errorf("empty file: %d", p.status)
	}
	// No file chosen.
	if p := s.upload(t, c, action, "ILLUSTRATIVE", "", nil, false); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Choisissez le fichier à ajouter au dossier.") {
		t.Errorf("no file: %d", p.status)
	}
	// Over the upload limit: refused while streaming, nothing stored.
	s.app.cfg.MaxUploadBytes = 1024
	big := append(append([]byte{}, samplePDF...), bytes.Repeat([]byte("x"), 200<<10)...)
	if p := s.upload(t, c, action, "ILLUSTRATIVE", "gros.pdf", big, false); p.status != http.StatusRequestEntityTooLarge || !strings.Contains(p.body, "dépasse la taille maximale de 1"+nbsp+"ko") {
		t.Errorf("too large: %d", p.status)
	}
	p = s.upload(t, c, action, "ILLUSTRATIVE", "gros.pdf", big, true)
	if p.status != http.StatusOK || !strings.Contains(p.body, `"field":"fichier"`) || !strings.Contains(p.body, "dépasse la taille maximale") {
		t.Errorf("too large by script: %d %s", p.status, p.body)
	}
	if p := s.uploadBody(t, c, action, "ILLUSTRATIVE", "gros.pdf", big, false, true); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("too large, found while streaming: %d", p.status)
	}
	if n := len(s.dossierOf(t, me, id).GetDocuments()); n != 0 {
		t.Errorf("%d documents stored after refusals", n)
	}
	// Without the CSRF token (an action from another page): refused
	// before the body is read.
	noToken, _ := url.Parse(action)
	if p := s.upload(t, c, noToken.Path, "ILLUSTRATIVE", "a.pdf", samplePDF, false); p.status != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", p.status)
	}
	// The token travels in a header too (the script may send it so).
	req, _ := http.NewRequest(http.MethodPost, s.srv.URL+noToken.Path, strings.NewReader("--x--"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set(CSRFHeader, noToken.Query().Get(CSRFField))
	if p := do(t, c, req); p.status == http.StatusForbidden {
		t.Errorf("CSRF header refused")
	}
}
