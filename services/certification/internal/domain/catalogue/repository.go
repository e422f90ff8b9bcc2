package catalogue

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
)

// ErrTitleNotFound reports a title code, or a version of it, that is not in
// the catalogue.
var ErrTitleNotFound = apperr.New(apperr.KindNotFound, "TITLE_NOT_FOUND", "title not found")

// Published is a title version as it stands in the catalogue: its content,
// the hash of that content and when titrepro published it.
type Published struct {
	Title       TitleVersion
	ContentHash string
	PublishedAt time.Time
}

// Key identifies a title version. The catalogue is listed in Key order:
// by Code, then Version, both compared byte by byte.
type Key struct {
	Code    string
	Version string
}

// KeyOf returns the key of t.
func KeyOf(t TitleVersion) Key { return Key{Code: t.Code, Version: t.Version} }

// PublishResult is the outcome of publishing one title version: the version
// as stored, and whether this call added it (false when the same content was
// already published).
type PublishResult struct {
	Published
	Created bool
}

// Repository stores the catalogue. A stored title version never changes.
type Repository interface {
	// Publish adds every title version that is not in the catalogue yet,
	// together with its TitleVersionPublished event, and checks that every
	// one already there has the same content, all in one transaction: on
	// any error nothing is written. A version already published with other
	// content is ErrTitleVersionChanged. Results are in the order of titles.
	Publish(ctx context.Context, now time.Time, titles ...TitleVersion) ([]PublishResult, error)
	// Get returns one version of a title, or ErrTitleNotFound.
	Get(ctx context.Context, key Key) (Published, error)
	// Latest returns the latest version of a title, or ErrTitleNotFound: the
	// one published last and, among versions published at the same instant
	// (loaded together at start), the greatest version string.
	Latest(ctx context.Context, code string) (Published, error)
	// List returns at most limit title versions in Key order, starting
	// after the key after (the zero Key starts at the beginning).
	List(ctx context.Context, after Key, limit int) ([]Published, error)
}
