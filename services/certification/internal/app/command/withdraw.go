package command

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/certification/internal/app/authz"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

// DecisionStore runs a withdrawal, or the filing or deciding of an appeal,
// in one database transaction: the decision's rows, the certificates'
// status, the record of CCPs held and the events commit together or not at
// all.
type DecisionStore interface {
	// InDecision runs fn in one transaction and commits iff fn returns
	// nil. fn may run again after a write conflict.
	InDecision(ctx context.Context, fn func(ctx context.Context, u DecisionUnit) error) error
}

// DecisionUnit is what a withdrawal or an appeal reads and writes, inside
// its transaction.
type DecisionUnit interface {
	// LockHolder holds the person's record until the transaction ends, as
	// a validation does (ValidationUnit.LockHolder): a withdrawal and a
	// validation of the same person run one after the other.
	LockHolder(ctx context.Context, candidateID string) error
	// Certificate returns the certificate numbered n, or
	// certificate.ErrNotFound.
	Certificate(ctx context.Context, n certificate.Number) (certificate.Certificate, error)
	// CertificatesOf returns the person's certificates in force.
	CertificatesOf(ctx context.Context, candidateID string) ([]certificate.Certificate, error)
	// Withdraw records d: the decision, the certificates d.Withdrawn
	// WITHDRAWN, d's CCP out of the record (kept with the decision), and
	// one CertificateWithdrawn per certificate. A certificate no longer in
	// force when written is withdrawal.ErrAlreadyWithdrawn.
	Withdraw(ctx context.Context, d withdrawal.Decision) error
	// Withdrawal returns a decision, or withdrawal.ErrNotFound.
	Withdrawal(ctx context.Context, id string) (withdrawal.Decision, error)
	// Restore records that d was reformed (d.RestoredAt, d.RestoredBy):
	// its certificates back in force, its CCP back in the record unless
	// held again since; it returns the certificates and CCPs restored. A
	// certificate that cannot be put back in force (the person holds a
	// certificate in force in its place) is ErrRestoreConflict.
	Restore(ctx context.Context, d withdrawal.Decision) (numbers []certificate.Number, ccps []string, err error)
	// Result returns a session's result, or result.ErrNotFound.
	Result(ctx context.Context, sessionID string) (result.SessionResult, error)
	// FileAppeal stores a new appeal and its AppealFiled event.
	FileAppeal(ctx context.Context, a appeal.Appeal) error
	// Appeal returns an appeal for update, or appeal.ErrNotFound.
	Appeal(ctx context.Context, id string) (appeal.Appeal, error)
	// DecideAppeal stores the appeal's outcome and its AppealDecided event.
	DecideAppeal(ctx context.Context, a appeal.Appeal) error
}

// ErrRestoreConflict: a reformed withdrawal cannot put a certificate back
// in force because another one now stands in its place (a titre awarded
// again since, say): the reform must be settled by hand.
var ErrRestoreConflict = apperr.New(apperr.KindFailedPrecondition, "RESTORE_CONFLICT",
	"a certificate withdrawn by this decision cannot be put back in force: the person holds a certificate in force in its place").WithRule("R60")

// WithdrawCertificate is the officer's withdrawal request.
type WithdrawCertificate = withdrawal.Request

// WithdrawalOutcome is what a withdrawal returns: the decision and the
// certificate named, as it stands now.
type WithdrawalOutcome struct {
	Decision    withdrawal.Decision
	Certificate certificate.Certificate
}

// DecisionsHandler records withdrawals (R59) and appeals (R60–R61).
type DecisionsHandler struct {
	store          DecisionStore
	now            func() time.Time
	newID          func() (string, error)
	deadlineMonths int
}

// NewDecisionsHandler returns the handler; newID makes the ids of
// decisions and appeals; deadlineMonths is the time limit of an appeal
// (R61; appeal.DefaultDeadlineMonths when 0).
func NewDecisionsHandler(store DecisionStore, now func() time.Time, newID func() (string, error), deadlineMonths int) DecisionsHandler {
	if deadlineMonths <= 0 {
		deadlineMonths = appeal.DefaultDeadlineMonths
	}
	return DecisionsHandler{store: store, now: now, newID: newID, deadlineMonths: deadlineMonths}
}

// DeadlineMonths is the configured time limit of an appeal.
func (h DecisionsHandler) DeadlineMonths() int { return h.deadlineMonths }

// Withdraw records a withdrawal decision (R59), the ministry only.
func (h DecisionsHandler) Withdraw(ctx context.Context, req WithdrawCertificate) (WithdrawalOutcome, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return WithdrawalOutcome{}, err
	}
	if !authz.Validates(p) {
		return WithdrawalOutcome{}, withdrawal.ErrDenied
	}
	n, err := certificate.ParseNumber(req.Number)
	if err != nil {
		return WithdrawalOutcome{}, apperr.Invalid(apperr.FieldViolation{Field: "number", Description: certificate.ErrMalformedNumber.Message})
	}
	id, err := h.newID()
	if err != nil {
		return WithdrawalOutcome{}, fmt.Errorf("command: withdrawal id: %w", err)
	}
	var out WithdrawalOutcome
	err = h.store.InDecision(ctx, func(ctx context.Context, u DecisionUnit) error {
		c, err := u.Certificate(ctx, n)
		if err != nil {
			return err
		}
		if err := u.LockHolder(ctx, c.CandidateID); err != nil {
			return err
		}
		now := h.now().UTC()
		d, err := withdrawal.Decide(req, c, civildate.Of(now), p.Subject)
		if err != nil {
			return err
		}
		held, err := u.CertificatesOf(ctx, c.CandidateID)
		if err != nil {
			return err
		}
		d.ID, d.Withdrawn, d.WithdrawnAt = id, withdrawal.Scope(d, held), now
		if err := u.Withdraw(ctx, d); err != nil {
			return err
		}
		c, err = u.Certificate(ctx, n)
		if err != nil {
			return err
		}
		out = WithdrawalOutcome{Decision: d, Certificate: c}
		return nil
	})
	return out, err
}

// FileAppeal records an appeal (R60) within its time limit (R61), the
// ministry only. The decision appealed is read to check it exists, find
// whom it concerns and its date (the earliest notification): a result
// must be validated, and concern the candidate named.
func (h DecisionsHandler) FileAppeal(ctx context.Context, f appeal.Filing) (appeal.Appeal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return appeal.Appeal{}, err
	}
	if !authz.Validates(p) {
		return appeal.Appeal{}, appeal.ErrDenied
	}
	ref, err := appeal.ParseRef(f.Decision)
	if err != nil {
		return appeal.Appeal{}, err
	}
	id, err := h.newID()
	if err != nil {
		return appeal.Appeal{}, fmt.Errorf("command: appeal id: %w", err)
	}
	var out appeal.Appeal
	err = h.store.InDecision(ctx, func(ctx context.Context, u DecisionUnit) error {
		d, err := decisionOf(ctx, u, ref)
		if err != nil {
			return err
		}
		now := h.now().UTC()
		a, err := appeal.File(f, d, h.deadlineMonths, civildate.Of(now), p.Subject, now)
		if err != nil {
			return err
		}
		a.ID = id
		if err := u.FileAppeal(ctx, a); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// decisionOf reads the decision ref names.
func decisionOf(ctx context.Context, u DecisionUnit, ref appeal.Ref) (appeal.Decision, error) {
	notFound := appeal.ErrDecisionNotFound.WithMeta("decision", ref.String())
	switch ref.Target {
	case appeal.Certificate:
		n, err := certificate.ParseNumber(ref.ID)
		if err != nil {
			return appeal.Decision{}, notFound
		}
		c, err := u.Certificate(ctx, n)
		if errors.Is(err, certificate.ErrNotFound) {
			return appeal.Decision{}, notFound
		}
		if err != nil {
			return appeal.Decision{}, err
		}
		day, err := civildate.Parse(c.IssueDate)
		if err != nil {
			return appeal.Decision{}, fmt.Errorf("command: certificate %s issue date: %w", c.Number, err)
		}
		ref.ID = string(c.Number) // as printed: a listing by decision finds it however it was typed
		return appeal.Decision{Ref: ref, CandidateID: c.CandidateID, Date: day}, nil
	case appeal.Withdrawal:
		d, err := u.Withdrawal(ctx, ref.ID)
		if errors.Is(err, withdrawal.ErrNotFound) {
			return appeal.Decision{}, notFound
		}
		if err != nil {
			return appeal.Decision{}, err
		}
		return appeal.Decision{Ref: ref, CandidateID: d.CandidateID, Date: d.DecidedOn}, nil
	case appeal.Result:
		r, err := u.Result(ctx, ref.ID)
		if errors.Is(err, result.ErrNotFound) {
			return appeal.Decision{}, notFound
		}
		if err != nil {
			return appeal.Decision{}, err
		}
		if r.ValidatedAt.IsZero() || len(r.LinesOf(ref.CandidateID)) == 0 {
			return appeal.Decision{}, notFound
		}
		return appeal.Decision{Ref: ref, CandidateID: ref.CandidateID, Date: civildate.Of(r.ValidatedAt)}, nil
	}
	return appeal.Decision{}, notFound
}

// DecideAppeal records the outcome of an appeal (R60), the ministry only.
// A withdrawal REFORMED is restored in the same transaction: its
// certificates are in force again and its CCP back in the record. A
// result or a certificate REFORMED is recorded only: the reform itself is
// the correction of the validated minutes (R51, ValidateResult of a
// corrected version), which revokes and issues again.
func (h DecisionsHandler) DecideAppeal(ctx context.Context, id string, outcome appeal.Outcome, motivation, decidedOn string) (appeal.Appeal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return appeal.Appeal{}, err
	}
	if !authz.Validates(p) {
		return appeal.Appeal{}, appeal.ErrDenied
	}
	if id == "" || len(id) > appeal.MaxDecision {
		return appeal.Appeal{}, apperr.Invalid(apperr.FieldViolation{Field: "appeal_id", Description: "is required, at most 200 characters"})
	}
	var out appeal.Appeal
	err = h.store.InDecision(ctx, func(ctx context.Context, u DecisionUnit) error {
		a, err := u.Appeal(ctx, id)
		if err != nil {
			return err
		}
		now := h.now().UTC()
		if err := a.Decide(outcome, motivation, decidedOn, civildate.Of(now), p.Subject, now); err != nil {
			return err
		}
		if a.Outcome == appeal.Reformed && a.Decision.Target == appeal.Withdrawal {
			d, err := u.Withdrawal(ctx, a.Decision.ID)
			if err != nil {
				return err
			}
			if err := u.LockHolder(ctx, d.CandidateID); err != nil {
				return err
			}
			if err := d.Restore(a.ID, now); err != nil {
				return err
			}
			numbers, ccps, err := u.Restore(ctx, d)
			if err != nil {
				return err
			}
			for _, n := range numbers {
				a.RestoredCertificates = append(a.RestoredCertificates, string(n))
			}
			a.RestoredCcps = ccps
		}
		if err := u.DecideAppeal(ctx, a); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}
