package command

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// CreateSession plans a session. RequestID, when set, makes retries return
// the first result (AIP-155).
type CreateSession struct {
	Draft     session.Draft
	RequestID string
}

// CreateSessionHandler handles CreateSession.
type CreateSessionHandler struct {
	repo      session.Repository
	titles    TitleCatalogue
	registers Registers
	now       func() time.Time
}

// NewCreateSessionHandler returns the handler.
func NewCreateSessionHandler(repo session.Repository, titles TitleCatalogue, registers Registers, now func() time.Time) CreateSessionHandler {
	return CreateSessionHandler{repo: repo, titles: titles, registers: registers, now: now}
}

// Handle creates the session for the caller's centre, or returns the one
// an earlier call of the same caller with the same request id and content
// created. The title version must be in the catalogue projection
// (TITLE_UNKNOWN otherwise), in force at the session dates (R6), and the
// centre approved for it at the session's site and dates (R8, R11):
// CheckSessionPlan.
func (h CreateSessionHandler) Handle(ctx context.Context, cmd CreateSession) (*session.Session, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return nil, err
	}
	centre, err := authz.Plan(p)
	if err != nil {
		return nil, err
	}
	now := h.now()
	t, err := checkPlan(ctx, h.titles, h.registers, centre, cmd.Draft, civildate.Of(now))
	if err != nil {
		return nil, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("create session: new id: %w", err)
	}
	hash, err := fingerprint(struct {
		Draft  session.Draft
		Centre string
	}{cmd.Draft, centre})
	if err != nil {
		return nil, err
	}
	s, err := session.New(id.String(), centre, cmd.Draft, t,
		session.RequestKey{CreatedBy: p.Subject, RequestID: cmd.RequestID, RequestHash: hash}, now)
	if err != nil {
		return nil, err
	}
	return h.repo.Create(ctx, s)
}

// fingerprint hashes what a create request asks for, so that a retry with
// the same content matches and a reuse of the request id for something else
// does not.
func fingerprint(v any) (string, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("request fingerprint: %w", err)
	}
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:]), nil
}
