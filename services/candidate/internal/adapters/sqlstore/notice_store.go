package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// NoticeStore implements notice.Store inside one transaction: the
// transaction of the inbox row of the event being applied.
type NoticeStore struct {
	tx *sqldb.Tx
	// wake is called after the transaction commits when it added pending
	// messages (the mail relay's wake-up); nil for none.
	wake func()
	now  func() time.Time
}

var _ notice.Store = (*NoticeStore)(nil)

// NewNoticeStore returns the store bound to tx; wake (may be nil) runs
// after the commit of a transaction that made messages pending.
func NewNoticeStore(tx *sqldb.Tx, wake func(), now func() time.Time) *NoticeStore {
	if now == nil {
		now = time.Now
	}
	return &NoticeStore{tx: tx, wake: wake, now: now}
}

func jsonText(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlstore: encode: %w", err)
	}
	return string(b), nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Lock implements notice.Store. On PostgreSQL it takes a transaction-level
// advisory lock on the key; on SQLite write transactions already run one at
// a time.
func (s *NoticeStore) Lock(ctx context.Context, key string) error {
	if s.tx.Dialect != sqldb.DialectPostgres {
		return nil
	}
	if _, err := s.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "notify:"+key); err != nil {
		return fmt.Errorf("sqlstore: lock %s: %w", key, err)
	}
	return nil
}

// SaveSession implements notice.Store: the session as last told.
func (s *NoticeStore) SaveSession(ctx context.Context, se notice.Session) error {
	codes, err := jsonText(nonNil(se.CCPCodes))
	if err != nil {
		return err
	}
	_, err = s.tx.ExecContext(ctx, `INSERT INTO notify_sessions
		(id, centre_id, type, title_id, title_version, ccp_codes, start_date, end_date, dossier_deadline, site)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (id) DO UPDATE SET centre_id = excluded.centre_id, type = excluded.type,
			title_id = excluded.title_id, title_version = excluded.title_version, ccp_codes = excluded.ccp_codes,
			start_date = excluded.start_date, end_date = excluded.end_date,
			dossier_deadline = excluded.dossier_deadline, site = excluded.site`,
		se.ID, se.CentreID, string(se.Type), se.TitleID, se.TitleVersion, codes, se.StartDate, se.EndDate, se.DossierDeadline, se.Site)
	if err != nil {
		return fmt.Errorf("sqlstore: save session %s: %w", se.ID, err)
	}
	return nil
}

// Session implements notice.Store.
func (s *NoticeStore) Session(ctx context.Context, id string) (notice.Session, error) {
	var (
		se    notice.Session
		typ   string
		codes string
	)
	err := s.tx.QueryRowContext(ctx, `SELECT id, centre_id, type, title_id, title_version, ccp_codes, start_date, end_date,
		dossier_deadline, site FROM notify_sessions WHERE id = $1`, id).Scan(
		&se.ID, &se.CentreID, &typ, &se.TitleID, &se.TitleVersion, &codes, &se.StartDate, &se.EndDate, &se.DossierDeadline, &se.Site)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Session{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Session{}, fmt.Errorf("sqlstore: read session %s: %w", id, err)
	}
	se.Type = notice.SessionType(typ)
	if err := json.Unmarshal([]byte(codes), &se.CCPCodes); err != nil {
		return notice.Session{}, fmt.Errorf("sqlstore: session %s ccp codes: %w", id, err)
	}
	return se, nil
}

type ccpJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// SaveTitle implements notice.Store. A title version never changes: the
// first one stored stays.
func (s *NoticeStore) SaveTitle(ctx context.Context, t notice.Title) error {
	ccps := make([]ccpJSON, 0, len(t.CCPs))
	for _, c := range t.CCPs {
		ccps = append(ccps, ccpJSON(c))
	}
	text, err := jsonText(ccps)
	if err != nil {
		return err
	}
	_, err = s.tx.ExecContext(ctx, `INSERT INTO notify_titles (title_id, version, label, ccps) VALUES ($1, $2, $3, $4)
		ON CONFLICT (title_id, version) DO NOTHING`, t.ID, t.Version, t.Label, text)
	if err != nil {
		return fmt.Errorf("sqlstore: save title %s %s: %w", t.ID, t.Version, err)
	}
	return nil
}

// Title implements notice.Store.
func (s *NoticeStore) Title(ctx context.Context, id, version string) (notice.Title, error) {
	t := notice.Title{ID: id, Version: version}
	var text string
	err := s.tx.QueryRowContext(ctx, `SELECT label, ccps FROM notify_titles WHERE title_id = $1 AND version = $2`, id, version).
		Scan(&t.Label, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Title{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Title{}, fmt.Errorf("sqlstore: read title %s %s: %w", id, version, err)
	}
	var ccps []ccpJSON
	if err := json.Unmarshal([]byte(text), &ccps); err != nil {
		return notice.Title{}, fmt.Errorf("sqlstore: title %s ccps: %w", id, err)
	}
	for _, c := range ccps {
		t.CCPs = append(t.CCPs, notice.CCP(c))
	}
	return t, nil
}

// Candidate implements notice.Store from the candidate record: usage name
// (or birth name) after the given names, and the e-mail address.
func (s *NoticeStore) Candidate(ctx context.Context, id string) (notice.Person, error) {
	var birth, usage, given, email string
	err := s.tx.QueryRowContext(ctx, `SELECT birth_name, usage_name, given_names, email FROM candidates WHERE id = $1`, id).
		Scan(&birth, &usage, &given, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Person{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Person{}, fmt.Errorf("sqlstore: read candidate %s: %w", id, err)
	}
	var names []string
	if err := json.Unmarshal([]byte(given), &names); err != nil {
		return notice.Person{}, fmt.Errorf("sqlstore: candidate %s given names: %w", id, err)
	}
	family := usage
	if family == "" {
		family = birth
	}
	first := ""
	if len(names) > 0 {
		first = names[0]
	}
	return notice.Person{Name: strings.TrimSpace(first + " " + family), Email: email}, nil
}

// JurorAddress implements notice.Store.
func (s *NoticeStore) JurorAddress(ctx context.Context, subject string) (notice.Person, error) {
	var p notice.Person
	err := s.tx.QueryRowContext(ctx, `SELECT name, email FROM notify_juror_addresses WHERE juror_subject = $1`, subject).
		Scan(&p.Name, &p.Email)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && p.Email == "") {
		return notice.Person{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Person{}, fmt.Errorf("sqlstore: read juror address %s: %w", subject, err)
	}
	return p, nil
}

// SaveJurorAddress implements notice.Store: the latest address wins.
func (s *NoticeStore) SaveJurorAddress(ctx context.Context, subject string, p notice.Person) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO notify_juror_addresses (juror_subject, name, email) VALUES ($1, $2, $3)
		ON CONFLICT (juror_subject) DO UPDATE SET name = excluded.name, email = excluded.email`, subject, p.Name, p.Email)
	if err != nil {
		return fmt.Errorf("sqlstore: save juror address %s: %w", subject, err)
	}
	return nil
}

// SaveCandidacy implements notice.Store.
func (s *NoticeStore) SaveCandidacy(ctx context.Context, c notice.Candidacy) error {
	codes, err := jsonText(nonNil(c.CCPCodes))
	if err != nil {
		return err
	}
	_, err = s.tx.ExecContext(ctx, `INSERT INTO notify_candidacies (id, session_id, candidate_id, ccp_codes) VALUES ($1, $2, $3, $4)
		ON CONFLICT (id) DO UPDATE SET session_id = excluded.session_id, candidate_id = excluded.candidate_id, ccp_codes = excluded.ccp_codes`,
		c.ID, c.SessionID, c.CandidateID, codes)
	if err != nil {
		return fmt.Errorf("sqlstore: save candidacy %s: %w", c.ID, err)
	}
	return nil
}

// DeleteCandidacy implements notice.Store.
func (s *NoticeStore) DeleteCandidacy(ctx context.Context, id string) error {
	if _, err := s.tx.ExecContext(ctx, `DELETE FROM notify_candidacies WHERE id = $1`, id); err != nil {
		return fmt.Errorf("sqlstore: delete candidacy %s: %w", id, err)
	}
	return nil
}

// Candidacies implements notice.Store.
func (s *NoticeStore) Candidacies(ctx context.Context, sessionID string) ([]notice.Candidacy, error) {
	rows, err := s.tx.QueryContext(ctx, `SELECT id, candidate_id, ccp_codes FROM notify_candidacies WHERE session_id = $1 ORDER BY id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read candidacies of %s: %w", sessionID, err)
	}
	defer rows.Close()
	var out []notice.Candidacy
	for rows.Next() {
		c := notice.Candidacy{SessionID: sessionID}
		var codes string
		if err := rows.Scan(&c.ID, &c.CandidateID, &codes); err != nil {
			return nil, fmt.Errorf("sqlstore: read candidacies of %s: %w", sessionID, err)
		}
		if err := json.Unmarshal([]byte(codes), &c.CCPCodes); err != nil {
			return nil, fmt.Errorf("sqlstore: candidacy %s ccp codes: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SetJuror implements notice.Store.
func (s *NoticeStore) SetJuror(ctx context.Context, sessionID string, j notice.Juror, assigned bool) error {
	var err error
	if assigned {
		_, err = s.tx.ExecContext(ctx, `INSERT INTO notify_session_jurors (session_id, juror_subject, juror_name) VALUES ($1, $2, $3)
			ON CONFLICT (session_id, juror_subject) DO UPDATE SET juror_name = excluded.juror_name`, sessionID, j.Subject, j.Name)
	} else {
		_, err = s.tx.ExecContext(ctx, `DELETE FROM notify_session_jurors WHERE session_id = $1 AND juror_subject = $2`, sessionID, j.Subject)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: set juror %s of %s: %w", j.Subject, sessionID, err)
	}
	return nil
}

// Jurors implements notice.Store.
func (s *NoticeStore) Jurors(ctx context.Context, sessionID string) ([]notice.Juror, error) {
	rows, err := s.tx.QueryContext(ctx, `SELECT juror_subject, juror_name FROM notify_session_jurors WHERE session_id = $1 ORDER BY juror_subject`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: read jurors of %s: %w", sessionID, err)
	}
	defer rows.Close()
	var out []notice.Juror
	for rows.Next() {
		var j notice.Juror
		if err := rows.Scan(&j.Subject, &j.Name); err != nil {
			return nil, fmt.Errorf("sqlstore: read jurors of %s: %w", sessionID, err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// SaveMinutes implements notice.Store. Minutes never change: a new version
// has a new hash.
func (s *NoticeStore) SaveMinutes(ctx context.Context, m notice.Minutes) error {
	lines, err := jsonText(m.Lines)
	if err != nil {
		return err
	}
	_, err = s.tx.ExecContext(ctx, `INSERT INTO notify_minutes (session_id, content_hash, jury_date, lines) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_id, content_hash) DO NOTHING`, m.SessionID, m.ContentHash, m.JuryDate, lines)
	if err != nil {
		return fmt.Errorf("sqlstore: save minutes of %s: %w", m.SessionID, err)
	}
	return nil
}

// Minutes implements notice.Store.
func (s *NoticeStore) Minutes(ctx context.Context, sessionID, hash string) (notice.Minutes, error) {
	m := notice.Minutes{SessionID: sessionID, ContentHash: hash}
	var lines string
	err := s.tx.QueryRowContext(ctx, `SELECT jury_date, lines FROM notify_minutes WHERE session_id = $1 AND content_hash = $2`, sessionID, hash).
		Scan(&m.JuryDate, &lines)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Minutes{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Minutes{}, fmt.Errorf("sqlstore: read minutes of %s: %w", sessionID, err)
	}
	if err := json.Unmarshal([]byte(lines), &m.Lines); err != nil {
		return notice.Minutes{}, fmt.Errorf("sqlstore: minutes of %s: %w", sessionID, err)
	}
	return m, nil
}

// SaveValidation implements notice.Store; the first validation of a
// version of the minutes stays.
func (s *NoticeStore) SaveValidation(ctx context.Context, v notice.Validation) error {
	_, err := s.tx.ExecContext(ctx, `INSERT INTO notify_validations (session_id, minutes_hash, event_id, validated_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_id, minutes_hash) DO NOTHING`, v.SessionID, v.MinutesHash, v.EventID, sqldb.Timestamp(v.ValidatedAt))
	if err != nil {
		return fmt.Errorf("sqlstore: save validation of %s: %w", v.SessionID, err)
	}
	return nil
}

// Validation implements notice.Store.
func (s *NoticeStore) Validation(ctx context.Context, sessionID, hash string) (notice.Validation, error) {
	v := notice.Validation{SessionID: sessionID, MinutesHash: hash}
	err := s.tx.QueryRowContext(ctx, `SELECT event_id, validated_at FROM notify_validations WHERE session_id = $1 AND minutes_hash = $2`, sessionID, hash).
		Scan(&v.EventID, &v.ValidatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Validation{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Validation{}, fmt.Errorf("sqlstore: read validation of %s: %w", sessionID, err)
	}
	return v, nil
}

// PreviousValidation implements notice.Store.
func (s *NoticeStore) PreviousValidation(ctx context.Context, sessionID, hash string) (notice.Validation, error) {
	v := notice.Validation{SessionID: sessionID}
	err := s.tx.QueryRowContext(ctx, `SELECT minutes_hash, event_id, validated_at FROM notify_validations
		WHERE session_id = $1 AND minutes_hash <> $2 ORDER BY validated_at DESC, event_id DESC LIMIT 1`, sessionID, hash).
		Scan(&v.MinutesHash, &v.EventID, &v.ValidatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return notice.Validation{}, notice.ErrUnknown
	}
	if err != nil {
		return notice.Validation{}, fmt.Errorf("sqlstore: read previous validation of %s: %w", sessionID, err)
	}
	return v, nil
}

// Enqueue implements notice.Store.
func (s *NoticeStore) Enqueue(ctx context.Context, m notice.Mail) (bool, error) {
	now := sqldb.Timestamp(s.now())
	created := m.CreatedAt
	if created.IsZero() {
		created = now
	}
	res, err := s.tx.ExecContext(ctx, `INSERT INTO mail_outbox (message_id, event_id, kind, recipient_key, session_id,
		to_address, to_name, subject, body_text, body_html, status, attempts, next_attempt_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12, $13)
		ON CONFLICT (message_id) DO NOTHING`,
		m.MessageID, m.EventID, string(m.Kind), m.RecipientKey, m.SessionID, m.To, m.ToName,
		m.Content.Subject, m.Content.Text, m.Content.HTML, string(m.Status), now, sqldb.Timestamp(created))
	if err != nil {
		return false, fmt.Errorf("sqlstore: enqueue mail %s: %w", m.MessageID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: enqueue mail %s: %w", m.MessageID, err)
	}
	if n > 0 && m.Status == notice.StatusPending {
		s.wakeAfterCommit()
	}
	return n > 0, nil
}

// Release implements notice.Store.
func (s *NoticeStore) Release(ctx context.Context, recipientKey string, to notice.Person) (int, error) {
	res, err := s.tx.ExecContext(ctx, `UPDATE mail_outbox SET to_address = $1, status = $2, next_attempt_at = $3
		WHERE recipient_key = $4 AND status = $5`,
		to.Email, string(notice.StatusPending), sqldb.Timestamp(s.now()), recipientKey, string(notice.StatusHeld))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: release mail of %s: %w", recipientKey, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlstore: release mail of %s: %w", recipientKey, err)
	}
	if n > 0 {
		s.wakeAfterCommit()
	}
	return int(n), nil
}

// CancelHeld implements notice.Store.
func (s *NoticeStore) CancelHeld(ctx context.Context, sessionID, recipientKey string) (int, error) {
	res, err := s.tx.ExecContext(ctx, `UPDATE mail_outbox SET status = $1, last_error = $2
		WHERE session_id = $3 AND recipient_key = $4 AND status = $5`,
		string(notice.StatusCancelled), "cancelled before the address was known", sessionID, recipientKey, string(notice.StatusHeld))
	if err != nil {
		return 0, fmt.Errorf("sqlstore: cancel held mail of %s: %w", recipientKey, err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (s *NoticeStore) wakeAfterCommit() {
	if s.wake != nil {
		s.tx.AfterCommit(s.wake)
	}
}
