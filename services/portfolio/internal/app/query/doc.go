// Package query holds the use cases that read dossiers, snapshots and
// documents, one per file. Each checks the caller's rights (package authz).
package query

import "time"

// pageKey is the keyset position carried by a page token.
type pageKey struct {
	CreatedAt time.Time `json:"t"`
	ID        string    `json:"i"`
}
