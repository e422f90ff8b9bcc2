package ports

import (
	"context"
	"log/slog"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

// Durable names of the notification consumers: persisted inbox keys,
// granted by name on the bus (natsauth). Never rename one.
const (
	// NotifyAssessmentDurable follows the sessions, juries, candidacies and
	// minutes, in the assessment stream's order (a session before its
	// candidacies and jurors).
	NotifyAssessmentDurable = "candidate_notify_assessment"
	// NotifyCertificationDurable follows the titles (their wording), the
	// validations of minutes, the juror register's addresses, and the
	// ministry's decisions about a person: withdrawals and appeals.
	NotifyCertificationDurable = "candidate_notify_certification"
)

// errInvalidEvent is an event that lacks a field the notifications need: it
// can never be applied, so it is terminated (and logged) rather than retried.
var errInvalidEvent = apperr.New(apperr.KindInvalidArgument, "EVENT_INVALID", "the event lacks a required field")

// Notifications feed the assessment and certification events to the
// notifications (app/notify), with a store bound to the inbox transaction.
type Notifications struct {
	notifier notify.Notifier
	store    func(tx *sqldb.Tx) notice.Store
	log      *slog.Logger
}

// NewNotifications returns the notification consumers; store binds the
// notification store to a transaction.
func NewNotifications(n notify.Notifier, store func(tx *sqldb.Tx) notice.Store, log *slog.Logger) *Notifications {
	return &Notifications{notifier: n, store: store, log: log}
}

// All returns the consumers, for eventbus.SubscribeAll.
func (c *Notifications) All() []eventbus.Consumer {
	return []eventbus.Consumer{
		{Durable: NotifyAssessmentDurable, Events: []proto.Message{
			&assessmentv1.SessionPlanned{}, &assessmentv1.JurorAssigned{}, &assessmentv1.JurorUnassigned{},
			&assessmentv1.CandidacyRegistered{}, &assessmentv1.MinutesSigned{},
			&assessmentv1.SessionUpdated{}, &assessmentv1.SessionPostponed{}, &assessmentv1.SessionCancelled{},
			&assessmentv1.CandidacyWithdrawn{}, &assessmentv1.CandidacyTransferred{},
		}, Handle: c.HandleAssessment},
		{Durable: NotifyCertificationDurable, Events: []proto.Message{
			&certificationv1.TitleVersionPublished{}, &certificationv1.ResultsValidated{},
			&certificationv1.HabilitationGranted{},
			&certificationv1.CertificateWithdrawn{}, &certificationv1.AppealDecided{},
		}, Handle: c.HandleCertification},
	}
}

// HandleAssessment applies a session, jury, candidacy or minutes event.
func (c *Notifications) HandleAssessment(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	st := c.store(tx)
	switch {
	case eventbus.Is(msg, &assessmentv1.SessionPlanned{}):
		var ev assessmentv1.SessionPlanned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.notifier.SessionPlanned(ctx, st, SessionFromPlanned(&ev))
	case eventbus.Is(msg, &assessmentv1.CandidacyRegistered{}):
		var ev assessmentv1.CandidacyRegistered
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetCandidacyId() == "" || ev.GetSessionId() == "" || ev.GetCandidateId() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.CandidacyRegistered(ctx, st, msg.ID, notice.Candidacy{
			ID: ev.GetCandidacyId(), SessionID: ev.GetSessionId(), CandidateID: ev.GetCandidateId(), CCPCodes: ev.GetCcpCodes(),
		})
	case eventbus.Is(msg, &assessmentv1.JurorAssigned{}):
		var ev assessmentv1.JurorAssigned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetSessionId() == "" || ev.GetJurorSubject() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.JurorAssigned(ctx, st, msg.ID, ev.GetSessionId(),
			notice.Juror{Subject: ev.GetJurorSubject(), Name: ev.GetJurorName()})
	case eventbus.Is(msg, &assessmentv1.JurorUnassigned{}):
		var ev assessmentv1.JurorUnassigned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetSessionId() == "" || ev.GetJurorSubject() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.JurorUnassigned(ctx, st, msg.ID, ev.GetSessionId(), ev.GetJurorSubject())
	case eventbus.Is(msg, &assessmentv1.MinutesSigned{}):
		var ev assessmentv1.MinutesSigned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetSessionId() == "" || ev.GetContentHash() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.MinutesSigned(ctx, st, MinutesFromSigned(&ev))
	case eventbus.Is(msg, &assessmentv1.SessionUpdated{}):
		var ev assessmentv1.SessionUpdated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.SessionChanged(ctx, tx, msg.ID, notice.Change{Kind: notice.ChangeUpdated,
			Session: notice.Session{ID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
				DossierDeadline: ev.GetDossierDeadline(), Site: ev.GetSite()},
			At: timeOr(ev.GetOccurTime(), msg.Time)})
	case eventbus.Is(msg, &assessmentv1.SessionPostponed{}):
		var ev assessmentv1.SessionPostponed
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.SessionChanged(ctx, tx, msg.ID, notice.Change{Kind: notice.ChangePostponed,
			Session: notice.Session{ID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
				DossierDeadline: ev.GetDossierDeadline(), Site: ev.GetSite()},
			Reason: ev.GetReason(), At: timeOr(ev.GetOccurTime(), msg.Time)})
	case eventbus.Is(msg, &assessmentv1.SessionCancelled{}):
		var ev assessmentv1.SessionCancelled
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.SessionChanged(ctx, tx, msg.ID, notice.Change{Kind: notice.ChangeCancelled,
			Session: notice.Session{ID: ev.GetSessionId()}, Reason: ev.GetReason(), At: timeOr(ev.GetOccurTime(), msg.Time)})
	case eventbus.Is(msg, &assessmentv1.CandidacyWithdrawn{}):
		var ev assessmentv1.CandidacyWithdrawn
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.CandidacyWithdrawn(ctx, tx, ev.GetCandidacyId())
	case eventbus.Is(msg, &assessmentv1.CandidacyTransferred{}):
		// The new candidacy's convocation comes with its own
		// CandidacyRegistered; the old one is no longer the candidate's.
		var ev assessmentv1.CandidacyTransferred
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		return c.CandidacyWithdrawn(ctx, tx, ev.GetFromCandidacyId())
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
}

// HandleCertification applies a title version, a validation of minutes, a
// juror's habilitation, a withdrawal or the decision on an appeal.
func (c *Notifications) HandleCertification(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	st := c.store(tx)
	switch {
	case eventbus.Is(msg, &certificationv1.TitleVersionPublished{}):
		var ev certificationv1.TitleVersionPublished
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		t := notice.Title{ID: ev.GetTitle().GetId(), Version: ev.GetTitle().GetVersion(), Label: ev.GetTitle().GetLabel()}
		for _, ccp := range ev.GetTitle().GetCcps() {
			t.CCPs = append(t.CCPs, notice.CCP{Code: ccp.GetCode(), Label: ccp.GetLabel()})
		}
		if t.ID == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.TitlePublished(ctx, st, t)
	case eventbus.Is(msg, &certificationv1.ResultsValidated{}):
		var ev certificationv1.ResultsValidated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetSessionId() == "" || ev.GetMinutesHash() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.ResultsValidated(ctx, st, notice.Validation{
			EventID: msg.ID, SessionID: ev.GetSessionId(), MinutesHash: ev.GetMinutesHash(),
			ValidatedAt: timeOr(ev.GetOccurTime(), msg.Time),
		})
	case eventbus.Is(msg, &certificationv1.HabilitationGranted{}):
		// The juror register carries the juror's address: the convocations
		// held for that juror go out now, and later ones at once.
		var ev certificationv1.HabilitationGranted
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		h := ev.GetHabilitation()
		email := ev.GetJurorEmail()
		if email == "" {
			email = h.GetJurorEmail()
		}
		return c.JurorAddressKnown(ctx, tx, h.GetJurorSubject(), h.GetJurorName(), email)
	case eventbus.Is(msg, &certificationv1.CertificateWithdrawn{}):
		var ev certificationv1.CertificateWithdrawn
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetCandidateId() == "" || ev.GetCertificateNumber() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.CertificateWithdrawn(ctx, st, msg.ID, ev.GetCandidateId(), WithdrawalFromEvent(&ev))
	case eventbus.Is(msg, &certificationv1.AppealDecided{}):
		var ev certificationv1.AppealDecided
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		if ev.GetCandidateId() == "" || ev.GetDecision() == "" {
			return errInvalidEvent.WithMeta("type", msg.Type)
		}
		return c.notifier.AppealDecided(ctx, st, msg.ID, ev.GetCandidateId(), AppealDecisionFromEvent(&ev))
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
}

// SessionChanged applies a change of a session inside the inbox transaction
// tx: the session as it is now (fields left empty keep their last known
// value) and the message to every candidate and juror of it, keyed by
// eventID. The consumer of SessionUpdated, SessionPostponed and
// SessionCancelled calls it, e.g. for a postponement:
//
//	return c.SessionChanged(ctx, tx, msg.ID, notice.Change{Kind: notice.ChangePostponed,
//		Session: notice.Session{ID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate()},
//		Reason: ev.GetReason(), At: timeOr(ev.GetOccurTime(), msg.Time)})
func (c *Notifications) SessionChanged(ctx context.Context, tx *sqldb.Tx, eventID string, ch notice.Change) error {
	if ch.Session.ID == "" || eventID == "" {
		return errInvalidEvent
	}
	return c.notifier.SessionChanged(ctx, c.store(tx), eventID, ch)
}

// JurorAddressKnown records a juror's name and address inside the inbox
// transaction tx and releases their held convocations. The consumer of the
// juror register's event that carries the address (HabilitationGranted:
// juror_subject, juror_email) calls it.
func (c *Notifications) JurorAddressKnown(ctx context.Context, tx *sqldb.Tx, subject, name, email string) error {
	if subject == "" {
		return errInvalidEvent
	}
	return c.notifier.JurorAddressKnown(ctx, c.store(tx), subject, notice.Person{Name: name, Email: email})
}

// JurorJoined convenes a juror added to a session's jury, inside the inbox
// transaction tx, keyed by eventID; JurorLeft tells one removed from it. A
// replacement after opening (an absent juror) is both, with the same event:
// the two messages differ by kind and recipient.
func (c *Notifications) JurorJoined(ctx context.Context, tx *sqldb.Tx, eventID, sessionID, subject, name string) error {
	if eventID == "" || sessionID == "" || subject == "" {
		return errInvalidEvent
	}
	return c.notifier.JurorAssigned(ctx, c.store(tx), eventID, sessionID, notice.Juror{Subject: subject, Name: name})
}

// JurorLeft: see JurorJoined.
func (c *Notifications) JurorLeft(ctx context.Context, tx *sqldb.Tx, eventID, sessionID, subject string) error {
	if eventID == "" || sessionID == "" || subject == "" {
		return errInvalidEvent
	}
	return c.notifier.JurorUnassigned(ctx, c.store(tx), eventID, sessionID, subject)
}

// CandidacyWithdrawn forgets a candidacy that left its session, inside the
// inbox transaction tx; the consumers of CandidacyWithdrawn and of a
// transfer (with CandidacyRegistered's handling for the new candidacy)
// call it.
func (c *Notifications) CandidacyWithdrawn(ctx context.Context, tx *sqldb.Tx, candidacyID string) error {
	if candidacyID == "" {
		return errInvalidEvent
	}
	return c.notifier.CandidacyWithdrawn(ctx, c.store(tx), candidacyID)
}

// WithdrawalFromEvent is the withdrawal CertificateWithdrawn tells.
func WithdrawalFromEvent(ev *certificationv1.CertificateWithdrawn) notice.Withdrawal {
	return notice.Withdrawal{
		CertificateNumber: ev.GetCertificateNumber(), Livret: ev.GetKind() == certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET,
		TitleID: ev.GetTitleId(), TitleVersion: ev.GetTitleVersion(), TitleLabel: ev.GetTitleLabel(),
		WithdrawnCCPs: ev.GetWithdrawnCcpCodes(), Reference: ev.GetDecisionReference(), DecidedOn: ev.GetDecidedOn(),
	}
}

// AppealDecisionFromEvent is the outcome AppealDecided tells; an outcome
// this version does not know is left empty (the notifier refuses it).
func AppealDecisionFromEvent(ev *certificationv1.AppealDecided) notice.AppealDecision {
	a := notice.AppealDecision{Decision: ev.GetDecision(), DecidedOn: ev.GetDecidedOn(),
		RestoredCertificates: ev.GetRestoredCertificateNumbers(), RestoredCCPs: ev.GetRestoredCcpCodes()}
	switch ev.GetKind() {
	case certificationv1.AppealKind_APPEAL_KIND_GRACIEUX:
		a.Kind = notice.AppealGracieux
	case certificationv1.AppealKind_APPEAL_KIND_HIERARCHIQUE:
		a.Kind = notice.AppealHierarchique
	case certificationv1.AppealKind_APPEAL_KIND_CONTENTIEUX:
		a.Kind = notice.AppealContentieux
	}
	switch ev.GetOutcome() {
	case certificationv1.AppealOutcome_APPEAL_OUTCOME_UPHELD:
		a.Outcome = notice.AppealUpheld
	case certificationv1.AppealOutcome_APPEAL_OUTCOME_REFORMED:
		a.Outcome = notice.AppealReformed
	case certificationv1.AppealOutcome_APPEAL_OUTCOME_DISMISSED:
		a.Outcome = notice.AppealDismissed
	}
	return a
}

// SessionFromPlanned is the session SessionPlanned describes.
func SessionFromPlanned(ev *assessmentv1.SessionPlanned) notice.Session {
	return notice.Session{
		ID: ev.GetSessionId(), CentreID: ev.GetCentreId(), Type: SessionType(ev.GetType()),
		TitleID: ev.GetTitleId(), TitleVersion: ev.GetTitleVersion(), CCPCodes: ev.GetCcpCodes(),
		StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(), DossierDeadline: ev.GetDossierDeadline(), Site: ev.GetSite(),
	}
}

// SessionType is the notice session type of a proto one.
func SessionType(t assessmentv1.SessionType) notice.SessionType {
	if t == assessmentv1.SessionType_SESSION_TYPE_CCP {
		return notice.SessionCCP
	}
	return notice.SessionTitre
}

// MinutesFromSigned is the minutes MinutesSigned carries.
func MinutesFromSigned(ev *assessmentv1.MinutesSigned) notice.Minutes {
	m := notice.Minutes{SessionID: ev.GetSessionId(), ContentHash: ev.GetContentHash(), JuryDate: ev.GetJuryDate()}
	for _, l := range ev.GetLines() {
		line := notice.Line{CandidacyID: l.GetCandidacyId(), CandidateID: l.GetCandidateId(),
			TitleOutcome: titleOutcome(l.GetTitleOutcome())}
		for _, d := range l.GetCcpDecisions() {
			o := notice.NotObtained
			if d.GetOutcome() == assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED {
				o = notice.Obtained
			}
			line.Decisions = append(line.Decisions, notice.Decision{CCPCode: d.GetCcpCode(), Outcome: o, Motivation: d.GetMotivation()})
		}
		m.Lines = append(m.Lines, line)
	}
	return m
}

func titleOutcome(o assessmentv1.TitleOutcome) notice.TitleOutcome {
	switch o {
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED:
		return notice.TitleAwarded
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL:
		return notice.TitlePartial
	case assessmentv1.TitleOutcome_TITLE_OUTCOME_ABSENT:
		return notice.TitleAbsent
	default:
		return notice.TitleFailed
	}
}

func timeOr(ts *timestamppb.Timestamp, def time.Time) time.Time {
	if ts == nil || !ts.IsValid() {
		return def
	}
	return ts.AsTime()
}
