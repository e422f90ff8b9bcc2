package command

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/eligibility"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// checkEligibility checks that person may be registered to s with the
// scope r asks for (R6 in the title's délai de prolongation, R24, R28,
// R31–R33). A scope that does not resolve is
// left for Register to report.
func checkEligibility(ctx context.Context, history eligibility.History, s *session.Session, t title.Title, person candidate.Candidate, r candidacy.Registration) error {
	sum := s.Summary()
	scope, err := candidacy.ResolveScope(t, sum.Type, sum.CCPs, r.Scope)
	if err != nil {
		return nil
	}
	attempts, err := history.Attempts(ctx, person.ID)
	if err != nil {
		return err
	}
	return eligibility.Check(person, eligibility.Target{SessionID: sum.ID, Type: sum.Type, TitleID: sum.TitleID, Start: sum.Start,
		End: sum.End, Validity: t.Validity, Scope: scope}, attempts)
}

// WithdrawCandidacy withdraws a candidacy before its deliberation.
type WithdrawCandidacy struct {
	SessionID, CandidacyID, Reason string
}

// WithdrawCandidacyHandler handles WithdrawCandidacy.
type WithdrawCandidacyHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewWithdrawCandidacyHandler returns the handler.
func NewWithdrawCandidacyHandler(repo session.Repository, now func() time.Time) WithdrawCandidacyHandler {
	return WithdrawCandidacyHandler{repo: repo, now: now}
}

// Handle withdraws the candidacy for its candidate or the organising
// centre (CandidacyWithdrawn).
func (h WithdrawCandidacyHandler) Handle(ctx context.Context, cmd WithdrawCandidacy) (candidacy.Candidacy, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	var out candidacy.Candidacy
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		c, err := s.Candidacy(cmd.CandidacyID)
		if errors.Is(err, session.ErrCandidacyNotFound) && !authz.Organises(p, s) && !authz.ReadsAll(p) {
			return authz.Denial(p)
		}
		if err != nil {
			return err
		}
		byCandidate, err := authz.CanWithdraw(p, s, c)
		if err != nil {
			return err
		}
		out, err = s.Withdraw(c.ID, p.Subject, byCandidate, cmd.Reason, h.now())
		return err
	})
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	return out, nil
}

// TransferCandidacy moves a candidacy to another session of the centre.
type TransferCandidacy struct {
	SessionID, CandidacyID, TargetSessionID, Reason string
}

// TransferCandidacyHandler handles TransferCandidacy.
type TransferCandidacyHandler struct {
	repo       session.Repository
	pairs      session.PairRepository
	titles     TitleCatalogue
	candidates CandidateDirectory
	history    eligibility.History
	now        func() time.Time
}

// NewTransferCandidacyHandler returns the handler.
func NewTransferCandidacyHandler(repo session.Repository, pairs session.PairRepository, titles TitleCatalogue, candidates CandidateDirectory, history eligibility.History, now func() time.Time) TransferCandidacyHandler {
	return TransferCandidacyHandler{repo: repo, pairs: pairs, titles: titles, candidates: candidates, history: history, now: now}
}

// Handle transfers the candidacy when the caller organises both sessions:
// the candidate is registered to the target (R21, R25, R6, R24, R28,
// R31–R33 checked again) and the candidacy withdrawn from its session, atomically
// (CandidacyTransferred, CandidacyRegistered).
func (h TransferCandidacyHandler) Handle(ctx context.Context, cmd TransferCandidacy) (from, to candidacy.Candidacy, err error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	// The caller's right on the candidacy's session is checked first, so
	// that a bad target tells nothing to a caller without it.
	src, err := h.repo.Get(ctx, cmd.SessionID)
	if errors.Is(err, session.ErrNotFound) && !authz.ReadsAll(p) {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, authz.Denial(p)
	}
	if err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	if err := authz.CanManage(p, src); err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	if cmd.TargetSessionID == "" || cmd.TargetSessionID == cmd.SessionID {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, session.ErrTransferTarget.WithMessage("name another session of the centre as the target")
	}
	_, _, err = h.pairs.UpdatePair(ctx, cmd.SessionID, cmd.TargetSessionID, func(src, dst *session.Session) error {
		if err := authz.CanManage(p, src); err != nil {
			return err
		}
		if err := authz.CanManage(p, dst); err != nil {
			return session.ErrTransferTarget.WithMeta("target_session", cmd.TargetSessionID)
		}
		c, err := src.Candidacy(cmd.CandidacyID)
		if err != nil {
			return err
		}
		person, err := h.candidates.Get(ctx, c.CandidateID)
		if err != nil {
			return err
		}
		// A transfer registers the candidate to the target (R58).
		if err := candidate.CheckNotBanned(person, civildate.Of(h.now())); err != nil {
			return err
		}
		t, err := h.titles.Get(ctx, dst.TitleID(), dst.TitleVersion())
		if err != nil {
			return err
		}
		r := candidacy.Registration{CandidateID: c.CandidateID}
		if dst.Type() == title.SessionCCP {
			r.Scope = c.Scope
		}
		if err := checkEligibility(ctx, h.history, dst, t, person, r); err != nil {
			return err
		}
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("transfer candidacy: new id: %w", err)
		}
		from, to, err = session.Transfer(src, dst, c.ID, id.String(), p.Subject, cmd.Reason, person, t, session.RequestKey{CreatedBy: p.Subject}, h.now())
		return err
	})
	if errors.Is(err, session.ErrNotFound) {
		// The session was there a moment ago: the target is unknown.
		return candidacy.Candidacy{}, candidacy.Candidacy{}, session.ErrTransferTarget.WithMeta("target_session", cmd.TargetSessionID)
	}
	if err != nil {
		return candidacy.Candidacy{}, candidacy.Candidacy{}, err
	}
	return from, to, nil
}

// RecordAttendance records the candidate's attendance at épreuves.
type RecordAttendance struct {
	SessionID, CandidacyID string
	Marks                  []candidacy.Attendance
}

// RecordAttendanceHandler handles RecordAttendance.
type RecordAttendanceHandler struct {
	repo   session.Repository
	titles TitleCatalogue
	now    func() time.Time
}

// NewRecordAttendanceHandler returns the handler.
func NewRecordAttendanceHandler(repo session.Repository, titles TitleCatalogue, now func() time.Time) RecordAttendanceHandler {
	return RecordAttendanceHandler{repo: repo, titles: titles, now: now}
}

// Handle records the marks for the organising centre or a juror of the
// session free of links with the candidate (R21).
func (h RecordAttendanceHandler) Handle(ctx context.Context, cmd RecordAttendance) (candidacy.Candidacy, error) {
	return changeCandidacy(ctx, h.repo, cmd.SessionID, cmd.CandidacyID, authz.CanRecordAttendance,
		func(p auth.Principal, s *session.Session) (candidacy.Candidacy, error) {
			t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
			if err != nil {
				return candidacy.Candidacy{}, err
			}
			return s.RecordAttendance(cmd.CandidacyID, cmd.Marks, p.Subject, t, h.now())
		})
}

// RecordAdjustment records a disability adjustment (R46).
type RecordAdjustment struct {
	SessionID, CandidacyID string
	Adjustment             candidacy.Adjustment
}

// RecordAdjustmentHandler handles RecordAdjustment.
type RecordAdjustmentHandler struct {
	repo   session.Repository
	titles TitleCatalogue
	now    func() time.Time
}

// NewRecordAdjustmentHandler returns the handler.
func NewRecordAdjustmentHandler(repo session.Repository, titles TitleCatalogue, now func() time.Time) RecordAdjustmentHandler {
	return RecordAdjustmentHandler{repo: repo, titles: titles, now: now}
}

// Handle records the adjustment for the organising centre.
func (h RecordAdjustmentHandler) Handle(ctx context.Context, cmd RecordAdjustment) (candidacy.Candidacy, error) {
	return changeCandidacy(ctx, h.repo, cmd.SessionID, cmd.CandidacyID, manages,
		func(p auth.Principal, s *session.Session) (candidacy.Candidacy, error) {
			t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
			if err != nil {
				return candidacy.Candidacy{}, err
			}
			return s.RecordAdjustment(cmd.CandidacyID, cmd.Adjustment, p.Subject, t, h.now())
		})
}

// RecordECFResults records ECF results (R30).
type RecordECFResults struct {
	SessionID, CandidacyID string
	Results                []candidacy.ECFResult
}

// RecordECFResultsHandler handles RecordECFResults.
type RecordECFResultsHandler struct {
	repo session.Repository
	now  func() time.Time
}

// NewRecordECFResultsHandler returns the handler.
func NewRecordECFResultsHandler(repo session.Repository, now func() time.Time) RecordECFResultsHandler {
	return RecordECFResultsHandler{repo: repo, now: now}
}

// Handle records the results for the organising centre.
func (h RecordECFResultsHandler) Handle(ctx context.Context, cmd RecordECFResults) (candidacy.Candidacy, error) {
	return changeCandidacy(ctx, h.repo, cmd.SessionID, cmd.CandidacyID, manages,
		func(p auth.Principal, s *session.Session) (candidacy.Candidacy, error) {
			return s.RecordECF(cmd.CandidacyID, cmd.Results, p.Subject, h.now())
		})
}

func manages(p auth.Principal, s *session.Session, _ candidacy.Candidacy) error {
	return authz.CanManage(p, s)
}

// changeCandidacy runs fn on candidacy candidacyID of session sessionID
// once check allows the caller.
func changeCandidacy(ctx context.Context, repo session.Repository, sessionID, candidacyID string,
	check func(p auth.Principal, s *session.Session, c candidacy.Candidacy) error,
	fn func(p auth.Principal, s *session.Session) (candidacy.Candidacy, error)) (candidacy.Candidacy, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	var out candidacy.Candidacy
	_, err = update(ctx, repo, p, sessionID, func(s *session.Session) error {
		c, err := s.Candidacy(candidacyID)
		if err != nil {
			if denied := check(p, s, candidacy.Candidacy{ID: candidacyID}); denied != nil {
				return denied
			}
			return err
		}
		if err := check(p, s, c); err != nil {
			return err
		}
		out, err = fn(p, s)
		return err
	})
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	return out, nil
}
