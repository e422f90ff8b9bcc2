package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
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
	err := u.tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM certificates
		WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3 AND kind = $4`,
		candidateID, titleCode, titleVersion, string(certificate.Titre)).Scan(&n)
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

func (u *validationUnit) Publish(ctx context.Context, events ...award.Event) error {
	return writeAwardEvents(ctx, u.tx, u.outbox, events...)
}
