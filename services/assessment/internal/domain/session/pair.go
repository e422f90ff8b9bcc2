package session

import "context"

// PairRepository changes two sessions in one transaction: a candidacy
// transferred from one to the other leaves the first and joins the second
// atomically (Transfer).
type PairRepository interface {
	// UpdatePair loads both sessions, applies fn and saves both with their
	// events, atomically; like Update, it retries on a concurrent change,
	// so fn must be safe to run more than once.
	UpdatePair(ctx context.Context, firstID, secondID string, fn func(first, second *Session) error) (*Session, *Session, error)
}
