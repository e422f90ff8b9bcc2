package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

var _ session.PairRepository = (*SessionRepository)(nil)

// UpdatePair implements session.PairRepository: both sessions are loaded
// and locked in the order of their ids (two transfers between the same
// sessions in opposite directions cannot deadlock), fn applies to both,
// and both are saved with their events in one transaction, retried like
// Update when another change committed in between.
func (r *SessionRepository) UpdatePair(ctx context.Context, firstID, secondID string, fn func(first, second *session.Session) error) (*session.Session, *session.Session, error) {
	if firstID == secondID {
		return nil, nil, fmt.Errorf("sqlstore: update pair: one session %s twice", firstID)
	}
	for attempt := 1; ; attempt++ {
		var first, second *session.Session
		err := r.inTx(ctx, func(tx *sqldb.Tx) error {
			ids := []string{firstID, secondID}
			if secondID < firstID {
				ids = []string{secondID, firstID}
			}
			loaded := map[string]*session.Session{}
			before := map[string]image{}
			for _, id := range ids {
				if err := guardSession(ctx, tx, id, false); err != nil {
					return err
				}
				s, err := loadLocked(ctx, tx, id, lockWhole)
				if err != nil {
					return err
				}
				img, err := imageOf(s)
				if err != nil {
					return fmt.Errorf("sqlstore: encode session %s: %w", id, err)
				}
				loaded[id], before[id] = s, img
			}
			first, second = loaded[firstID], loaded[secondID]
			if err := fn(first, second); err != nil {
				return err
			}
			for _, id := range ids {
				if err := r.save(ctx, tx, loaded[id], before[id]); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, session.ErrConcurrentUpdate) && r.tx == nil && attempt < maxUpdateAttempts {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		return first, second, nil
	}
}
