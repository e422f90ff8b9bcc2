package command

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// LoadCatalogueResult counts what a load did.
type LoadCatalogueResult struct {
	Files     int // title files read
	Published int // versions added to the catalogue by this load
}

// LoadCatalogueHandler loads the referential files at start. It is not an
// RPC: the composition root runs it before serving, as the service itself.
type LoadCatalogueHandler struct {
	titles catalogue.Repository
	now    func() time.Time
}

// NewLoadCatalogueHandler returns the handler.
func NewLoadCatalogueHandler(titles catalogue.Repository, now func() time.Time) LoadCatalogueHandler {
	return LoadCatalogueHandler{titles: titles, now: now}
}

// Handle reads every *.yaml file at the top of fsys and publishes, in one
// transaction, the versions not in the catalogue yet. It is idempotent: a
// restart with the same files publishes nothing (and emits no event).
//
// It is all-or-nothing. An invalid file is an ErrInvalidTitleVersion
// naming the file, line and field of every problem; a file whose version is
// already published with other content is an ErrTitleVersionChanged naming
// the file and the version. In both cases nothing is stored, and the caller
// must refuse to start: serving a catalogue that differs from the files
// would hide the mistake.
func (h LoadCatalogueHandler) Handle(ctx context.Context, fsys fs.FS) (LoadCatalogueResult, error) {
	files, err := catalogue.LoadDirFiles(fsys)
	if err != nil {
		return LoadCatalogueResult{}, err
	}
	titles := make([]catalogue.TitleVersion, 0, len(files))
	for _, f := range files {
		titles = append(titles, f.Title)
	}
	results, err := h.titles.Publish(ctx, h.now(), titles...)
	if err != nil {
		return LoadCatalogueResult{}, nameFile(err, files)
	}
	out := LoadCatalogueResult{Files: len(files)}
	for _, r := range results {
		if r.Created {
			out.Published++
		}
	}
	return out, nil
}

// nameFile adds the file name to an ErrTitleVersionChanged, which only
// knows the title and version it is about.
func nameFile(err error, files []catalogue.File) error {
	var ae *apperr.Error
	if !errors.Is(err, catalogue.ErrTitleVersionChanged) || !errors.As(err, &ae) {
		return err
	}
	for _, f := range files {
		if f.Title.Code == ae.Meta["title"] && f.Title.Version == ae.Meta["version"] {
			msg := fmt.Sprintf("%s: title %s version %s is already published with other content "+
				"(stored hash %s, file hash %s); a published version is immutable: "+
				"restore the file or publish the change as a new version",
				f.Name, f.Title.Code, f.Title.Version, ae.Meta["stored_hash"], ae.Meta["new_hash"])
			return ae.WithMessage(msg).WithMeta("file", f.Name)
		}
	}
	return err
}
