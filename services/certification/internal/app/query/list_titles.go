package query

import (
	"context"

	"github.com/titrepro/titrepro/internal/paging"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// titlesListing names the listing in page tokens, so that a token of
// another listing is refused.
const titlesListing = "titles"

// ListTitles asks for one page of the catalogue.
type ListTitles struct {
	PageSize  int32  // 0 means paging.DefaultSize; above paging.MaxSize is coerced
	PageToken string // from a previous page; empty for the first page
}

// TitlePage is one page of the catalogue, in code then version order.
type TitlePage struct {
	Titles        []catalogue.Published
	NextPageToken string // empty on the last page
}

// ListTitlesHandler pages through the catalogue. Public: the catalogue is
// published reference data, readable without a token.
type ListTitlesHandler struct {
	titles catalogue.Repository
}

// NewListTitlesHandler returns the handler.
func NewListTitlesHandler(titles catalogue.Repository) ListTitlesHandler {
	return ListTitlesHandler{titles: titles}
}

// pageKey is the keyset position stored in page tokens.
type pageKey struct {
	Code    string `json:"c"`
	Version string `json:"v"`
}

// Handle returns the page after the token's position. It asks the
// repository for one row more than the page size to know whether another
// page follows, so the last page never carries a token.
func (h ListTitlesHandler) Handle(ctx context.Context, q ListTitles) (TitlePage, error) {
	var after pageKey
	size, _, err := paging.Start(q.PageSize, titlesListing, q.PageToken, &after)
	if err != nil {
		return TitlePage{}, err
	}
	rows, err := h.titles.List(ctx, catalogue.Key{Code: after.Code, Version: after.Version}, size+1)
	if err != nil {
		return TitlePage{}, err
	}
	rows, token, err := paging.Next(titlesListing, rows, size, func(r catalogue.Published) pageKey {
		return pageKey{Code: r.Title.Code, Version: r.Title.Version}
	})
	if err != nil {
		return TitlePage{}, err
	}
	return TitlePage{Titles: rows, NextPageToken: token}, nil
}
