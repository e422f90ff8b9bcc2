package ports

import (
	"context"
	"log/slog"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
	"github.com/titrepro/titrepro/services/portfolio/internal/protoconv"
)

// Durable names of the consumers: persisted inbox keys, granted by name on
// the bus (natsauth). Never rename one.
const (
	CandidatesDurable = "portfolio_candidates"
	TitlesDurable     = "portfolio_titles"
	SessionsDurable   = "portfolio_sessions"
	// CandidaciesDurable is its own consumer (not an event added to
	// SessionsDurable): a new durable reads the stream from its first
	// event, so that a service upgraded with it learns the candidacies
	// registered before.
	CandidaciesDurable = "portfolio_candidacies"
	// SchedulesDurable follows the changes of a session's dates and state
	// (R40); its own consumer, so that it reads the stream from its first
	// event and learns the deadlines of the sessions planned before it.
	SchedulesDurable = "portfolio_session_schedules"
)

// Repos are the projections a consumer writes, bound to the transaction in
// which eventbus records the event in its inbox, so that the change and the
// inbox row commit together.
type Repos struct {
	Candidates  refdata.Candidates
	Titles      refdata.Titles
	Sessions    refdata.Sessions
	Candidacies refdata.Candidacies
	Schedules   refdata.Schedules
}

// Consumers feed other contexts' events to the projections.
type Consumers struct {
	commands app.Commands
	repos    func(tx *sqldb.Tx) Repos
	log      *slog.Logger
}

// NewConsumers returns the consumers; repos binds the repositories to a
// transaction.
func NewConsumers(commands app.Commands, repos func(tx *sqldb.Tx) Repos, log *slog.Logger) *Consumers {
	return &Consumers{commands: commands, repos: repos, log: log}
}

// All returns the consumers, for eventbus.SubscribeAll: each durable with
// the events it follows and its handler.
func (c *Consumers) All() []eventbus.Consumer {
	return []eventbus.Consumer{
		{Durable: CandidatesDurable, Events: []proto.Message{&candidatev1.CandidateRegistered{}, &candidatev1.CandidateUpdated{}}, Handle: c.HandleCandidate},
		{Durable: TitlesDurable, Events: []proto.Message{&certificationv1.TitleVersionPublished{}}, Handle: c.HandleTitle},
		{Durable: SessionsDurable, Events: []proto.Message{
			&assessmentv1.SessionPlanned{}, &assessmentv1.JurorAssigned{}, &assessmentv1.JurorUnassigned{},
		}, Handle: c.HandleSession},
		{Durable: CandidaciesDurable, Events: []proto.Message{
			&assessmentv1.CandidacyRegistered{}, &assessmentv1.CandidacyRecusalsChanged{},
		}, Handle: c.HandleCandidacy},
		{Durable: SchedulesDurable, Events: []proto.Message{
			&assessmentv1.SessionPlanned{}, &assessmentv1.SessionUpdated{}, &assessmentv1.SessionPostponed{}, &assessmentv1.SessionCancelled{},
		}, Handle: c.HandleSchedule},
	}
}

// HandleSchedule applies SessionPlanned, SessionUpdated, SessionPostponed
// and SessionCancelled to the schedule projection, by the session's
// version (a planned session is version 1).
func (c *Consumers) HandleSchedule(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var s refdata.Schedule
	switch {
	case eventbus.Is(msg, &assessmentv1.SessionPlanned{}):
		var ev assessmentv1.SessionPlanned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		s = refdata.Schedule{SessionID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
			DossierDeadline: ev.GetDossierDeadline(), Version: 1}
	case eventbus.Is(msg, &assessmentv1.SessionUpdated{}):
		var ev assessmentv1.SessionUpdated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		s = refdata.Schedule{SessionID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
			DossierDeadline: ev.GetDossierDeadline(), Version: ev.GetVersion()}
	case eventbus.Is(msg, &assessmentv1.SessionPostponed{}):
		var ev assessmentv1.SessionPostponed
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		s = refdata.Schedule{SessionID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
			DossierDeadline: ev.GetDossierDeadline(), Version: ev.GetVersion()}
	case eventbus.Is(msg, &assessmentv1.SessionCancelled{}):
		var ev assessmentv1.SessionCancelled
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		s = refdata.Schedule{SessionID: ev.GetSessionId(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
			Cancelled: true, Version: ev.GetVersion()}
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	applied, err := c.commands.RecordSchedule.Handle(ctx, c.repos(tx).Schedules, s)
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleCandidate applies CandidateRegistered and CandidateUpdated to the
// candidate projection, in the transaction of the inbox.
func (c *Consumers) HandleCandidate(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var (
		cand    *candidatev1.Candidate
		version int64
	)
	switch {
	case eventbus.Is(msg, &candidatev1.CandidateRegistered{}):
		var ev candidatev1.CandidateRegistered
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		cand, version = ev.GetCandidate(), ev.GetVersion()
	case eventbus.Is(msg, &candidatev1.CandidateUpdated{}):
		var ev candidatev1.CandidateUpdated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		cand, version = ev.GetCandidate(), ev.GetVersion()
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	applied, err := c.commands.RecordCandidate.Handle(ctx, c.repos(tx).Candidates, refdata.Candidate{
		ID:         cand.GetId(),
		Subject:    cand.GetSubject(),
		BirthName:  cand.GetBirthName(),
		UsageName:  cand.GetUsageName(),
		GivenNames: cand.GetGivenNames(),
		Address:    protoconv.AddressFromProto(cand.GetPostalAddress()),
		Route:      protoconv.AccessRouteFromProto(cand.GetAccessRoute()),
		Version:    version,
	})
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleTitle applies TitleVersionPublished to the title projection.
func (c *Consumers) HandleTitle(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var ev certificationv1.TitleVersionPublished
	if err := eventbus.Decode(msg, &ev); err != nil {
		return err
	}
	t := ev.GetTitle()
	title := refdata.Title{
		ID: t.GetId(), Version: t.GetVersion(), Label: t.GetLabel(),
		PublishedAt: protoconv.TimeOr(t.GetPublishTime(), protoconv.TimeOr(ev.GetOccurTime(), msg.Time)),
	}
	for _, ccp := range t.GetCcps() {
		title.ActivityTypes = append(title.ActivityTypes, refdata.ActivityType{
			CCPCode: ccp.GetCode(), Order: int(ccp.GetOrder()), Label: ccp.GetLabel(),
		})
	}
	applied, err := c.commands.RecordTitle.Handle(ctx, c.repos(tx).Titles, title)
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleSession applies SessionPlanned, JurorAssigned and JurorUnassigned
// to the session projection.
func (c *Consumers) HandleSession(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	repo := c.repos(tx).Sessions
	var (
		applied bool
		err     error
	)
	switch {
	case eventbus.Is(msg, &assessmentv1.SessionPlanned{}):
		var ev assessmentv1.SessionPlanned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		typ := refdata.SessionTitre
		if ev.GetType() == assessmentv1.SessionType_SESSION_TYPE_CCP {
			typ = refdata.SessionCCP
		}
		applied, err = c.commands.RecordSession.Handle(ctx, repo, refdata.Session{
			ID: ev.GetSessionId(), CentreID: ev.GetCentreId(), Type: typ, TitleID: ev.GetTitleId(),
			TitleVersion: ev.GetTitleVersion(), CCPCodes: ev.GetCcpCodes(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
		})
	case eventbus.Is(msg, &assessmentv1.JurorAssigned{}):
		var ev assessmentv1.JurorAssigned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.commands.RecordJuror.Handle(ctx, repo, refdata.JurorChange{
			SessionID: ev.GetSessionId(), Subject: ev.GetJurorSubject(), Assigned: true, At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	case eventbus.Is(msg, &assessmentv1.JurorUnassigned{}):
		var ev assessmentv1.JurorUnassigned
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.commands.RecordJuror.Handle(ctx, repo, refdata.JurorChange{
			SessionID: ev.GetSessionId(), Subject: ev.GetJurorSubject(), Assigned: false, At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleCandidacy applies CandidacyRegistered and CandidacyRecusalsChanged
// to the candidacy projection.
func (c *Consumers) HandleCandidacy(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	repo := c.repos(tx).Candidacies
	var (
		applied bool
		err     error
	)
	switch {
	case eventbus.Is(msg, &assessmentv1.CandidacyRegistered{}):
		var ev assessmentv1.CandidacyRegistered
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.commands.RecordCandidacy.Handle(ctx, repo, refdata.Candidacy{
			ID: ev.GetCandidacyId(), SessionID: ev.GetSessionId(), CandidateID: ev.GetCandidateId(), CCPCodes: ev.GetCcpCodes(),
		})
	case eventbus.Is(msg, &assessmentv1.CandidacyRecusalsChanged{}):
		var ev assessmentv1.CandidacyRecusalsChanged
		if err := eventbus.Decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.commands.RecordRecusals.Handle(ctx, repo, refdata.Recusals{
			CandidacyID: ev.GetCandidacyId(), SessionID: ev.GetSessionId(), CandidateID: ev.GetCandidateId(),
			Jurors: ev.GetJurorSubjects(), At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	default:
		return eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	c.logIgnored(ctx, msg, applied, err)
	return err
}

func (c *Consumers) logIgnored(ctx context.Context, msg eventbus.Message, applied bool, err error) {
	if err == nil && !applied {
		c.log.InfoContext(ctx, "event already reflected, ignored", "event_id", msg.ID, "type", msg.Type, "resource", msg.Resource)
	}
}
