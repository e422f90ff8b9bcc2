package floor

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
)

// Drain waits until the outbox of the database at url has no unpublished
// row, so that a benchmark measures its figure without the relay still
// catching up with the events of the data it just prepared. It gives up
// after a minute.
func Drain(ctx context.Context, url string) error {
	db, err := sqldb.Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		var n int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE published_at IS NULL`).Scan(&n); err != nil {
			return fmt.Errorf("floor: drain: %w", err)
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("floor: drain: %d events still unpublished after a minute", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
