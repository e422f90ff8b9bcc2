package dossier

import (
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// requestPrefix is the request path of the dossier in create and update
// requests.
const requestPrefix = "dossier."

// Dossier is a candidate's draft DP for one title version. It is created
// well formed by New and changed only through its methods, which keep it
// well formed; completeness is checked when it is submitted.
type Dossier struct {
	id           string
	candidateID  string
	titleID      string
	titleVersion string
	content      Content
	documents    []Document
	version      int64
	createdAt    time.Time
	updatedAt    time.Time
}

// New returns a dossier at version 1 for candidate candidateID and title
// version t, with a first content (possibly empty) validated at instant
// now.
func New(id, candidateID string, t refdata.Title, content Content, now time.Time) (*Dossier, error) {
	if id == "" || candidateID == "" {
		return nil, errors.New("dossier: empty id or candidate id")
	}
	content = content.normalized()
	if err := content.validate(requestPrefix, t, now); err != nil {
		return nil, err
	}
	content.assignExampleIDs()
	if content.Sworn.Complete() {
		content.Sworn.SignedAt = storedTime(now)
	} else {
		content.Sworn.SignedAt = time.Time{}
	}
	now = storedTime(now)
	return &Dossier{
		id: id, candidateID: candidateID, titleID: t.ID, titleVersion: t.Version,
		content: content, version: 1, createdAt: now, updatedAt: now,
	}, nil
}

// UnmarshalDossierFromDatabase rebuilds a stored dossier without validating
// it: it was valid when written, and rules may have tightened since. Only
// repositories call it.
func UnmarshalDossierFromDatabase(id, candidateID, titleID, titleVersion string, content Content,
	documents []Document, version int64, createdAt, updatedAt time.Time,
) *Dossier {
	return &Dossier{
		id: id, candidateID: candidateID, titleID: titleID, titleVersion: titleVersion,
		content: content.Clone(), documents: slices.Clone(documents), version: version,
		createdAt: createdAt.UTC(), updatedAt: updatedAt.UTC(),
	}
}

// ID returns the server-assigned identifier.
func (d *Dossier) ID() string { return d.id }

// CandidateID returns the owner's candidate record id.
func (d *Dossier) CandidateID() string { return d.candidateID }

// TitleID returns the title's ministry code.
func (d *Dossier) TitleID() string { return d.titleID }

// TitleVersion returns the title version.
func (d *Dossier) TitleVersion() string { return d.titleVersion }

// Content returns a copy of what the candidate wrote.
func (d *Dossier) Content() Content { return d.content.Clone() }

// Documents returns a copy of the documents, oldest first.
func (d *Dossier) Documents() []Document { return slices.Clone(d.documents) }

// Document returns the document with this id.
func (d *Dossier) Document(id string) (Document, bool) {
	i := slices.IndexFunc(d.documents, func(doc Document) bool { return doc.ID == id })
	if i < 0 {
		return Document{}, false
	}
	return d.documents[i], true
}

// TotalDocumentBytes returns the sum of the document sizes.
func (d *Dossier) TotalDocumentBytes() int64 {
	var n int64
	for _, doc := range d.documents {
		n += doc.Size
	}
	return n
}

// Version returns the version, 1 at creation and one more per change.
func (d *Dossier) Version() int64 { return d.version }

// Etag returns the opaque version tag of the API: the decimal version.
func (d *Dossier) Etag() string { return strconv.FormatInt(d.version, 10) }

// CheckEtag returns ErrVersionConflict unless etag is the current one.
func (d *Dossier) CheckEtag(etag string) error {
	if etag != d.Etag() {
		return ErrVersionConflict
	}
	return nil
}

// CreatedAt returns the creation time.
func (d *Dossier) CreatedAt() time.Time { return d.createdAt }

// UpdatedAt returns the time of the last change.
func (d *Dossier) UpdatedAt() time.Time { return d.updatedAt }

func (d *Dossier) touch(now time.Time) {
	d.version++
	d.updatedAt = storedTime(now)
}

// AddDocument attaches doc within limits at instant now. Refused with
// ResourceExhausted when the file is over the per-file limit, when the
// dossier would go over its size limit or holds the maximum number of
// documents.
func (d *Dossier) AddDocument(doc Document, limits Limits, now time.Time) error {
	switch {
	case limits.MaxDocuments > 0 && len(d.documents) >= limits.MaxDocuments:
		return ErrTooManyDocuments.WithMeta("max_documents", strconv.Itoa(limits.MaxDocuments))
	case limits.MaxDocumentBytes > 0 && doc.Size > limits.MaxDocumentBytes:
		return ErrDocumentTooLarge.WithMeta("max_bytes", strconv.FormatInt(limits.MaxDocumentBytes, 10))
	case limits.MaxDossierBytes > 0 && d.TotalDocumentBytes()+doc.Size > limits.MaxDossierBytes:
		return ErrDossierTooLarge.WithMeta("max_bytes", strconv.FormatInt(limits.MaxDossierBytes, 10))
	}
	if doc.ID == "" || doc.SHA256 == "" || doc.Size <= 0 {
		return errors.New("dossier: document without id, hash or content")
	}
	doc.CreatedAt = storedTime(now)
	d.documents = append(d.documents, doc)
	d.touch(now)
	return nil
}

// RemoveDocument detaches a document from the draft at instant now.
// Snapshots that hold it keep it.
func (d *Dossier) RemoveDocument(id string, now time.Time) error {
	i := slices.IndexFunc(d.documents, func(doc Document) bool { return doc.ID == id })
	if i < 0 {
		return ErrDocumentNotFound
	}
	d.documents = slices.Delete(d.documents, i, i+1)
	d.touch(now)
	return nil
}
