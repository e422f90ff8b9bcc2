package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// The projections of package refdata over SQL. Built on the pool they
// serve reads; built on a transaction they join it, which is how an event
// consumer writes a projection together with its inbox row.
type (
	// Candidates implements refdata.Candidates.
	Candidates struct{ q querier }
	// Titles implements refdata.Titles.
	Titles struct{ q querier }
	// Sessions implements refdata.Sessions.
	Sessions struct{ q querier }
)

var (
	_ refdata.Candidates = (*Candidates)(nil)
	_ refdata.Titles     = (*Titles)(nil)
	_ refdata.Sessions   = (*Sessions)(nil)
)

// NewCandidates returns the candidate projection over the pool of db.
func NewCandidates(db *sqldb.DB) *Candidates { return &Candidates{q: db} }

// NewCandidatesTx returns the candidate projection inside tx.
func NewCandidatesTx(tx *sqldb.Tx) *Candidates { return &Candidates{q: tx} }

// NewTitles returns the title projection over the pool of db.
func NewTitles(db *sqldb.DB) *Titles { return &Titles{q: db} }

// NewTitlesTx returns the title projection inside tx.
func NewTitlesTx(tx *sqldb.Tx) *Titles { return &Titles{q: tx} }

// NewSessions returns the session projection over the pool of db.
func NewSessions(db *sqldb.DB) *Sessions { return &Sessions{q: db} }

// NewSessionsTx returns the session projection inside tx.
func NewSessionsTx(tx *sqldb.Tx) *Sessions { return &Sessions{q: tx} }

const candidateColumns = `id, subject, birth_name, usage_name, given_names, address, access_route, version`

// Get implements refdata.Candidates.
func (r *Candidates) Get(ctx context.Context, id string) (refdata.Candidate, error) {
	return r.candidate(ctx, `SELECT `+candidateColumns+` FROM ref_candidates WHERE id = $1`, id)
}

// BySubject implements refdata.Candidates. The candidate service binds a
// subject to one record at most; should two copies ever claim one, the
// oldest id answers, deterministically.
func (r *Candidates) BySubject(ctx context.Context, subject string) (refdata.Candidate, error) {
	if subject == "" {
		return refdata.Candidate{}, refdata.ErrCandidateNotFound
	}
	return r.candidate(ctx, `SELECT `+candidateColumns+` FROM ref_candidates WHERE subject = $1 ORDER BY id LIMIT 1`, subject)
}

func (r *Candidates) candidate(ctx context.Context, query string, arg string) (refdata.Candidate, error) {
	var (
		c          refdata.Candidate
		givenNames string
		address    sql.NullString
		route      string
	)
	err := r.q.QueryRowContext(ctx, query, arg).Scan(&c.ID, &c.Subject, &c.BirthName, &c.UsageName, &givenNames, &address, &route, &c.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return refdata.Candidate{}, refdata.ErrCandidateNotFound
	}
	if err != nil {
		return refdata.Candidate{}, fmt.Errorf("sqlstore: read candidate: %w", err)
	}
	c.Route = refdata.AccessRoute(route)
	if err := json.Unmarshal([]byte(givenNames), &c.GivenNames); err != nil {
		return refdata.Candidate{}, fmt.Errorf("sqlstore: candidate %s: given_names: %w", c.ID, err)
	}
	c.GivenNames = emptyToNil(c.GivenNames)
	if address.Valid {
		var a addressDoc
		if err := json.Unmarshal([]byte(address.String), &a); err != nil {
			return refdata.Candidate{}, fmt.Errorf("sqlstore: candidate %s: address: %w", c.ID, err)
		}
		c.Address = a.address()
	}
	return c, nil
}

// Upsert implements refdata.Candidates. The WHERE of the update is the
// apply-if-newer rule inside the write.
func (r *Candidates) Upsert(ctx context.Context, c refdata.Candidate) (bool, error) {
	givenNames, err := encode(nonNil(c.GivenNames))
	if err != nil {
		return false, fmt.Errorf("sqlstore: candidate %s: %w", c.ID, err)
	}
	var address sql.NullString
	if a := addressDocOf(c.Address); a != nil {
		if address.String, err = encode(a); err != nil {
			return false, fmt.Errorf("sqlstore: candidate %s: %w", c.ID, err)
		}
		address.Valid = true
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO ref_candidates (id, subject, birth_name, usage_name, given_names,
			address, access_route, version)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (id) DO UPDATE SET
			subject = excluded.subject, birth_name = excluded.birth_name, usage_name = excluded.usage_name,
			given_names = excluded.given_names, address = excluded.address,
			access_route = excluded.access_route, version = excluded.version
		WHERE ref_candidates.version < excluded.version`,
		c.ID, c.Subject, c.BirthName, c.UsageName, givenNames, address, string(c.Route), c.Version)
	return wrote(res, err, "candidate "+c.ID)
}

// wrote reports whether an upsert changed a row.
func wrote(res sql.Result, err error, what string) (bool, error) {
	if err != nil {
		return false, fmt.Errorf("sqlstore: store %s: %w", what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: store %s: %w", what, err)
	}
	return n > 0, nil
}

// Get implements refdata.Titles.
func (r *Titles) Get(ctx context.Context, id, version string) (refdata.Title, error) {
	query := `SELECT id, version, label, activity_types, published_at FROM ref_titles WHERE id = $1 AND version = $2`
	args := []any{id, version}
	if version == "" {
		query = `SELECT id, version, label, activity_types, published_at FROM ref_titles WHERE id = $1
			ORDER BY published_at DESC, version DESC LIMIT 1`
		args = args[:1]
	}
	var (
		t     refdata.Title
		types string
	)
	err := r.q.QueryRowContext(ctx, query, args...).Scan(&t.ID, &t.Version, &t.Label, &types, &t.PublishedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return refdata.Title{}, refdata.ErrTitleNotFound
	}
	if err != nil {
		return refdata.Title{}, fmt.Errorf("sqlstore: read title: %w", err)
	}
	var docs []activityTypeDoc
	if err := json.Unmarshal([]byte(types), &docs); err != nil {
		return refdata.Title{}, fmt.Errorf("sqlstore: title %s %s: %w", t.ID, t.Version, err)
	}
	for _, d := range docs {
		t.ActivityTypes = append(t.ActivityTypes, refdata.ActivityType(d))
	}
	t.PublishedAt = t.PublishedAt.UTC()
	return t, nil
}

// Insert implements refdata.Titles.
func (r *Titles) Insert(ctx context.Context, t refdata.Title) (bool, error) {
	docs := []activityTypeDoc{}
	for _, a := range t.ActivityTypes {
		docs = append(docs, activityTypeDoc(a))
	}
	types, err := encode(docs)
	if err != nil {
		return false, fmt.Errorf("sqlstore: title %s %s: %w", t.ID, t.Version, err)
	}
	res, err := r.q.ExecContext(ctx, `INSERT INTO ref_titles (id, version, label, activity_types, published_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id, version) DO NOTHING`,
		t.ID, t.Version, t.Label, types, t.PublishedAt.UTC())
	return wrote(res, err, "title "+t.ID+" "+t.Version)
}

// Get implements refdata.Sessions.
func (s *Sessions) Get(ctx context.Context, id string) (refdata.Session, error) {
	var (
		sess  refdata.Session
		typ   string
		codes string
	)
	err := s.q.QueryRowContext(ctx, `SELECT id, centre_id, type, title_id, title_version, ccp_codes, start_date, end_date
		FROM ref_sessions WHERE id = $1`, id).Scan(&sess.ID, &sess.CentreID, &typ, &sess.TitleID, &sess.TitleVersion,
		&codes, &sess.StartDate, &sess.EndDate)
	if errors.Is(err, sql.ErrNoRows) {
		return refdata.Session{}, refdata.ErrSessionNotFound
	}
	if err != nil {
		return refdata.Session{}, fmt.Errorf("sqlstore: read session: %w", err)
	}
	sess.Type = refdata.SessionType(typ)
	if err := json.Unmarshal([]byte(codes), &sess.CCPCodes); err != nil {
		return refdata.Session{}, fmt.Errorf("sqlstore: session %s: %w", id, err)
	}
	sess.CCPCodes = emptyToNil(sess.CCPCodes)
	return sess, nil
}

// Insert implements refdata.Sessions.
func (s *Sessions) Insert(ctx context.Context, sess refdata.Session) (bool, error) {
	codes, err := encode(nonNil(sess.CCPCodes))
	if err != nil {
		return false, fmt.Errorf("sqlstore: session %s: %w", sess.ID, err)
	}
	res, err := s.q.ExecContext(ctx, `INSERT INTO ref_sessions (id, centre_id, type, title_id, title_version,
			ccp_codes, start_date, end_date)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
		sess.ID, sess.CentreID, string(sess.Type), sess.TitleID, sess.TitleVersion, codes, sess.StartDate, sess.EndDate)
	return wrote(res, err, "session "+sess.ID)
}

// IsJuror implements refdata.Sessions.
func (s *Sessions) IsJuror(ctx context.Context, sessionID, subject string) (bool, error) {
	var assigned int
	err := s.q.QueryRowContext(ctx, `SELECT assigned FROM ref_session_jurors WHERE session_id = $1 AND subject = $2`,
		sessionID, subject).Scan(&assigned)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("sqlstore: read juror: %w", err)
	}
	return assigned == 1, nil
}

// ApplyJuror implements refdata.Sessions. It keeps, per session and
// juror, the latest change: an older event arriving late never undoes a
// newer one.
func (s *Sessions) ApplyJuror(ctx context.Context, c refdata.JurorChange) (bool, error) {
	assigned := 0
	if c.Assigned {
		assigned = 1
	}
	res, err := s.q.ExecContext(ctx, `INSERT INTO ref_session_jurors (session_id, subject, assigned, changed_at)
		VALUES ($1, $2, $3, $4)
		ON CONFLICT (session_id, subject) DO UPDATE SET assigned = excluded.assigned, changed_at = excluded.changed_at
		WHERE ref_session_jurors.changed_at < excluded.changed_at`,
		c.SessionID, c.Subject, assigned, c.At.UTC().Truncate(time.Microsecond))
	return wrote(res, err, "juror of session "+c.SessionID)
}
