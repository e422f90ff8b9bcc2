package candidate

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
)

// MailAdmin is the operators' view of a candidate database's mail outbox
// (docs/operations.md, "Mail"): what waits, what failed, and resending. It
// works beside a running service: the service's relay picks resent
// messages up at its next poll.
type MailAdmin struct {
	db  *sqldb.DB
	box *sqlstore.MailOutbox
}

// MailStatus counts the outbox's messages by status.
type MailStatus struct {
	Held, Pending, Failed, Sent int
	OldestPending               time.Time // zero when nothing is pending
}

// FailedMail is a message the relay gave up on.
type FailedMail struct {
	MessageID, Kind, To, Subject, LastError string
	Attempts                                int
	CreatedAt                               time.Time
}

// OpenMailAdmin opens the candidate database at databaseURL (as
// DATABASE_URL), which the service has migrated.
func OpenMailAdmin(ctx context.Context, databaseURL string) (*MailAdmin, error) {
	db, err := sqldb.Open(ctx, databaseURL)
	if err != nil {
		return nil, fmt.Errorf("candidate: %w", err)
	}
	return &MailAdmin{db: db, box: sqlstore.NewMailOutbox(db)}, nil
}

// Close closes the database.
func (a *MailAdmin) Close() error { return a.db.Close() }

// Status counts the messages by status.
func (a *MailAdmin) Status(ctx context.Context) (MailStatus, error) {
	b, err := a.box.Backlog(ctx)
	return MailStatus(b), err
}

// Failed lists up to limit failed messages, newest first.
func (a *MailAdmin) Failed(ctx context.Context, limit int) ([]FailedMail, error) {
	ms, causes, err := a.box.Failed(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]FailedMail, len(ms))
	for i, m := range ms {
		out[i] = FailedMail{MessageID: m.MessageID, Kind: string(m.Kind), To: m.To, Subject: m.Content.Subject,
			LastError: causes[i], Attempts: m.Attempts, CreatedAt: m.CreatedAt}
	}
	return out, nil
}

// Resend makes the failed message messageID pending again, with fresh
// attempts; false when no failed message has that id.
func (a *MailAdmin) Resend(ctx context.Context, messageID string) (bool, error) {
	return a.box.Resend(ctx, messageID, time.Now())
}

// ResendFailed makes every failed message pending again; it returns how many.
func (a *MailAdmin) ResendFailed(ctx context.Context) (int, error) {
	return a.box.ResendFailed(ctx, time.Now())
}
