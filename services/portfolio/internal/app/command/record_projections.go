package command

import (
	"context"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// The projection commands apply another context's event to the
// projection they are given: the consumer passes one bound to the
// transaction that also records the event in its inbox. Each reports
// whether the event changed anything (false for a redelivery or a stale
// event). An event that cannot be applied (no id) is InvalidArgument,
// which stops its redelivery.

// RecordCandidateHandler applies CandidateRegistered and CandidateUpdated.
type RecordCandidateHandler struct{}

// Handle stores c unless a newer version is stored.
func (RecordCandidateHandler) Handle(ctx context.Context, repo refdata.Candidates, c refdata.Candidate) (bool, error) {
	if c.ID == "" || c.Version < 1 {
		return false, invalidEvent("candidate.id and version are required")
	}
	return repo.Upsert(ctx, c)
}

// RecordTitleHandler applies TitleVersionPublished.
type RecordTitleHandler struct{}

// Handle stores t unless the version is known.
func (RecordTitleHandler) Handle(ctx context.Context, repo refdata.Titles, t refdata.Title) (bool, error) {
	if t.ID == "" || t.Version == "" {
		return false, invalidEvent("title.id and title.version are required")
	}
	return repo.Insert(ctx, t)
}

// RecordSessionHandler applies SessionPlanned.
type RecordSessionHandler struct{}

// Handle stores s unless it is known.
func (RecordSessionHandler) Handle(ctx context.Context, repo refdata.Sessions, s refdata.Session) (bool, error) {
	if s.ID == "" || s.TitleID == "" {
		return false, invalidEvent("session_id and title_id are required")
	}
	return repo.Insert(ctx, s)
}

// RecordJurorHandler applies JurorAssigned and JurorUnassigned.
type RecordJurorHandler struct{}

// Handle records the change unless a later one is stored.
func (RecordJurorHandler) Handle(ctx context.Context, repo refdata.Sessions, c refdata.JurorChange) (bool, error) {
	if c.SessionID == "" || c.Subject == "" || c.At.IsZero() {
		return false, invalidEvent("session_id, juror_subject and a time are required")
	}
	return repo.ApplyJuror(ctx, c)
}

// RecordCandidacyHandler applies CandidacyRegistered.
type RecordCandidacyHandler struct{}

// Handle stores c unless it is known.
func (RecordCandidacyHandler) Handle(ctx context.Context, repo refdata.Candidacies, c refdata.Candidacy) (bool, error) {
	if c.ID == "" || c.SessionID == "" || c.CandidateID == "" {
		return false, invalidEvent("session_id, candidacy_id and candidate_id are required")
	}
	return repo.Insert(ctx, c)
}

// RecordRecusalsHandler applies CandidacyRecusalsChanged.
type RecordRecusalsHandler struct{}

// Handle records the change unless a later one is stored.
func (RecordRecusalsHandler) Handle(ctx context.Context, repo refdata.Candidacies, r refdata.Recusals) (bool, error) {
	if r.CandidacyID == "" || r.SessionID == "" || r.CandidateID == "" || r.At.IsZero() {
		return false, invalidEvent("session_id, candidacy_id, candidate_id and a time are required")
	}
	return repo.ApplyRecusals(ctx, r)
}

// RecordScheduleHandler applies SessionPlanned, SessionUpdated,
// SessionPostponed and SessionCancelled to the schedule projection (R40).
type RecordScheduleHandler struct{}

// Handle records s unless a later change of the session is stored.
func (RecordScheduleHandler) Handle(ctx context.Context, repo refdata.Schedules, s refdata.Schedule) (bool, error) {
	if s.SessionID == "" || s.Version < 1 {
		return false, invalidEvent("session_id and a version are required")
	}
	return repo.Apply(ctx, s)
}

func invalidEvent(msg string) error {
	return apperr.New(apperr.KindInvalidArgument, "EVENT_INVALID", msg)
}
