// Package notify is the use case of the notifications: each method applies
// one event of another context to the notification projections and writes
// the messages it causes to the mail outbox, all through the Store bound to
// the transaction of the event's inbox row — so an event is applied, and its
// messages written, exactly once (domain/notice).
//
// Messages are keyed by the event that causes them (notice.MessageID):
//   - CandidacyRegistered → the candidate's convocation;
//   - JurorAssigned → the juror's convocation, held until the juror's
//     address is known (JurorAddressKnown), cancelled if the juror leaves the
//     jury before;
//   - a session change (SessionChanged) → every candidate and juror of the
//     session;
//   - ResultsValidated, with the MinutesSigned it validates (whichever comes
//     second) → each candidate of the minutes gets their results (R51: never
//     before the validation).
package notify

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// ErrSessionUnknown is returned, retryable, when an event about a session
// arrives before the session: the event is redelivered later.
var ErrSessionUnknown = apperr.New(apperr.KindUnavailable, "NOTIFY_SESSION_UNKNOWN", "the session has not reached the candidate service yet")

// Notifier applies events to the notifications.
type Notifier struct {
	now func() time.Time
}

// New returns a Notifier; now is the clock (time.Now in production).
func New(now func() time.Time) Notifier {
	if now == nil {
		now = time.Now
	}
	return Notifier{now: now}
}

// SessionPlanned records a new session. A session is planned once: a late
// redelivery never undoes a change recorded since (SessionChanged).
func (n Notifier) SessionPlanned(ctx context.Context, st notice.Store, s notice.Session) error {
	_, err := st.Session(ctx, s.ID)
	if err == nil {
		return nil
	}
	if !errors.Is(err, notice.ErrUnknown) {
		return err
	}
	return st.SaveSession(ctx, s)
}

// TitlePublished records a title version's wording.
func (n Notifier) TitlePublished(ctx context.Context, st notice.Store, t notice.Title) error {
	return st.SaveTitle(ctx, t)
}

func (n Notifier) session(ctx context.Context, st notice.Store, id string) (notice.Session, notice.Title, error) {
	s, err := st.Session(ctx, id)
	if errors.Is(err, notice.ErrUnknown) {
		return notice.Session{}, notice.Title{}, ErrSessionUnknown.WithMeta("session_id", id)
	}
	if err != nil {
		return notice.Session{}, notice.Title{}, err
	}
	t, err := st.Title(ctx, s.TitleID, s.TitleVersion)
	if err != nil && !errors.Is(err, notice.ErrUnknown) {
		return notice.Session{}, notice.Title{}, err
	}
	if errors.Is(err, notice.ErrUnknown) {
		t = notice.Title{ID: s.TitleID, Version: s.TitleVersion} // the messages then name the title by its code
	}
	return s, t, nil
}

// enqueue writes one message for a candidate (their address from their
// record) or a juror (held while their address is unknown).
func (n Notifier) enqueue(ctx context.Context, st notice.Store, eventID string, kind notice.Kind, sessionID, key string,
	to notice.Person, content notice.Content) (bool, error) {
	m := notice.Mail{
		MessageID: notice.MessageID(eventID, kind, key), EventID: eventID, Kind: kind, RecipientKey: key,
		SessionID: sessionID, To: to.Email, ToName: to.Name, Content: content, Status: notice.StatusPending,
		CreatedAt: n.now(),
	}
	if to.Email == "" {
		m.Status = notice.StatusHeld
	}
	return st.Enqueue(ctx, m)
}

// candidate returns a candidate's name and address; a candidacy of a
// candidate this service does not know can never be told.
func (n Notifier) candidate(ctx context.Context, st notice.Store, id string) (notice.Person, error) {
	p, err := st.Candidate(ctx, id)
	if errors.Is(err, notice.ErrUnknown) {
		return notice.Person{}, apperr.New(apperr.KindFailedPrecondition, "NOTIFY_CANDIDATE_UNKNOWN",
			"the candidate of the candidacy is not in this service").WithMeta("candidate_id", id)
	}
	return p, err
}

// juror returns a juror's name and, when known, address.
func (n Notifier) juror(ctx context.Context, st notice.Store, j notice.Juror) (notice.Person, error) {
	p, err := st.JurorAddress(ctx, j.Subject)
	if errors.Is(err, notice.ErrUnknown) {
		return notice.Person{Name: j.Name}, nil
	}
	if err != nil {
		return notice.Person{}, err
	}
	if j.Name != "" {
		p.Name = j.Name
	}
	return p, nil
}

// CandidacyRegistered records the candidacy and convenes its candidate.
func (n Notifier) CandidacyRegistered(ctx context.Context, st notice.Store, eventID string, c notice.Candidacy) error {
	s, t, err := n.session(ctx, st, c.SessionID)
	if err != nil {
		return err
	}
	if err := st.SaveCandidacy(ctx, c); err != nil {
		return err
	}
	p, err := n.candidate(ctx, st, c.CandidateID)
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindCandidateConvocation, s.ID, notice.CandidateKey(c.CandidateID), p,
		notice.CandidateConvocation(s, t, c, p))
	return err
}

// JurorAssigned records the juror on the session's jury and convenes them:
// at once when their address is known, otherwise once it is.
func (n Notifier) JurorAssigned(ctx context.Context, st notice.Store, eventID, sessionID string, j notice.Juror) error {
	if err := st.Lock(ctx, notice.JurorKey(j.Subject)); err != nil {
		return err
	}
	s, t, err := n.session(ctx, st, sessionID)
	if err != nil {
		return err
	}
	if err := st.SetJuror(ctx, sessionID, j, true); err != nil {
		return err
	}
	p, err := n.juror(ctx, st, j)
	if err != nil {
		return err
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindJurorConvocation, s.ID, notice.JurorKey(j.Subject), p,
		notice.JurorConvocation(s, t, j))
	return err
}

// JurorUnassigned removes the juror from the session's jury (absent,
// replaced). A convocation still held for want of an address is cancelled:
// the juror never heard of the session. Otherwise their convocation went
// (or is going) out, and they are told it no longer holds.
func (n Notifier) JurorUnassigned(ctx context.Context, st notice.Store, eventID, sessionID, subject string) error {
	if err := st.Lock(ctx, notice.JurorKey(subject)); err != nil {
		return err
	}
	jurors, err := st.Jurors(ctx, sessionID)
	if err != nil {
		return err
	}
	j := notice.Juror{Subject: subject}
	for _, sitting := range jurors {
		if sitting.Subject == subject {
			j = sitting
		}
	}
	if err := st.SetJuror(ctx, sessionID, j, false); err != nil {
		return err
	}
	if _, err := st.CancelHeld(ctx, sessionID, notice.JurorKey(subject)); err != nil {
		return err
	}
	p, err := st.JurorAddress(ctx, subject)
	if errors.Is(err, notice.ErrUnknown) {
		return nil
	}
	if err != nil {
		return err
	}
	s, t, err := n.session(ctx, st, sessionID)
	if err != nil {
		return err
	}
	if j.Name != "" {
		p.Name = j.Name
	}
	_, err = n.enqueue(ctx, st, eventID, notice.KindJurorReleased, sessionID, notice.JurorKey(subject), p, notice.JurorReleased(s, t, j))
	return err
}

// CandidacyWithdrawn forgets a candidacy that left its session (withdrawn,
// or transferred: the transfer's new candidacy goes through
// CandidacyRegistered, keyed by the transfer event, and convenes the
// candidate to the new session). Its candidate is no longer told about the
// session's changes.
func (n Notifier) CandidacyWithdrawn(ctx context.Context, st notice.Store, candidacyID string) error {
	return st.DeleteCandidacy(ctx, candidacyID)
}

// JurorAddressKnown records a juror's address (from the juror register)
// and releases the messages held for them. Call it from the consumer of
// the event that carries the address (HabilitationGranted).
func (n Notifier) JurorAddressKnown(ctx context.Context, st notice.Store, subject string, p notice.Person) error {
	if p.Email == "" {
		return nil
	}
	if err := st.Lock(ctx, notice.JurorKey(subject)); err != nil {
		return err
	}
	if err := st.SaveJurorAddress(ctx, subject, p); err != nil {
		return err
	}
	_, err := st.Release(ctx, notice.JurorKey(subject), p)
	return err
}

// SessionChanged records the session as it is now and tells every
// candidate and juror of it what changed (updated, postponed, cancelled).
// eventID is the event that carries the change. Fields of ch.Session left
// empty keep their last known value, so an event that carries only what
// changed (a cancellation: the id and a reason) is enough. Call it from the
// consumer of SessionUpdated, SessionPostponed and SessionCancelled.
func (n Notifier) SessionChanged(ctx context.Context, st notice.Store, eventID string, ch notice.Change) error {
	before, t, err := n.session(ctx, st, ch.Session.ID)
	if err != nil {
		return err
	}
	now := merge(before, ch.Session)
	ch.Session = now
	if err := st.SaveSession(ctx, now); err != nil {
		return err
	}
	kind := map[notice.ChangeKind]notice.Kind{
		notice.ChangeUpdated: notice.KindSessionUpdated, notice.ChangePostponed: notice.KindSessionPostponed,
		notice.ChangeCancelled: notice.KindSessionCancelled,
	}[ch.Kind]
	if kind == "" {
		return apperr.New(apperr.KindInvalidArgument, "NOTIFY_CHANGE_UNKNOWN", "unknown session change").WithMeta("kind", string(ch.Kind))
	}
	candidacies, err := st.Candidacies(ctx, now.ID)
	if err != nil {
		return err
	}
	told := map[string]bool{}
	for _, c := range candidacies {
		if told[c.CandidateID] {
			continue
		}
		told[c.CandidateID] = true
		p, err := n.candidate(ctx, st, c.CandidateID)
		if err != nil {
			return err
		}
		if _, err := n.enqueue(ctx, st, eventID, kind, now.ID, notice.CandidateKey(c.CandidateID), p,
			notice.SessionChange(ch, before, t, p, false)); err != nil {
			return err
		}
	}
	jurors, err := st.Jurors(ctx, now.ID)
	if err != nil {
		return err
	}
	for _, j := range jurors {
		p, err := n.juror(ctx, st, j)
		if err != nil {
			return err
		}
		if _, err := n.enqueue(ctx, st, eventID, kind, now.ID, notice.JurorKey(j.Subject), p,
			notice.SessionChange(ch, before, t, p, true)); err != nil {
			return err
		}
		if ch.Kind == notice.ChangeCancelled {
			// A convocation still held is moot; the cancellation, held
			// too, tells the juror once their address is known.
			if _, err := st.CancelHeld(ctx, now.ID, notice.JurorKey(j.Subject)); err != nil {
				return err
			}
		}
	}
	return nil
}

// MinutesSigned records signed minutes; if the ministry has already
// validated them (the certification stream ran ahead), the results go out.
func (n Notifier) MinutesSigned(ctx context.Context, st notice.Store, m notice.Minutes) error {
	if err := st.Lock(ctx, resultsKey(m.SessionID)); err != nil {
		return err
	}
	if err := st.SaveMinutes(ctx, m); err != nil {
		return err
	}
	v, err := st.Validation(ctx, m.SessionID, m.ContentHash)
	if errors.Is(err, notice.ErrUnknown) {
		return nil // R51: nothing is told before the validation
	}
	if err != nil {
		return err
	}
	return n.results(ctx, st, m, v)
}

// ResultsValidated records the validation of a version of the minutes and,
// when those minutes are known, tells each candidate their results.
func (n Notifier) ResultsValidated(ctx context.Context, st notice.Store, v notice.Validation) error {
	if err := st.Lock(ctx, resultsKey(v.SessionID)); err != nil {
		return err
	}
	if err := st.SaveValidation(ctx, v); err != nil {
		return err
	}
	// The first validation of these minutes stays (a redelivery, or a
	// second event about the same minutes, sends nothing new).
	v, err := st.Validation(ctx, v.SessionID, v.MinutesHash)
	if err != nil {
		return err
	}
	m, err := st.Minutes(ctx, v.SessionID, v.MinutesHash)
	if errors.Is(err, notice.ErrUnknown) {
		return nil // MinutesSigned will send them when it arrives
	}
	if err != nil {
		return err
	}
	return n.results(ctx, st, m, v)
}

// results tells each candidate of the validated minutes their decisions.
// When these minutes correct minutes validated before (a material error
// corrected after validation), only the candidates whose decisions changed
// are told, that these results replace the earlier ones.
func (n Notifier) results(ctx context.Context, st notice.Store, m notice.Minutes, v notice.Validation) error {
	s, t, err := n.session(ctx, st, m.SessionID)
	if err != nil {
		return err
	}
	var previous *notice.Minutes
	prevValidation, err := st.PreviousValidation(ctx, m.SessionID, m.ContentHash)
	switch {
	case err == nil:
		if pm, err := st.Minutes(ctx, m.SessionID, prevValidation.MinutesHash); err == nil {
			previous = &pm
		} else if !errors.Is(err, notice.ErrUnknown) {
			return err
		}
	case !errors.Is(err, notice.ErrUnknown):
		return err
	}
	for _, line := range m.Lines {
		var content notice.Content
		p, err := n.candidate(ctx, st, line.CandidateID)
		if err != nil {
			return err
		}
		if previous != nil {
			before, ok := previous.Line(line.CandidateID)
			if ok && before.Same(line) {
				continue // unchanged by the correction: already told
			}
			content = notice.CorrectedResults(s, t, m, line, v, prevValidation, p)
		} else {
			content = notice.Results(s, t, m, line, v, p)
		}
		if _, err := n.enqueue(ctx, st, v.EventID, notice.KindResults, s.ID, notice.CandidateKey(line.CandidateID), p, content); err != nil {
			return err
		}
	}
	return nil
}

// merge is the session before with what the change sets.
func merge(before, change notice.Session) notice.Session {
	now := before
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&now.CentreID, change.CentreID)
	set(&now.TitleID, change.TitleID)
	set(&now.TitleVersion, change.TitleVersion)
	set(&now.StartDate, change.StartDate)
	set(&now.EndDate, change.EndDate)
	set(&now.DossierDeadline, change.DossierDeadline)
	set(&now.Site, change.Site)
	if change.Type != "" {
		now.Type = change.Type
	}
	if len(change.CCPCodes) > 0 {
		now.CCPCodes = change.CCPCodes
	}
	return now
}

// resultsKey is the lock of a session's minutes and validations: the two
// arrive through two consumers, and whichever commits second must see the
// other.
func resultsKey(sessionID string) string { return "results:" + sessionID }
