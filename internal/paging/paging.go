// Package paging implements AIP-158 pagination with opaque keyset tokens.
//
// A page token encodes the sort key of the last item returned and a
// fingerprint of the query it belongs to. Keyset (rather than offset) paging
// stays correct and fast while rows are inserted between calls; the
// fingerprint makes a token from one listing useless in another.
package paging

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Size limits applied to every List method.
const (
	DefaultSize = 50
	MaxSize     = 500
)

// ErrInvalidPageToken is returned for a token that was not issued for the
// same listing, or that was tampered with.
var ErrInvalidPageToken = apperr.New(apperr.KindInvalidArgument, "INVALID_PAGE_TOKEN",
	"page_token was not returned by a previous call with the same parameters")

// Size returns the page size to use for a requested page_size: 0 means
// DefaultSize, values above MaxSize are coerced, negative values are refused.
func Size(requested int32) (int, error) {
	switch {
	case requested < 0:
		return 0, apperr.Invalid(apperr.FieldViolation{Field: "page_size", Description: "must not be negative"})
	case requested == 0:
		return DefaultSize, nil
	case requested > MaxSize:
		return MaxSize, nil
	default:
		return int(requested), nil
	}
}

type envelope struct {
	Query string          `json:"q"`
	After json.RawMessage `json:"a"`
}

// Encode returns the token for the page after the item whose sort key is
// after. query names the listing and its filters (e.g. "candidates|centre=C1").
func Encode(query string, after any) (string, error) {
	key, err := json.Marshal(after)
	if err != nil {
		return "", err
	}
	raw, err := json.Marshal(envelope{Query: fingerprint(query), After: key})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// Decode reads a token into after. An empty token leaves after untouched and
// reports false: the listing starts at the beginning.
func Decode(query, token string, after any) (bool, error) {
	if token == "" {
		return false, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return false, ErrInvalidPageToken
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil || env.Query != fingerprint(query) {
		return false, ErrInvalidPageToken
	}
	if err := json.Unmarshal(env.After, after); err != nil {
		return false, ErrInvalidPageToken
	}
	return true, nil
}

func fingerprint(query string) string {
	sum := sha256.Sum256([]byte(query))
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}
