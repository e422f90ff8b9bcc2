package command

import (
	"context"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// MaxReferentialSize is the largest referential document ImportTitle
// accepts: the TSGERI file is about 8 KiB, so 1 MiB leaves room for any real
// title while bounding the work a single request can cause.
const MaxReferentialSize = 1 << 20

// defaultSourceName names the document in error messages when the caller
// gave no name.
const defaultSourceName = "import.yaml"

// ErrImportDenied reports a caller who may not publish title versions.
var ErrImportDenied = apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
	"only the ministry may publish title versions")

// ImportTitle publishes one title version from a referential document in
// the YAML format of referentiels/.
type ImportTitle struct {
	YAML       []byte
	SourceName string // used in error messages; "import.yaml" when empty
}

// ImportTitleResult is the published version, and whether this call
// published it (false when the same content was already there).
type ImportTitleResult struct {
	Title   catalogue.Published
	Created bool
}

// ImportTitleHandler publishes title versions for the ministry.
type ImportTitleHandler struct {
	titles catalogue.Repository
	now    func() time.Time
}

// NewImportTitleHandler returns the handler.
func NewImportTitleHandler(titles catalogue.Repository, now func() time.Time) ImportTitleHandler {
	return ImportTitleHandler{titles: titles, now: now}
}

// Handle authorises the caller (the ministry only: admin is an operator
// role, read-only on business data), parses the document
// with the same rules as the files loaded at start, and publishes it.
// Importing a published version again with the same content changes
// nothing and reports Created false; with other content it is
// ErrTitleVersionChanged (a published version is immutable).
func (h ImportTitleHandler) Handle(ctx context.Context, cmd ImportTitle) (ImportTitleResult, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return ImportTitleResult{}, err
	}
	if !authz.Publishes(p) {
		return ImportTitleResult{}, ErrImportDenied
	}
	if err := checkSize(len(cmd.YAML)); err != nil {
		return ImportTitleResult{}, err
	}
	name := cmd.SourceName
	if name == "" {
		name = defaultSourceName
	}
	t, err := catalogue.Parse(name, cmd.YAML)
	if err != nil {
		return ImportTitleResult{}, err
	}
	results, err := h.titles.Publish(ctx, h.now(), t)
	if err != nil {
		return ImportTitleResult{}, err
	}
	return ImportTitleResult{Title: results[0].Published, Created: results[0].Created}, nil
}

// checkSize refuses an empty or oversized document before parsing it.
func checkSize(n int) error {
	var desc string
	switch {
	case n == 0:
		desc = "is required"
	case n > MaxReferentialSize:
		desc = "must be at most 1 MiB (" + strconv.Itoa(MaxReferentialSize) + " bytes), got " + strconv.Itoa(n) + " bytes"
	default:
		return nil
	}
	return apperr.Invalid(apperr.FieldViolation{Field: "referentiel_yaml", Description: desc}).
		WithMessage("referentiel_yaml " + desc)
}
