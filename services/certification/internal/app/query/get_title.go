package query

import (
	"context"
	"strings"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// GetTitle names a title and, optionally, one of its versions.
type GetTitle struct {
	Code    string // ministry code, e.g. "TP-00495"
	Version string // empty for the latest version
}

// GetTitleHandler reads one title version. Public, like ListTitles.
type GetTitleHandler struct {
	titles catalogue.Repository
}

// NewGetTitleHandler returns the handler.
func NewGetTitleHandler(titles catalogue.Repository) GetTitleHandler {
	return GetTitleHandler{titles: titles}
}

// Handle returns the version asked for or, without a version, the latest
// one (catalogue.Repository.Latest says which). An unknown title or
// version is catalogue.ErrTitleNotFound.
func (h GetTitleHandler) Handle(ctx context.Context, q GetTitle) (catalogue.Published, error) {
	if strings.TrimSpace(q.Code) == "" {
		return catalogue.Published{}, apperr.Invalid(apperr.FieldViolation{Field: "title_id", Description: "is required"})
	}
	var (
		p   catalogue.Published
		err error
	)
	if q.Version == "" {
		p, err = h.titles.Latest(ctx, q.Code)
	} else {
		p, err = h.titles.Get(ctx, catalogue.Key{Code: q.Code, Version: q.Version})
	}
	if err != nil && apperr.KindOf(err) == apperr.KindNotFound {
		err = catalogue.ErrTitleNotFound.
			WithMessage(notFoundMessage(q)).
			WithMeta("title", q.Code).WithMeta("version", q.Version)
	}
	return p, err
}

func notFoundMessage(q GetTitle) string {
	if q.Version == "" {
		return "title " + q.Code + " is not in the catalogue"
	}
	return "title " + q.Code + " has no version " + q.Version
}
