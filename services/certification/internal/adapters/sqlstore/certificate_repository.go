package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
)

// CertificateRepository is the certificate.Repository over SQL.
type CertificateRepository struct {
	q querier
}

var (
	_ certificate.Repository  = (*CertificateRepository)(nil)
	_ credential.StatusSource = (*CertificateRepository)(nil)
)

// NewCertificateRepository returns a repository over the pool of db.
func NewCertificateRepository(db *sqldb.DB) *CertificateRepository {
	return &CertificateRepository{q: db}
}

// ccpRow is the JSON shape of a CCP in the ccps column.
type ccpRow struct {
	Code      string `json:"code"`
	Label     string `json:"label"`
	SessionID string `json:"session_id"`
	JuryDate  string `json:"jury_date"`
}

// certificateColumns are the columns scanCertificate reads, in order.
const certificateColumns = `number, kind, candidate_id, holder_birth_name, holder_usage_name, holder_given_names,
	holder_birth_date, holder_birth_commune, holder_birth_country_code, title_id, title_version, title_label,
	title_level, ccps, by_capitalisation, session_id, jury_date, issue_date, issued_at, key_id, signature, status, format, status_index`

// certificateReadColumns are certificateColumns and the columns written
// after issue: the withdrawal decision (R59).
const certificateReadColumns = certificateColumns + `, withdrawal_id`

// Get implements certificate.Repository.
func (r *CertificateRepository) Get(ctx context.Context, n certificate.Number) (certificate.Certificate, error) {
	row := r.q.QueryRowContext(ctx, `SELECT `+certificateReadColumns+` FROM certificates WHERE number = $1`, string(n))
	return scanCertificate(row)
}

// List implements certificate.Repository with a keyset on the number.
func (r *CertificateRepository) List(ctx context.Context, candidateIDs []string, after certificate.Number, limit int) ([]certificate.Certificate, error) {
	if candidateIDs != nil && len(candidateIDs) == 0 {
		return nil, nil
	}
	query := `SELECT ` + certificateReadColumns + ` FROM certificates WHERE number > $1`
	args := []any{string(after)}
	if candidateIDs != nil {
		marks := make([]string, 0, len(candidateIDs))
		for _, id := range candidateIDs {
			args = append(args, id)
			marks = append(marks, "$"+strconv.Itoa(len(args)))
		}
		query += ` AND candidate_id IN (` + strings.Join(marks, ", ") + `)`
	}
	args = append(args, limit)
	query += ` ORDER BY number LIMIT $` + strconv.Itoa(len(args))
	rows, err := r.q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list certificates: %w", err)
	}
	defer rows.Close()
	var out []certificate.Certificate
	for rows.Next() {
		c, err := scanCertificate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: list certificates: %w", err)
	}
	return out, nil
}

// NumbersOf implements certificate.Repository.
func (r *CertificateRepository) NumbersOf(ctx context.Context, candidateID string) ([]certificate.Number, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT number FROM certificates WHERE candidate_id = $1 ORDER BY number`, candidateID)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: certificate numbers: %w", err)
	}
	defer rows.Close()
	var out []certificate.Number
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("sqlstore: certificate numbers: %w", err)
		}
		out = append(out, certificate.Number(n))
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: certificate numbers: %w", err)
	}
	return out, nil
}

// Count returns how many certificates were issued: the service refuses to
// start with a new signing key when there are any (see keyfile).
func (r *CertificateRepository) Count(ctx context.Context) (int64, error) {
	var n int64
	if err := r.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates`).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlstore: count certificates: %w", err)
	}
	return n, nil
}

// StatusBits implements credential.StatusSource: the counter of the
// revocation list and the indexes of the certificates not ISSUED (through
// the partial index certificates_not_issued, so the cost follows their
// number, not the number of certificates).
func (r *CertificateRepository) StatusBits(ctx context.Context) (int64, []int64, error) {
	var next int64
	if err := r.q.QueryRowContext(ctx, `SELECT next_index FROM status_list_counters WHERE purpose = $1`,
		credential.StatusPurposeRevocation).Scan(&next); err != nil {
		return 0, nil, fmt.Errorf("sqlstore: status list counter: %w", err)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT status_index FROM certificates
		WHERE status <> 'ISSUED' AND status_index >= 0 ORDER BY status_index`)
	if err != nil {
		return 0, nil, fmt.Errorf("sqlstore: status list: %w", err)
	}
	defer rows.Close()
	var set []int64
	for rows.Next() {
		var i int64
		if err := rows.Scan(&i); err != nil {
			return 0, nil, fmt.Errorf("sqlstore: status list: %w", err)
		}
		set = append(set, i)
	}
	if err := rows.Err(); err != nil {
		return 0, nil, fmt.Errorf("sqlstore: status list: %w", err)
	}
	return next, set, nil
}

// ErrAwardExists reports a certificate that the unique indexes refuse: a
// second titre for a person and title version, or a second certificate
// for a person and session. The validation's checks make it unreachable;
// if it is reached, the transaction rolls back and the caller may retry,
// which then finds the award made.
var ErrAwardExists = apperr.New(apperr.KindAborted, "AWARD_EXISTS",
	"this award was made already by a concurrent validation; retry")

// insertCertificate stores a signed certificate in tx.
func insertCertificate(ctx context.Context, tx *sqldb.Tx, c certificate.Certificate) error {
	givenNames, err := json.Marshal(nonNil(c.Holder.GivenNames))
	if err != nil {
		return fmt.Errorf("sqlstore: certificate %s: given names: %w", c.Number, err)
	}
	ccps := make([]ccpRow, 0, len(c.Ccps))
	for _, k := range c.Ccps {
		ccps = append(ccps, ccpRow{Code: k.Code, Label: k.Label, SessionID: k.SessionID, JuryDate: k.JuryDate})
	}
	ccpsJSON, err := json.Marshal(ccps)
	if err != nil {
		return fmt.Errorf("sqlstore: certificate %s: ccps: %w", c.Number, err)
	}
	// The status index comes from the counter, whose row stays locked
	// until tx ends: a concurrent validation waits for the next one.
	var index int64
	if err := tx.QueryRowContext(ctx, `UPDATE status_list_counters SET next_index = next_index + 1
		WHERE purpose = $1 RETURNING next_index - 1`, credential.StatusPurposeRevocation).Scan(&index); err != nil {
		return fmt.Errorf("sqlstore: certificate %s: status index: %w", c.Number, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO certificates (`+certificateColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)`,
		string(c.Number), string(c.Kind), c.CandidateID, c.Holder.BirthName, c.Holder.UsageName, string(givenNames),
		c.Holder.BirthDate, c.Holder.BirthCommune, c.Holder.BirthCountryCode, c.TitleCode, c.TitleVersion, c.TitleLabel,
		c.TitleLevel, string(ccpsJSON), c.ByCapitalisation, c.SessionID, c.JuryDate, c.IssueDate, dbTime(c.IssuedAt),
		c.KeyID, base64.StdEncoding.EncodeToString(c.Signature), string(c.Status), c.Format, index)
	if sqldb.IsUniqueViolation(err) {
		return ErrAwardExists.WithMeta("candidate_id", c.CandidateID).WithMeta("session_id", c.SessionID).WithCause(err)
	}
	if err != nil {
		return fmt.Errorf("sqlstore: insert certificate %s: %w", c.Number, err)
	}
	return nil
}

func scanCertificate(s scanner) (certificate.Certificate, error) {
	var (
		c                        certificate.Certificate
		number, kind, status     string
		givenNames, ccps, sigB64 string
		issuedAt                 time.Time
	)
	err := s.Scan(&number, &kind, &c.CandidateID, &c.Holder.BirthName, &c.Holder.UsageName, &givenNames,
		&c.Holder.BirthDate, &c.Holder.BirthCommune, &c.Holder.BirthCountryCode, &c.TitleCode, &c.TitleVersion,
		&c.TitleLabel, &c.TitleLevel, &ccps, &c.ByCapitalisation, &c.SessionID, &c.JuryDate, &c.IssueDate, &issuedAt,
		&c.KeyID, &sigB64, &status, &c.Format, &c.StatusIndex, &c.WithdrawalID)
	if errors.Is(err, sql.ErrNoRows) {
		return certificate.Certificate{}, certificate.ErrNotFound
	}
	if err != nil {
		return certificate.Certificate{}, fmt.Errorf("sqlstore: read certificate: %w", err)
	}
	c.Number, c.Kind, c.Status, c.IssuedAt = certificate.Number(number), certificate.Kind(kind), certificate.Status(status), issuedAt.UTC()
	// Columns that no longer decode were altered after issue. The
	// certificate stays readable, without its signature, so that a
	// verification reports it as not genuine instead of failing.
	sig, sigErr := base64.StdEncoding.DecodeString(sigB64)
	var rows []ccpRow
	namesErr := json.Unmarshal([]byte(givenNames), &c.Holder.GivenNames)
	ccpsErr := json.Unmarshal([]byte(ccps), &rows)
	if sigErr == nil && namesErr == nil && ccpsErr == nil {
		c.Signature = sig
	}
	for _, k := range rows {
		c.Ccps = append(c.Ccps, certificate.Ccp{Code: k.Code, Label: k.Label, SessionID: k.SessionID, JuryDate: k.JuryDate})
	}
	return c, nil
}
