package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// MailOutbox is the mail relay's side of the mail outbox: the messages due,
// a lease on one while it is sent, and its outcome.
type MailOutbox struct {
	db *sqldb.DB
}

// NewMailOutbox returns the mail outbox of db (migrated with Migrate).
func NewMailOutbox(db *sqldb.DB) *MailOutbox { return &MailOutbox{db: db} }

const mailColumns = `message_id, event_id, kind, recipient_key, session_id, to_address, to_name,
	subject, body_text, body_html, status, attempts, created_at`

// Due returns up to limit pending messages whose next attempt has come,
// oldest first.
func (o *MailOutbox) Due(ctx context.Context, now time.Time, limit int) ([]notice.Mail, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT `+mailColumns+` FROM mail_outbox
		WHERE status = $1 AND next_attempt_at <= $2 ORDER BY next_attempt_at, message_id LIMIT $3`,
		string(notice.StatusPending), sqldb.Timestamp(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: due mail: %w", err)
	}
	defer rows.Close()
	var out []notice.Mail
	for rows.Next() {
		var (
			m            notice.Mail
			kind, status string
		)
		if err := rows.Scan(&m.MessageID, &m.EventID, &kind, &m.RecipientKey, &m.SessionID, &m.To, &m.ToName,
			&m.Content.Subject, &m.Content.Text, &m.Content.HTML, &status, &m.Attempts, &m.CreatedAt); err != nil {
			return nil, fmt.Errorf("sqlstore: due mail: %w", err)
		}
		m.Kind, m.Status = notice.Kind(kind), notice.Status(status)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Claim leases a due pending message until until: it reports false when
// another relay has it or its state changed since Due. While the lease
// runs no relay sends it; when it lapses (the relay died mid-send) it is
// due again.
func (o *MailOutbox) Claim(ctx context.Context, messageID string, now, until time.Time) (bool, error) {
	res, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET next_attempt_at = $1
		WHERE message_id = $2 AND status = $3 AND next_attempt_at <= $4`,
		sqldb.Timestamp(until), messageID, string(notice.StatusPending), sqldb.Timestamp(now))
	if err != nil {
		return false, fmt.Errorf("sqlstore: claim mail %s: %w", messageID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: claim mail %s: %w", messageID, err)
	}
	return n == 1, nil
}

// MarkSent records that the server accepted the message.
func (o *MailOutbox) MarkSent(ctx context.Context, messageID string, attempts int, at time.Time) error {
	_, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = $1, sent_at = $2, attempts = $3, last_error = ''
		WHERE message_id = $4 AND status = $5`,
		string(notice.StatusSent), sqldb.Timestamp(at), attempts, messageID, string(notice.StatusPending))
	if err != nil {
		return fmt.Errorf("sqlstore: mark mail %s sent: %w", messageID, err)
	}
	return nil
}

// MarkRetry records a failed attempt and when to try again.
func (o *MailOutbox) MarkRetry(ctx context.Context, messageID string, attempts int, next time.Time, cause string) error {
	_, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET attempts = $1, next_attempt_at = $2, last_error = $3
		WHERE message_id = $4 AND status = $5`,
		attempts, sqldb.Timestamp(next), truncate(cause), messageID, string(notice.StatusPending))
	if err != nil {
		return fmt.Errorf("sqlstore: mark mail %s for retry: %w", messageID, err)
	}
	return nil
}

// MarkFailed gives up on a message: an operator decides (Resend).
func (o *MailOutbox) MarkFailed(ctx context.Context, messageID string, attempts int, cause string) error {
	_, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = $1, attempts = $2, last_error = $3
		WHERE message_id = $4 AND status = $5`,
		string(notice.StatusFailed), attempts, truncate(cause), messageID, string(notice.StatusPending))
	if err != nil {
		return fmt.Errorf("sqlstore: mark mail %s failed: %w", messageID, err)
	}
	return nil
}

// Resend makes a failed message pending again with fresh attempts; it
// reports false when there is no failed message with that id.
func (o *MailOutbox) Resend(ctx context.Context, messageID string, now time.Time) (bool, error) {
	res, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = $1, attempts = 0, next_attempt_at = $2
		WHERE message_id = $3 AND status = $4`,
		string(notice.StatusPending), sqldb.Timestamp(now), messageID, string(notice.StatusFailed))
	if err != nil {
		return false, fmt.Errorf("sqlstore: resend mail %s: %w", messageID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Backlog is what an operator watches of the mail outbox.
type Backlog struct {
	Held, Pending, Failed, Sent int
	// OldestPending is the creation time of the oldest pending message;
	// zero when none is pending.
	OldestPending time.Time
}

// Backlog counts the messages by status.
func (o *MailOutbox) Backlog(ctx context.Context) (Backlog, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM mail_outbox GROUP BY status`)
	if err != nil {
		return Backlog{}, fmt.Errorf("sqlstore: mail backlog: %w", err)
	}
	defer rows.Close()
	var b Backlog
	for rows.Next() {
		var (
			status string
			n      int
		)
		if err := rows.Scan(&status, &n); err != nil {
			return Backlog{}, fmt.Errorf("sqlstore: mail backlog: %w", err)
		}
		switch notice.Status(status) {
		case notice.StatusHeld:
			b.Held = n
		case notice.StatusPending:
			b.Pending = n
		case notice.StatusFailed:
			b.Failed = n
		case notice.StatusSent:
			b.Sent = n
		}
	}
	if err := rows.Err(); err != nil {
		return Backlog{}, fmt.Errorf("sqlstore: mail backlog: %w", err)
	}
	if b.Pending > 0 {
		var oldest time.Time
		err := o.db.QueryRowContext(ctx, `SELECT created_at FROM mail_outbox WHERE status = $1 ORDER BY created_at LIMIT 1`,
			string(notice.StatusPending)).Scan(&oldest)
		switch {
		case errors.Is(err, sql.ErrNoRows): // sent since the count
		case err != nil:
			return Backlog{}, fmt.Errorf("sqlstore: mail backlog: %w", err)
		default:
			b.OldestPending = oldest
		}
	}
	return b, nil
}

func truncate(s string) string {
	const max = 1000
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut]
}

// Failed returns up to limit failed messages, newest first, for operators.
func (o *MailOutbox) Failed(ctx context.Context, limit int) ([]notice.Mail, []string, error) {
	rows, err := o.db.QueryContext(ctx, `SELECT `+mailColumns+`, last_error FROM mail_outbox
		WHERE status = $1 ORDER BY created_at DESC, message_id LIMIT $2`, string(notice.StatusFailed), limit)
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: failed mail: %w", err)
	}
	defer rows.Close()
	var (
		out    []notice.Mail
		causes []string
	)
	for rows.Next() {
		var (
			m                   notice.Mail
			kind, status, cause string
		)
		if err := rows.Scan(&m.MessageID, &m.EventID, &kind, &m.RecipientKey, &m.SessionID, &m.To, &m.ToName,
			&m.Content.Subject, &m.Content.Text, &m.Content.HTML, &status, &m.Attempts, &m.CreatedAt, &cause); err != nil {
			return nil, nil, fmt.Errorf("sqlstore: failed mail: %w", err)
		}
		m.Kind, m.Status = notice.Kind(kind), notice.Status(status)
		out, causes = append(out, m), append(causes, cause)
	}
	return out, causes, rows.Err()
}

// ResendFailed makes every failed message pending again; it returns how many.
func (o *MailOutbox) ResendFailed(ctx context.Context, now time.Time) (int, error) {
	res, err := o.db.ExecContext(ctx, `UPDATE mail_outbox SET status = $1, attempts = 0, next_attempt_at = $2 WHERE status = $3`,
		string(notice.StatusPending), sqldb.Timestamp(now), string(notice.StatusFailed))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: resend failed mail: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}
