package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// DecisionStore is the command.DecisionStore over SQL: a withdrawal (R59)
// or an appeal (R60) and its events in one transaction of db
// (transactional outbox). It also reads decisions and appeals for the
// queries.
type DecisionStore struct {
	db     *sqldb.DB
	outbox *outbox.Outbox
}

var _ command.DecisionStore = (*DecisionStore)(nil)

// NewDecisionStore returns the store; events go to ob, which must write to
// db.
func NewDecisionStore(db *sqldb.DB, ob *outbox.Outbox) *DecisionStore {
	return &DecisionStore{db: db, outbox: ob}
}

// InDecision implements command.DecisionStore.
func (s *DecisionStore) InDecision(ctx context.Context, fn func(ctx context.Context, u command.DecisionUnit) error) error {
	return s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		return fn(ctx, &decisionUnit{tx: tx, outbox: s.outbox})
	})
}

// Withdrawal returns a decision, or withdrawal.ErrNotFound.
func (s *DecisionStore) Withdrawal(ctx context.Context, id string) (withdrawal.Decision, error) {
	return readWithdrawal(ctx, s.db, id, "")
}

// Appeal returns an appeal, or appeal.ErrNotFound.
func (s *DecisionStore) Appeal(ctx context.Context, id string) (appeal.Appeal, error) {
	return readAppeal(ctx, s.db, id, "")
}

// ListAppeals returns at most limit appeals matching f, in id order (ids
// are UUIDv7: the order they were filed in) after the id after.
func (s *DecisionStore) ListAppeals(ctx context.Context, f appeal.Filter, after string, limit int) ([]appeal.Appeal, error) {
	if f.CandidateIDs != nil && len(f.CandidateIDs) == 0 {
		return nil, nil
	}
	where := []string{"id > $1"}
	args := []any{after}
	if f.Decision != "" {
		args = append(args, f.Decision)
		where = append(where, fmt.Sprintf("decision = $%d", len(args)))
	}
	if f.State != "" {
		args = append(args, string(f.State))
		where = append(where, fmt.Sprintf("state = $%d", len(args)))
	}
	if f.CandidateIDs != nil {
		marks := make([]string, 0, len(f.CandidateIDs))
		for _, id := range f.CandidateIDs {
			args = append(args, id)
			marks = append(marks, fmt.Sprintf("$%d", len(args)))
		}
		where = append(where, "candidate_id IN ("+strings.Join(marks, ", ")+")")
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE `+strings.Join(where, " AND ")+
		fmt.Sprintf(` ORDER BY id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: list appeals: %w", err)
	}
	defer rows.Close()
	var out []appeal.Appeal
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// decisionUnit is one attempt of a decision's transaction.
type decisionUnit struct {
	tx     *sqldb.Tx
	outbox *outbox.Outbox
}

func (u *decisionUnit) LockHolder(ctx context.Context, candidateID string) error {
	found, err := lockHolder(ctx, u.tx, candidateID)
	if err != nil {
		return err
	}
	if !found {
		return holder.ErrNotFound
	}
	return nil
}

func (u *decisionUnit) Certificate(ctx context.Context, n certificate.Number) (certificate.Certificate, error) {
	return (&CertificateRepository{q: u.tx}).Get(ctx, n)
}

func (u *decisionUnit) CertificatesOf(ctx context.Context, candidateID string) ([]certificate.Certificate, error) {
	rows, err := u.tx.QueryContext(ctx, `SELECT `+certificateReadColumns+` FROM certificates
		WHERE candidate_id = $1 AND status = $2 ORDER BY number`, candidateID, string(certificate.Issued))
	if err != nil {
		return nil, fmt.Errorf("sqlstore: certificates of %s: %w", candidateID, err)
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
	return out, rows.Err()
}

func (u *decisionUnit) Result(ctx context.Context, sessionID string) (result.SessionResult, error) {
	return NewResultRepositoryTx(u.tx).Get(ctx, sessionID)
}

// Withdraw implements command.DecisionUnit.
func (u *decisionUnit) Withdraw(ctx context.Context, d withdrawal.Decision) error {
	numbers, err := json.Marshal(d.Withdrawn)
	if err != nil {
		return err
	}
	if _, err := u.tx.ExecContext(ctx, `INSERT INTO certificate_withdrawals (id, number, ccp_code, ccp_session_id, reason,
			motivation, decision_reference, decided_on, decided_by, candidate_id, kind, title_id, title_version, title_label,
			withdrawn_numbers, withdrawn_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		d.ID, string(d.Number), d.CcpCode, d.CcpSessionID, string(d.Reason), d.Motivation, d.Reference, d.DecidedOn.String(),
		d.DecidedBy, d.CandidateID, string(d.Kind), d.TitleCode, d.TitleVer, d.TitleLabel, string(numbers), dbTime(d.WithdrawnAt)); err != nil {
		return fmt.Errorf("sqlstore: insert withdrawal %s: %w", d.ID, err)
	}
	if d.CcpCode != "" {
		if _, err := u.tx.ExecContext(ctx, `INSERT INTO withdrawn_ccps (withdrawal_id, candidate_id, title_id, title_version,
				ccp_code, session_id, jury_date, awarded_at, withdrawn_at)
			SELECT $1, candidate_id, title_id, title_version, ccp_code, session_id, jury_date, awarded_at, $7
			FROM record_ccps WHERE candidate_id = $2 AND title_id = $3 AND title_version = $4 AND ccp_code = $5 AND session_id = $6`,
			d.ID, d.CandidateID, d.TitleCode, d.TitleVer, d.CcpCode, d.CcpSessionID, dbTime(d.WithdrawnAt)); err != nil {
			return fmt.Errorf("sqlstore: withdraw CCP %s of %s: %w", d.CcpCode, d.CandidateID, err)
		}
		if _, err := u.tx.ExecContext(ctx, `DELETE FROM record_ccps
			WHERE candidate_id = $1 AND title_id = $2 AND title_version = $3 AND ccp_code = $4 AND session_id = $5`,
			d.CandidateID, d.TitleCode, d.TitleVer, d.CcpCode, d.CcpSessionID); err != nil {
			return fmt.Errorf("sqlstore: withdraw CCP %s of %s: %w", d.CcpCode, d.CandidateID, err)
		}
	}
	events := make([]outbox.Event, 0, len(d.Withdrawn))
	for _, n := range d.Withdrawn {
		out, err := u.tx.ExecContext(ctx, `UPDATE certificates SET status = $2, withdrawal_id = $3 WHERE number = $1 AND status = $4`,
			string(n), string(certificate.Withdrawn), d.ID, string(certificate.Issued))
		if err != nil {
			return fmt.Errorf("sqlstore: withdraw certificate %s: %w", n, err)
		}
		if k, err := out.RowsAffected(); err != nil || k != 1 {
			return withdrawal.ErrAlreadyWithdrawn.WithMeta("number", string(n))
		}
		c, err := u.Certificate(ctx, n)
		if err != nil {
			return err
		}
		ev, err := withdrawnEvent(d, c)
		if err != nil {
			return err
		}
		events = append(events, ev)
	}
	return u.outbox.Write(ctx, u.tx, events...)
}

func withdrawnEvent(d withdrawal.Decision, c certificate.Certificate) (outbox.Event, error) {
	id, err := outbox.NewID()
	if err != nil {
		return outbox.Event{}, err
	}
	msg := &certificationv1.CertificateWithdrawn{
		EventId: id, OccurTime: timestamppb.New(d.WithdrawnAt), CertificateNumber: string(c.Number),
		Kind: protoconv.CertificateKind(c.Kind), CandidateId: c.CandidateID, TitleId: c.TitleCode,
		TitleVersion: c.TitleVersion, TitleLabel: c.TitleLabel, CcpCodes: c.CcpCodes(), WithdrawalId: d.ID,
		DecisionCertificateNumber: string(d.Number), Reason: string(d.Reason), DecisionReference: d.Reference,
		DecidedOn: d.DecidedOn.String(), DecidedBy: d.DecidedBy,
	}
	if d.CcpCode != "" {
		msg.WithdrawnCcpCodes = []string{d.CcpCode}
	}
	return outbox.NewEventWithID(id, msg, EventSource, "certificates/"+string(c.Number), d.WithdrawnAt)
}

// Withdrawal implements command.DecisionUnit, locking the decision's row
// on PostgreSQL.
func (u *decisionUnit) Withdrawal(ctx context.Context, id string) (withdrawal.Decision, error) {
	return readWithdrawal(ctx, u.tx, id, forUpdate(u.tx))
}

// Restore implements command.DecisionUnit.
func (u *decisionUnit) Restore(ctx context.Context, d withdrawal.Decision) ([]certificate.Number, []string, error) {
	if _, err := u.tx.ExecContext(ctx, `UPDATE certificate_withdrawals SET restored_at = $2, restored_by = $3 WHERE id = $1`,
		d.ID, dbTime(d.RestoredAt), d.RestoredBy); err != nil {
		return nil, nil, fmt.Errorf("sqlstore: restore withdrawal %s: %w", d.ID, err)
	}
	var numbers []certificate.Number
	for _, n := range d.Withdrawn {
		// Only a certificate this decision withdrew and that is still
		// withdrawn by it: a later decision on it stands.
		out, err := u.tx.ExecContext(ctx, `UPDATE certificates SET status = $2 WHERE number = $1 AND status = $3 AND withdrawal_id = $4`,
			string(n), string(certificate.Issued), string(certificate.Withdrawn), d.ID)
		if err != nil {
			if sqldb.IsUniqueViolation(err) {
				return nil, nil, command.ErrRestoreConflict.WithMeta("number", string(n)).WithCause(err)
			}
			return nil, nil, fmt.Errorf("sqlstore: restore certificate %s: %w", n, err)
		}
		if k, err := out.RowsAffected(); err == nil && k == 1 {
			numbers = append(numbers, n)
		}
	}
	var ccps []string
	if d.CcpCode != "" {
		out, err := u.tx.ExecContext(ctx, `INSERT INTO record_ccps (candidate_id, title_id, title_version, ccp_code, session_id,
				jury_date, awarded_at)
			SELECT candidate_id, title_id, title_version, ccp_code, session_id, jury_date, awarded_at
			FROM withdrawn_ccps WHERE withdrawal_id = $1
			ON CONFLICT (candidate_id, title_id, title_version, ccp_code) DO NOTHING`, d.ID)
		if err != nil {
			return nil, nil, fmt.Errorf("sqlstore: restore CCP of withdrawal %s: %w", d.ID, err)
		}
		if k, err := out.RowsAffected(); err == nil && k == 1 {
			ccps = append(ccps, d.CcpCode)
		}
	}
	return numbers, ccps, nil
}

// FileAppeal implements command.DecisionUnit.
func (u *decisionUnit) FileAppeal(ctx context.Context, a appeal.Appeal) error {
	if _, err := u.tx.ExecContext(ctx, `INSERT INTO appeals (id, kind, decision, candidate_id, appellant, grounds, notified_on,
			filed_on, deadline, filed_by, filed_at, state)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		a.ID, string(a.Kind), a.Decision.String(), a.CandidateID, a.Appellant, a.Grounds, a.NotifiedOn.String(),
		a.FiledOn.String(), a.Deadline.String(), a.FiledBy, dbTime(a.FiledAt), string(a.State)); err != nil {
		return fmt.Errorf("sqlstore: insert appeal %s: %w", a.ID, err)
	}
	return u.appealEvent(ctx, a, a.FiledAt, func(id string, at *timestamppb.Timestamp) proto.Message {
		return &certificationv1.AppealFiled{EventId: id, OccurTime: at, AppealId: a.ID, Kind: protoconv.AppealKind(a.Kind),
			Decision: a.Decision.String(), CandidateId: a.CandidateID, NotifiedOn: a.NotifiedOn.String(),
			FiledOn: a.FiledOn.String(), Deadline: a.Deadline.String()}
	})
}

// Appeal implements command.DecisionUnit, locking the row on PostgreSQL.
func (u *decisionUnit) Appeal(ctx context.Context, id string) (appeal.Appeal, error) {
	return readAppeal(ctx, u.tx, id, forUpdate(u.tx))
}

// DecideAppeal implements command.DecisionUnit.
func (u *decisionUnit) DecideAppeal(ctx context.Context, a appeal.Appeal) error {
	numbers, err := json.Marshal(nonNil(a.RestoredCertificates))
	if err != nil {
		return err
	}
	ccps, err := json.Marshal(nonNil(a.RestoredCcps))
	if err != nil {
		return err
	}
	out, err := u.tx.ExecContext(ctx, `UPDATE appeals SET state = $2, outcome = $3, outcome_motivation = $4, decided_on = $5,
			decided_by = $6, decided_at = $7, restored_numbers = $8, restored_ccps = $9
		WHERE id = $1 AND state = $10`,
		a.ID, string(a.State), string(a.Outcome), a.Motivation, a.DecidedOn.String(), a.DecidedBy, dbTime(a.DecidedAt),
		string(numbers), string(ccps), string(appeal.Filed))
	if err != nil {
		return fmt.Errorf("sqlstore: decide appeal %s: %w", a.ID, err)
	}
	if k, err := out.RowsAffected(); err != nil || k != 1 {
		return appeal.ErrDecided.WithMeta("appeal_id", a.ID)
	}
	return u.appealEvent(ctx, a, a.DecidedAt, func(id string, at *timestamppb.Timestamp) proto.Message {
		return &certificationv1.AppealDecided{EventId: id, OccurTime: at, AppealId: a.ID, Kind: protoconv.AppealKind(a.Kind),
			Decision: a.Decision.String(), CandidateId: a.CandidateID, Outcome: protoconv.AppealOutcome(a.Outcome),
			DecidedOn: a.DecidedOn.String(), RestoredCertificateNumbers: a.RestoredCertificates, RestoredCcpCodes: a.RestoredCcps}
	})
}

func (u *decisionUnit) appealEvent(ctx context.Context, a appeal.Appeal, at time.Time, build func(id string, at *timestamppb.Timestamp) proto.Message) error {
	id, err := outbox.NewID()
	if err != nil {
		return err
	}
	ev, err := outbox.NewEventWithID(id, build(id, timestamppb.New(at)), EventSource, "appeals/"+a.ID, at)
	if err != nil {
		return err
	}
	return u.outbox.Write(ctx, u.tx, ev)
}

const withdrawalColumns = `id, number, ccp_code, ccp_session_id, reason, motivation, decision_reference, decided_on, decided_by,
	candidate_id, kind, title_id, title_version, title_label, withdrawn_numbers, withdrawn_at, restored_at, restored_by`

func readWithdrawal(ctx context.Context, q querier, id, lock string) (withdrawal.Decision, error) {
	var (
		d                                   withdrawal.Decision
		number, reason, decidedOn, kind, ns string
		withdrawnAt                         time.Time
		restoredAt                          sql.NullTime
	)
	err := q.QueryRowContext(ctx, `SELECT `+withdrawalColumns+` FROM certificate_withdrawals WHERE id = $1`+lock, id).Scan(
		&d.ID, &number, &d.CcpCode, &d.CcpSessionID, &reason, &d.Motivation, &d.Reference, &decidedOn, &d.DecidedBy,
		&d.CandidateID, &kind, &d.TitleCode, &d.TitleVer, &d.TitleLabel, &ns, &withdrawnAt, &restoredAt, &d.RestoredBy)
	if errors.Is(err, sql.ErrNoRows) {
		return withdrawal.Decision{}, withdrawal.ErrNotFound.WithMeta("withdrawal_id", id)
	}
	if err != nil {
		return withdrawal.Decision{}, fmt.Errorf("sqlstore: read withdrawal %s: %w", id, err)
	}
	d.Number, d.Reason, d.Kind, d.WithdrawnAt = certificate.Number(number), withdrawal.Reason(reason), certificate.Kind(kind), withdrawnAt.UTC()
	if restoredAt.Valid {
		d.RestoredAt = restoredAt.Time.UTC()
	}
	if d.DecidedOn, err = civildate.Parse(decidedOn); err != nil {
		return withdrawal.Decision{}, fmt.Errorf("sqlstore: withdrawal %s: decided_on: %w", id, err)
	}
	if err := json.Unmarshal([]byte(ns), &d.Withdrawn); err != nil {
		return withdrawal.Decision{}, fmt.Errorf("sqlstore: withdrawal %s: numbers: %w", id, err)
	}
	return d, nil
}

const appealColumns = `id, kind, decision, candidate_id, appellant, grounds, notified_on, filed_on, deadline, filed_by, filed_at,
	state, outcome, outcome_motivation, decided_on, decided_by, decided_at, restored_numbers, restored_ccps`

func readAppeal(ctx context.Context, q querier, id, lock string) (appeal.Appeal, error) {
	a, err := scanAppeal(q.QueryRowContext(ctx, `SELECT `+appealColumns+` FROM appeals WHERE id = $1`+lock, id))
	if errors.Is(err, sql.ErrNoRows) {
		return appeal.Appeal{}, appeal.ErrNotFound.WithMeta("appeal_id", id)
	}
	return a, err
}

func scanAppeal(s scanner) (appeal.Appeal, error) {
	var (
		a                                                   appeal.Appeal
		kind, decision, state, outcome                      string
		notified, filed, deadline, decidedOn, numbers, ccps string
		filedAt                                             time.Time
		decidedAt                                           sql.NullTime
	)
	err := s.Scan(&a.ID, &kind, &decision, &a.CandidateID, &a.Appellant, &a.Grounds, &notified, &filed, &deadline, &a.FiledBy,
		&filedAt, &state, &outcome, &a.Motivation, &decidedOn, &a.DecidedBy, &decidedAt, &numbers, &ccps)
	if errors.Is(err, sql.ErrNoRows) {
		return appeal.Appeal{}, err
	}
	if err != nil {
		return appeal.Appeal{}, fmt.Errorf("sqlstore: read appeal: %w", err)
	}
	a.Kind, a.State, a.Outcome, a.FiledAt = appeal.Kind(kind), appeal.State(state), appeal.Outcome(outcome), filedAt.UTC()
	if decidedAt.Valid {
		a.DecidedAt = decidedAt.Time.UTC()
	}
	if a.Decision, err = appeal.ParseRef(decision); err != nil {
		return appeal.Appeal{}, fmt.Errorf("sqlstore: appeal %s: decision %q: %w", a.ID, decision, err)
	}
	for _, f := range []struct {
		dst *civildate.Date
		src string
	}{{&a.NotifiedOn, notified}, {&a.FiledOn, filed}, {&a.Deadline, deadline}, {&a.DecidedOn, decidedOn}} {
		if f.src == "" {
			continue
		}
		if *f.dst, err = civildate.Parse(f.src); err != nil {
			return appeal.Appeal{}, fmt.Errorf("sqlstore: appeal %s: date %q: %w", a.ID, f.src, err)
		}
	}
	if err := json.Unmarshal([]byte(numbers), &a.RestoredCertificates); err != nil {
		return appeal.Appeal{}, fmt.Errorf("sqlstore: appeal %s: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(ccps), &a.RestoredCcps); err != nil {
		return appeal.Appeal{}, fmt.Errorf("sqlstore: appeal %s: %w", a.ID, err)
	}
	if len(a.RestoredCertificates) == 0 {
		a.RestoredCertificates = nil
	}
	if len(a.RestoredCcps) == 0 {
		a.RestoredCcps = nil
	}
	return a, nil
}
