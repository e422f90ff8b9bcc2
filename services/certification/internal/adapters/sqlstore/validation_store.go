package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// ValidationStore is the command.ValidationStore over SQL: a validation
// and everything it awards run in one transaction of db, events included
// (transactional outbox).
type ValidationStore struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ command.ValidationStore = (*ValidationStore)(nil)

// NewValidationStore returns the store; events go to ob, which must write
// to db.
func NewValidationStore(db *sqldb.DB, ob *outbox.Outbox) *ValidationStore {
	return &ValidationStore{db: db, outbox: ob}
}

// InValidation implements command.ValidationStore.
func (s *ValidationStore) InValidation(ctx context.Context, fn func(ctx context.Context, u command.ValidationUnit) error) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		return fn(ctx, &validationUnit{tx: tx, outbox: s.outbox})
	})
}

// validationUnit is one attempt of a validation's transaction.
type validationUnit struct {
	tx     *sqldb.Tx
	outbox *outbox.Outbox
}

func (u *validationUnit) Result(ctx context.Context, sessionID string) (result.SessionResult, error) {
	return NewResultRepositoryTx(u.tx).Get(ctx, sessionID)
}

func (u *validationUnit) SaveValidation(ctx context.Context, r result.SessionResult) error {
	return saveValidation(ctx, u.tx, r)
}

// SaveReturn implements command.ValidationUnit.
func (u *validationUnit) SaveReturn(ctx context.Context, r result.SessionResult) error {
	return saveReturn(ctx, u.tx, r)
}

func (u *validationUnit) Title(ctx context.Context, key catalogue.Key) (catalogue.Published, error) {
	row := u.tx.QueryRowContext(ctx,
		`SELECT `+titleColumns+` FROM title_versions WHERE code = $1 AND version = $2`, key.Code, key.Version)
	return scanTitle(row)
}

func (u *validationUnit) LockHolder(ctx context.Context, candidateID string) (holder.Holder, error) {
	found, err := lockHolder(ctx, u.tx, candidateID)
	if err != nil {
		return holder.Holder{}, err
	}
	if !found {
		return holder.Holder{}, holder.ErrNotFound
	}
	return NewHolderRepositoryTx(u.tx).Get(ctx, candidateID)
}

func (u *validationUnit) HeldCcps(ctx context.Context, candidateID, titleCode, titleVersion string) ([]award.HeldCcp, error) {
	return heldCcpsOf(ctx, u.tx, candidateID, titleCode, titleVersion)
}

func (u *validationUnit) HasTitre(ctx context.Context, candidateID, titleCode, titleVersion string) (bool, error) {
	var n int
	// A titre withdrawn by a decision on the titre itself (no CCP, R59)
	// counts: its CCPs are still held, and awarding it again from them
	// would undo the decision. A titre withdrawn with one of its CCPs does
	// not: the CCP obtained again, the titre is awarded again.
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates c
		WHERE c.candidate_id = $1 AND c.title_id = $2 AND c.title_version = $3 AND c.kind = $4 AND (c.status = $5
			OR c.status = $6 AND EXISTS (SELECT 1 FROM certificate_withdrawals w
				WHERE w.id = c.withdrawal_id AND w.ccp_code = '' AND w.restored_at IS NULL))`,
		candidateID, titleCode, titleVersion, string(certificate.Titre), string(certificate.Issued),
		string(certificate.Withdrawn)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("sqlstore: titre of %s: %w", candidateID, err)
	}
	return n > 0, nil
}

func (u *validationUnit) Hold(ctx context.Context, h award.HeldCcp, at time.Time) (bool, error) {
	return hold(ctx, u.tx, h, at)
}

func (u *validationUnit) NumberTaken(ctx context.Context, n certificate.Number) (bool, error) {
	var count int
	if err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates WHERE number = $1`, string(n)).Scan(&count); err != nil {
		return false, fmt.Errorf("sqlstore: number %s: %w", n, err)
	}
	return count > 0, nil
}

func (u *validationUnit) Issue(ctx context.Context, c certificate.Certificate) error {
	return insertCertificate(ctx, u.tx, c)
}

// TrackCpfDeposit implements command.ValidationUnit.
func (u *validationUnit) TrackCpfDeposit(ctx context.Context, s cpfdeposit.State, at time.Time) error {
	_, err := trackCpfDeposit(ctx, u.tx, s, at)
	return err
}

func (u *validationUnit) Publish(ctx context.Context, events ...award.Event) error {
	return writeAwardEvents(ctx, u.tx, u.outbox, events...)
}

// ResultVersion implements command.ValidationUnit.
func (u *validationUnit) ResultVersion(ctx context.Context, sessionID string, n int) (result.SessionResult, error) {
	return NewResultRepositoryTx(u.tx).Version(ctx, sessionID, n)
}

// Revoke implements command.ValidationUnit: nothing is deleted without a
// trace; a revoked CCP moves to revoked_ccps, a revoked certificate keeps
// its row with status REVOKED.
func (u *validationUnit) Revoke(ctx context.Context, candidateID, sessionID string, hs []award.HeldCcp,
	correctedVersion, version int, at time.Time,
) ([]certificate.Number, error) {
	for _, h := range hs {
		if _, err := u.tx.ExecContext(ctx, `INSERT INTO revoked_ccps (candidate_id, title_id, title_version, ccp_code, session_id,
				jury_date, awarded_at, revoked_at, corrected_version, minutes_version)
			SELECT candidate_id, title_id, title_version, ccp_code, session_id, jury_date, awarded_at, $6, $7, $8
			FROM record_ccps WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3 AND ccp_code = $4 AND session_id = $5`,
			h.CandidateID, h.TitleCode, h.TitleVersion, h.CcpCode, h.SessionID, dbTime(at), correctedVersion, version); err != nil {
			return nil, fmt.Errorf("sqlstore: revoke %s %s: %w", h.CandidateID, h.CcpCode, err)
		}
		if _, err := u.tx.ExecContext(ctx, `DELETE FROM record_ccps
			WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3 AND ccp_code = $4 AND session_id = $5`,
			h.CandidateID, h.TitleCode, h.TitleVersion, h.CcpCode, h.SessionID); err != nil {
			return nil, fmt.Errorf("sqlstore: revoke %s %s: %w", h.CandidateID, h.CcpCode, err)
		}
	}
	// The certificates in force issued from the session, and those of
	// later sessions that print a CCP revoked here (a titre by
	// capitalisation): none may stand on a revoked award.
	numbers, err := revocable(ctx, u.tx, candidateID, sessionID, hs)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: certificates of %s at %s: %w", candidateID, sessionID, err)
	}
	var out []certificate.Number
	for _, n := range numbers {
		if _, err := u.tx.ExecContext(ctx, `UPDATE certificates SET status = $2, revoked_at = $3 WHERE number = $1`,
			n, string(certificate.Revoked), dbTime(at)); err != nil {
			return nil, fmt.Errorf("sqlstore: revoke certificate %s: %w", n, err)
		}
		out = append(out, certificate.Number(n))
	}
	return out, nil
}

// revocable returns the numbers of the candidate's certificates in force
// issued from session sessionID or printing one of the CCPs hs.
func revocable(ctx context.Context, tx *sqldb.Tx, candidateID, sessionID string, hs []award.HeldCcp) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT number, session_id, title_id, title_version, ccps FROM certificates
		WHERE candidate_id = $1 AND status = $2 ORDER BY number`, candidateID, string(certificate.Issued))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var number, session, titleID, titleVersion, ccps string
		if err := rows.Scan(&number, &session, &titleID, &titleVersion, &ccps); err != nil {
			return nil, err
		}
		var printed []ccpRow
		if err := json.Unmarshal([]byte(ccps), &printed); err != nil {
			return nil, fmt.Errorf("certificate %s: ccps: %w", number, err)
		}
		hit := session == sessionID
		for _, h := range hs {
			hit = hit || h.TitleCode == titleID && h.TitleVersion == titleVersion &&
				slices.ContainsFunc(printed, func(p ccpRow) bool { return p.Code == h.CcpCode && p.SessionID == h.SessionID })
		}
		if hit {
			out = append(out, number)
		}
	}
	return out, rows.Err()
}
