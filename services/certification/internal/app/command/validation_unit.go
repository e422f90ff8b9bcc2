package command

import (
	"context"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/cpfdeposit"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// ValidationStore runs a validation in one database transaction: the
// result's new state, the CCPs entering records, the certificates and the
// events commit together or not at all (R51: no award without a committed
// validation, no validation without its awards).
type ValidationStore interface {
	// InValidation runs fn in one transaction and commits iff fn returns
	// nil. fn may run again after a write conflict: it must keep its side
	// effects to the unit.
	InValidation(ctx context.Context, fn func(ctx context.Context, u ValidationUnit) error) error
}

// ValidationUnit is what a validation reads and writes, inside its
// transaction.
type ValidationUnit interface {
	// Result returns the session's result, or result.ErrNotFound.
	Result(ctx context.Context, sessionID string) (result.SessionResult, error)
	// SaveValidation stores r's validation, provided the stored result is
	// still awaiting validation; otherwise result.ErrAlreadyValidated. It
	// is the point where two concurrent validations of a session meet.
	SaveValidation(ctx context.Context, r result.SessionResult) error
	// SaveReturn stores the ministry's return of r's current version (R51).
	SaveReturn(ctx context.Context, r result.SessionResult) error
	// ResultVersion returns minutes version n of a session as received.
	ResultVersion(ctx context.Context, sessionID string, n int) (result.SessionResult, error)
	// Revoke takes the CCPs hs out of the record (kept in the revoked
	// history with the versions: the corrected one and the correcting
	// one) and revokes the certificates in force issued to the candidate
	// from the session, returning their numbers (R51 corrections).
	Revoke(ctx context.Context, candidateID, sessionID string, hs []award.HeldCcp, correctedVersion, version int, at time.Time) ([]certificate.Number, error)
	// Title returns a title version of the catalogue, or
	// catalogue.ErrTitleNotFound.
	Title(ctx context.Context, key catalogue.Key) (catalogue.Published, error)
	// LockHolder returns a person's identity and holds their record until
	// the transaction ends, so that two validations awarding the same
	// person run one after the other and the second sees the first's CCPs
	// (otherwise each could miss the other's CCP and neither award the
	// titre). holder.ErrNotFound when the identity is unknown.
	LockHolder(ctx context.Context, candidateID string) (holder.Holder, error)
	// HeldCcps returns the person's CCPs of one title version.
	HeldCcps(ctx context.Context, candidateID, titleCode, titleVersion string) ([]award.HeldCcp, error)
	// HasTitre reports whether a titre was issued to the person for the
	// title version.
	HasTitre(ctx context.Context, candidateID, titleCode, titleVersion string) (bool, error)
	// Hold adds a CCP to the person's record unless they hold it already,
	// and reports whether it did.
	Hold(ctx context.Context, h award.HeldCcp, at time.Time) (bool, error)
	// NumberTaken reports whether a certificate has number n.
	NumberTaken(ctx context.Context, n certificate.Number) (bool, error)
	// Issue stores a signed certificate.
	Issue(ctx context.Context, c certificate.Certificate) error
	// TrackCpfDeposit starts tracking the CPF deposit of an award (R56):
	// never deposited yet. An award tracked already keeps its state.
	TrackCpfDeposit(ctx context.Context, s cpfdeposit.State, at time.Time) error
	// Publish writes events to the outbox, in order.
	Publish(ctx context.Context, events ...award.Event) error
}
