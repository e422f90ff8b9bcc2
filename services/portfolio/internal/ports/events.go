package ports

import (
	"context"
	"log/slog"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
	"github.com/titrepro/titrepro/services/portfolio/internal/protoconv"
)

// Coordinates of the consumers: durable names (also the inbox keys) and
// the subjects they follow.
const (
	CandidatesDurable = "portfolio_candidates"
	TitlesDurable     = "portfolio_titles"
	SessionsDurable   = "portfolio_sessions"
	// CandidaciesDurable is its own consumer (not a subject added to
	// SessionsDurable): a new durable reads the stream from its first
	// event, so that a service upgraded with it learns the candidacies
	// registered before.
	CandidaciesDurable = "portfolio_candidacies"

	SubjectCandidateRegistered   = "titrepro.candidate.v1.candidate_registered"
	SubjectCandidateUpdated      = "titrepro.candidate.v1.candidate_updated"
	SubjectTitleVersionPublished = "titrepro.certification.v1.title_version_published"
	SubjectSessionPlanned        = "titrepro.assessment.v1.session_planned"
	SubjectJurorAssigned         = "titrepro.assessment.v1.juror_assigned"
	SubjectJurorUnassigned       = "titrepro.assessment.v1.juror_unassigned"
	SubjectCandidacyRegistered   = "titrepro.assessment.v1.candidacy_registered"
	SubjectRecusalsChanged       = "titrepro.assessment.v1.candidacy_recusals_changed"
)

// ErrUnexpectedEvent reports an event a consumer cannot read: another type
// than those it follows, or a payload that does not decode. Retrying cannot
// help, so eventbus terminates the message instead of blocking.
var ErrUnexpectedEvent = apperr.New(apperr.KindInvalidArgument, "UNEXPECTED_EVENT", "the event cannot be read by this consumer")

// Consumers feed other contexts' events to the projections.
type Consumers struct {
	app app.Application
	log *slog.Logger
}

// NewConsumers returns the consumers of application a.
func NewConsumers(a app.Application, log *slog.Logger) *Consumers {
	return &Consumers{app: a, log: log}
}

// Subscribe starts the durable consumers, first creating the streams
// they read if their owners have not yet (the same configuration
// everywhere, so this is idempotent). On error the consumers already
// started are stopped.
func (c *Consumers) Subscribe(ctx context.Context, js jetstream.JetStream, db *sqldb.DB) ([]*eventbus.Subscription, error) {
	specs := []struct {
		context string
		durable string
		subject []string
		handle  eventbus.Handler
	}{
		{"candidate", CandidatesDurable, []string{SubjectCandidateRegistered, SubjectCandidateUpdated}, c.HandleCandidate},
		{"certification", TitlesDurable, []string{SubjectTitleVersionPublished}, c.HandleTitle},
		{"assessment", SessionsDurable, []string{SubjectSessionPlanned, SubjectJurorAssigned, SubjectJurorUnassigned}, c.HandleSession},
		{"assessment", CandidaciesDurable, []string{SubjectCandidacyRegistered, SubjectRecusalsChanged}, c.HandleCandidacy},
	}
	var subs []*eventbus.Subscription
	stopAll := func() {
		for _, s := range subs {
			s.Stop()
		}
	}
	ensured := map[string]bool{} // each stream once: two consumers read assessment's
	for _, spec := range specs {
		stream := eventbus.ContextStream(spec.context)
		if !ensured[stream.Name] {
			if err := eventbus.EnsureStream(ctx, js, stream); err != nil {
				stopAll()
				return nil, err
			}
			ensured[stream.Name] = true
		}
		sub, err := eventbus.Subscribe(ctx, js, db, c.log, eventbus.ConsumerConfig{
			Stream: stream.Name, Durable: spec.durable, FilterSubjects: spec.subject,
		}, spec.handle)
		if err != nil {
			stopAll()
			return nil, err
		}
		subs = append(subs, sub)
	}
	return subs, nil
}

func typeName(m proto.Message) string { return string(m.ProtoReflect().Descriptor().FullName()) }

// decode unmarshals msg into m when it is of m's type.
func decode(msg eventbus.Message, m proto.Message) error {
	if msg.Type != typeName(m) {
		return ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	if err := proto.Unmarshal(msg.Data, m); err != nil {
		return ErrUnexpectedEvent.WithMeta("type", msg.Type).WithCause(err)
	}
	return nil
}

// HandleCandidate applies CandidateRegistered and CandidateUpdated to the
// candidate projection, in the transaction of the inbox.
func (c *Consumers) HandleCandidate(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	var (
		cand    *candidatev1.Candidate
		version int64
	)
	switch msg.Type {
	case typeName(&candidatev1.CandidateRegistered{}):
		var ev candidatev1.CandidateRegistered
		if err := decode(msg, &ev); err != nil {
			return err
		}
		cand, version = ev.GetCandidate(), ev.GetVersion()
	case typeName(&candidatev1.CandidateUpdated{}):
		var ev candidatev1.CandidateUpdated
		if err := decode(msg, &ev); err != nil {
			return err
		}
		cand, version = ev.GetCandidate(), ev.GetVersion()
	default:
		return ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	applied, err := c.app.Commands.RecordCandidate.Handle(ctx, sqlstore.NewCandidatesTx(tx), refdata.Candidate{
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
	if err := decode(msg, &ev); err != nil {
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
	applied, err := c.app.Commands.RecordTitle.Handle(ctx, sqlstore.NewTitlesTx(tx), title)
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleSession applies SessionPlanned, JurorAssigned and JurorUnassigned
// to the session projection.
func (c *Consumers) HandleSession(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	repo := sqlstore.NewSessionsTx(tx)
	var (
		applied bool
		err     error
	)
	switch msg.Type {
	case typeName(&assessmentv1.SessionPlanned{}):
		var ev assessmentv1.SessionPlanned
		if err := decode(msg, &ev); err != nil {
			return err
		}
		typ := refdata.SessionTitre
		if ev.GetType() == assessmentv1.SessionType_SESSION_TYPE_CCP {
			typ = refdata.SessionCCP
		}
		applied, err = c.app.Commands.RecordSession.Handle(ctx, repo, refdata.Session{
			ID: ev.GetSessionId(), CentreID: ev.GetCentreId(), Type: typ, TitleID: ev.GetTitleId(),
			TitleVersion: ev.GetTitleVersion(), CCPCodes: ev.GetCcpCodes(), StartDate: ev.GetStartDate(), EndDate: ev.GetEndDate(),
		})
	case typeName(&assessmentv1.JurorAssigned{}):
		var ev assessmentv1.JurorAssigned
		if err := decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.app.Commands.RecordJuror.Handle(ctx, repo, refdata.JurorChange{
			SessionID: ev.GetSessionId(), Subject: ev.GetJurorSubject(), Assigned: true, At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	case typeName(&assessmentv1.JurorUnassigned{}):
		var ev assessmentv1.JurorUnassigned
		if err := decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.app.Commands.RecordJuror.Handle(ctx, repo, refdata.JurorChange{
			SessionID: ev.GetSessionId(), Subject: ev.GetJurorSubject(), Assigned: false, At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	default:
		return ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	c.logIgnored(ctx, msg, applied, err)
	return err
}

// HandleCandidacy applies CandidacyRegistered and CandidacyRecusalsChanged
// to the candidacy projection.
func (c *Consumers) HandleCandidacy(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	repo := sqlstore.NewCandidaciesTx(tx)
	var (
		applied bool
		err     error
	)
	switch msg.Type {
	case typeName(&assessmentv1.CandidacyRegistered{}):
		var ev assessmentv1.CandidacyRegistered
		if err := decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.app.Commands.RecordCandidacy.Handle(ctx, repo, refdata.Candidacy{
			ID: ev.GetCandidacyId(), SessionID: ev.GetSessionId(), CandidateID: ev.GetCandidateId(), CCPCodes: ev.GetCcpCodes(),
		})
	case typeName(&assessmentv1.CandidacyRecusalsChanged{}):
		var ev assessmentv1.CandidacyRecusalsChanged
		if err := decode(msg, &ev); err != nil {
			return err
		}
		applied, err = c.app.Commands.RecordRecusals.Handle(ctx, repo, refdata.Recusals{
			CandidacyID: ev.GetCandidacyId(), SessionID: ev.GetSessionId(), CandidateID: ev.GetCandidateId(),
			Jurors: ev.GetJurorSubjects(), At: protoconv.TimeOr(ev.GetOccurTime(), msg.Time),
		})
	default:
		return ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	c.logIgnored(ctx, msg, applied, err)
	return err
}

func (c *Consumers) logIgnored(ctx context.Context, msg eventbus.Message, applied bool, err error) {
	if err == nil && !applied {
		c.log.InfoContext(ctx, "event already reflected, ignored", "event_id", msg.ID, "type", msg.Type, "resource", msg.Resource)
	}
}
