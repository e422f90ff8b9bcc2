package query

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// MinutesArchive reads the signed versions of a session's minutes (R51).
type MinutesArchive interface {
	// MinutesVersions returns the signed versions, the first first, each
	// as it was signed, with its return if any.
	MinutesVersions(ctx context.Context, sessionID string) ([]minutes.Version, error)
}

// MinutesPrinter prints minutes as a document.
type MinutesPrinter interface {
	// MinutesPDF returns the PDF of the minutes v shows.
	MinutesPDF(v MinutesView) ([]byte, error)
}

// MinutesView is one version of a session's minutes as its readers see it.
type MinutesView struct {
	minutes.Version
	// SessionState is the session's state now.
	SessionState session.State
	// ReopenedBy is the return that opened this version (nil for the
	// first).
	ReopenedBy *minutes.Return
	// Names are the candidates' names by candidacy id, and Site the
	// session's site, for a printed document.
	Names map[string]string
	Site  string
	// Printed is the time the version was last signed, or now for a draft:
	// the date of a printed document.
	Printed time.Time
}

// MinutesVersionsHandler reads the versions of a session's minutes.
type MinutesVersionsHandler struct {
	repo    session.Repository
	archive MinutesArchive
	hasher  Hasher
	printer MinutesPrinter
	now     func() time.Time
}

// NewMinutesVersionsHandler returns the handler.
func NewMinutesVersionsHandler(repo session.Repository, archive MinutesArchive, hasher Hasher, printer MinutesPrinter, now func() time.Time) MinutesVersionsHandler {
	return MinutesVersionsHandler{repo: repo, archive: archive, hasher: hasher, printer: printer, now: now}
}

// List returns every version of the minutes of session sessionID, the
// first first, to those who read its minutes (jurors, centre, ministry,
// admin): the signed ones as signed, then the current one unless it is
// signed already. The current one has no hash while its deliberations are
// not all done.
func (h MinutesVersionsHandler) List(ctx context.Context, sessionID string) ([]MinutesView, error) {
	_, s, err := load(ctx, h.repo, sessionID, authz.CanReadJury)
	if err != nil {
		return nil, err
	}
	return h.versions(ctx, s)
}

// Get returns version n of the minutes of session sessionID (0: the
// current one), or minutes.ErrVersionNotFound.
func (h MinutesVersionsHandler) Get(ctx context.Context, sessionID string, n int) (MinutesView, error) {
	_, s, err := load(ctx, h.repo, sessionID, authz.CanReadJury)
	if err != nil {
		return MinutesView{}, err
	}
	if n == 0 || n == s.MinutesVersion() {
		// The current version: drawn up from the session, refused before
		// every deliberation is done, as GetMinutes always did.
		m, err := s.Minutes(h.hasher)
		if err != nil {
			return MinutesView{}, err
		}
		vs, err := h.versions(ctx, s)
		if err != nil {
			return MinutesView{}, err
		}
		v := vs[len(vs)-1]
		v.Minutes = m
		return v, nil
	}
	vs, err := h.versions(ctx, s)
	if err != nil {
		return MinutesView{}, err
	}
	for _, v := range vs {
		if v.Number == n {
			return v, nil
		}
	}
	return MinutesView{}, minutes.ErrVersionNotFound
}

// PDF returns version n (0: the current one) printed as a PDF document.
func (h MinutesVersionsHandler) PDF(ctx context.Context, sessionID string, n int) ([]byte, error) {
	v, err := h.Get(ctx, sessionID, n)
	if err != nil {
		return nil, err
	}
	return h.printer.MinutesPDF(v)
}

func (h MinutesVersionsHandler) versions(ctx context.Context, s *session.Session) ([]MinutesView, error) {
	signed, err := h.archive.MinutesVersions(ctx, s.ID())
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, c := range s.Candidacies() {
		names[c.ID] = c.CandidateName
	}
	site := s.Summary().Site
	out := make([]MinutesView, 0, len(signed)+1)
	var previous *minutes.Return
	for _, v := range signed {
		out = append(out, MinutesView{Version: v, SessionState: s.State(), ReopenedBy: previous, Names: names, Site: site, Printed: v.SignedAt})
		previous = v.Return
	}
	if len(signed) == 0 || signed[len(signed)-1].Number < s.MinutesVersion() {
		draft := MinutesView{Version: minutes.Version{Number: s.MinutesVersion(), State: minutes.VersionDraft},
			SessionState: s.State(), ReopenedBy: s.Reopened(), Names: names, Site: site, Printed: h.now()}
		m, err := s.Minutes(h.hasher)
		switch {
		case err == nil:
			draft.Minutes = m
		case !errors.Is(err, session.ErrNotDeliberated):
			return nil, err
		}
		out = append(out, draft)
	}
	return out, nil
}
