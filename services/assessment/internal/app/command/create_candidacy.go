package command

import (
	"context"
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
)

// CreateCandidacy registers a candidate to a session. RequestID, when set,
// makes retries return the first result (AIP-155).
type CreateCandidacy struct {
	SessionID    string
	Registration candidacy.Registration
	RequestID    string
}

// CreateCandidacyHandler handles CreateCandidacy.
type CreateCandidacyHandler struct {
	repo       session.Repository
	titles     TitleCatalogue
	candidates CandidateDirectory
	history    eligibility.History
	now        func() time.Time
}

// NewCreateCandidacyHandler returns the handler.
func NewCreateCandidacyHandler(repo session.Repository, titles TitleCatalogue, candidates CandidateDirectory, history eligibility.History, now func() time.Time) CreateCandidacyHandler {
	return CreateCandidacyHandler{repo: repo, titles: titles, candidates: candidates, history: history, now: now}
}

// Handle registers the candidate (R21, R25; R6, R24, R28, R31–R33 by
// checkEligibility) when the caller organises the
// session. The candidate must be known from the candidate events and be
// one the centre may register (authz.CanRegister): CANDIDATE_UNKNOWN
// otherwise, the same answer for both.
func (h CreateCandidacyHandler) Handle(ctx context.Context, cmd CreateCandidacy) (candidacy.Candidacy, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	hash, err := fingerprint(cmd.Registration)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	key := session.RequestKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash}
	var created candidacy.Candidacy
	_, err = update(ctx, h.repo, p, cmd.SessionID, func(s *session.Session) error {
		if err := authz.CanManage(p, s); err != nil {
			return err
		}
		if err := cmd.Registration.Check(); err != nil {
			return err
		}
		person, err := h.candidates.Get(ctx, cmd.Registration.CandidateID)
		if err != nil {
			return err
		}
		if err := authz.CanRegister(p, person); err != nil {
			return err
		}
		// R58: no registration during a ban, which ends on its own.
		if err := candidate.CheckNotBanned(person, civildate.Of(h.now())); err != nil {
			return err
		}
		t, err := h.titles.Get(ctx, s.TitleID(), s.TitleVersion())
		if err != nil {
			return err
		}
		if retry, err := s.Replay(key); err != nil || retry != nil {
			if retry != nil {
				created = *retry
			}
			return err
		}
		if err := checkEligibility(ctx, h.history, s, t, person, cmd.Registration); err != nil {
			return err
		}
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("create candidacy: new id: %w", err)
		}
		created, err = s.Register(id.String(), cmd.Registration, person, t, key, h.now())
		return err
	})
	return created, err
}
