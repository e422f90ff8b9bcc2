package ports

import (
	"context"
	"log/slog"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/app"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// Durable names of the consumers: persisted inbox keys, granted by name on
// the bus (natsauth). Never rename one.
const (
	// HoldersDurable follows the candidates into the holder projection.
	HoldersDurable = "certification_holders"
	// ResultsDurable turns signed minutes into results awaiting validation.
	ResultsDurable = "certification_results"
)

// Repos are the repositories a consumer writes through, bound to the
// transaction in which eventbus records the event in its inbox, so that the
// change and the inbox row commit together.
type Repos struct {
	Holders holder.Repository
	Results result.Repository
}

// Consumers feed the events of other contexts to the application.
type Consumers struct {
	commands app.Commands
	repos    func(tx *sqldb.Tx) Repos
	log      *slog.Logger
	now      func() time.Time
}

// NewConsumers returns the consumers; repos binds the repositories to a
// transaction.
func NewConsumers(commands app.Commands, repos func(tx *sqldb.Tx) Repos, log *slog.Logger, now func() time.Time) *Consumers {
	return &Consumers{commands: commands, repos: repos, log: log, now: now}
}

// All returns the consumers, for eventbus.SubscribeAll: each durable with
// the events it follows and its handler.
func (c *Consumers) All() []eventbus.Consumer {
	return []eventbus.Consumer{
		{Durable: HoldersDurable, Events: []proto.Message{&candidatev1.CandidateRegistered{}, &candidatev1.CandidateUpdated{}}, Handle: c.HandleHolder},
		{Durable: ResultsDurable, Events: []proto.Message{&assessmentv1.MinutesSigned{}}, Handle: c.HandleResults},
	}
}

// HandleHolder is the eventbus.Handler of CandidateRegistered and
// CandidateUpdated: it records the identity the event carries.
func (c *Consumers) HandleHolder(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	h, err := c.decodeHolder(msg)
	if err != nil {
		return err
	}
	outcome, err := c.commands.RecordHolder.Handle(ctx, c.repos(tx).Holders, command.RecordHolder{Holder: h})
	if err != nil {
		return err
	}
	if outcome != holder.Apply {
		c.log.InfoContext(ctx, "holder event ignored", "outcome", outcome.String(),
			"event_id", msg.ID, "candidate_id", h.CandidateID, "version", h.SourceVersion)
	}
	return nil
}

// decodeHolder reads a CandidateRegistered or CandidateUpdated, chosen by
// the CloudEvents type (the full proto name).
func (c *Consumers) decodeHolder(msg eventbus.Message) (holder.Holder, error) {
	var (
		cand    *candidatev1.Candidate
		version int64
		occur   *timestamppb.Timestamp
	)
	switch {
	case eventbus.Is(msg, &candidatev1.CandidateRegistered{}):
		var ev candidatev1.CandidateRegistered
		if err := eventbus.Decode(msg, &ev); err != nil {
			return holder.Holder{}, err
		}
		cand, version, occur = ev.GetCandidate(), ev.GetVersion(), ev.GetOccurTime()
	case eventbus.Is(msg, &candidatev1.CandidateUpdated{}):
		var ev candidatev1.CandidateUpdated
		if err := eventbus.Decode(msg, &ev); err != nil {
			return holder.Holder{}, err
		}
		cand, version, occur = ev.GetCandidate(), ev.GetVersion(), ev.GetOccurTime()
	default:
		return holder.Holder{}, eventbus.ErrUnexpectedEvent.WithMeta("type", msg.Type)
	}
	return holder.Holder{
		CandidateID:      cand.GetId(),
		Subject:          cand.GetSubject(),
		BirthName:        cand.GetBirthName(),
		UsageName:        cand.GetUsageName(),
		GivenNames:       cand.GetGivenNames(),
		BirthDate:        cand.GetBirthDate(),
		BirthCommune:     cand.GetBirthPlace().GetCommune(),
		BirthCountryCode: cand.GetBirthPlace().GetCountryCode(),
		Sex:              cand.GetSex(),
		BirthInseeCode:   cand.GetBirthPlace().GetInseeCode(),
		SourceVersion:    version,
		UpdatedAt:        c.changeTime(occur, msg.Time),
	}, nil
}

// changeTime is when the candidate service committed the change: the
// event's occur_time, else its ce-time, else (a producer that sends
// neither) the time the change reached this service.
func (c *Consumers) changeTime(occur *timestamppb.Timestamp, ceTime time.Time) time.Time {
	switch {
	case occur != nil && occur.IsValid():
		return occur.AsTime()
	case !ceTime.IsZero():
		return ceTime
	default:
		return c.now()
	}
}
