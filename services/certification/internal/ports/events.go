package ports

import (
	"context"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// Coordinates of the holder projection's consumer.
const (
	// HoldersDurable is the durable consumer name (and inbox key).
	HoldersDurable = "certification_holders"
	// SubjectCandidateRegistered and SubjectCandidateUpdated are the
	// candidate events the projection follows.
	SubjectCandidateRegistered = "titrepro.candidate.v1.candidate_registered"
	SubjectCandidateUpdated    = "titrepro.candidate.v1.candidate_updated"
)

// ErrUnexpectedEvent reports an event a consumer cannot read: another type
// than the ones it follows, or a payload that does not decode. Retrying
// cannot help, so eventbus terminates the message instead of blocking.
var ErrUnexpectedEvent = apperr.New(apperr.KindInvalidArgument, "UNEXPECTED_EVENT", "the event cannot be read by this consumer")

// HolderConsumer feeds the candidate events to the RecordHolder command.
type HolderConsumer struct {
	record command.RecordHolderHandler
	// repoFor binds a holder repository to the transaction in which
	// eventbus records the event in its inbox, so that the projection and
	// the inbox row commit together.
	repoFor func(tx *sqldb.Tx) holder.Repository
	log     *slog.Logger
	now     func() time.Time
}

// NewHolderConsumer returns the consumer.
func NewHolderConsumer(record command.RecordHolderHandler, repoFor func(tx *sqldb.Tx) holder.Repository, log *slog.Logger, now func() time.Time) *HolderConsumer {
	return &HolderConsumer{record: record, repoFor: repoFor, log: log, now: now}
}

// Subscribe starts the durable consumer on the candidate stream, which it
// first creates if the candidate service has not yet (same configuration
// everywhere, so this is idempotent).
func (c *HolderConsumer) Subscribe(ctx context.Context, js jetstream.JetStream, db *sqldb.DB) (*eventbus.Subscription, error) {
	stream := eventbus.ContextStream("candidate")
	if err := eventbus.EnsureStream(ctx, js, stream); err != nil {
		return nil, err
	}
	return eventbus.Subscribe(ctx, js, db, c.log, eventbus.ConsumerConfig{
		Stream:         stream.Name,
		Durable:        HoldersDurable,
		FilterSubjects: []string{SubjectCandidateRegistered, SubjectCandidateUpdated},
	}, c.Handle)
}

// Handle is the eventbus.Handler: it decodes the event and records the
// identity it carries.
func (c *HolderConsumer) Handle(ctx context.Context, tx *sqldb.Tx, msg eventbus.Message) error {
	h, err := c.decode(msg)
	if err != nil {
		return err
	}
	outcome, err := c.record.Handle(ctx, c.repoFor(tx), command.RecordHolder{Holder: h})
	if err != nil {
		return err
	}
	if outcome != holder.Apply {
		c.log.InfoContext(ctx, "holder event ignored", "outcome", outcome.String(),
			"event_id", msg.ID, "candidate_id", h.CandidateID, "version", h.SourceVersion)
	}
	return nil
}

// decode reads a CandidateRegistered or CandidateUpdated, chosen by the
// CloudEvents type (the full proto name).
func (c *HolderConsumer) decode(msg eventbus.Message) (holder.Holder, error) {
	var (
		cand    *candidatev1.Candidate
		version int64
		occur   *timestamppb.Timestamp
	)
	switch msg.Type {
	case string((&candidatev1.CandidateRegistered{}).ProtoReflect().Descriptor().FullName()):
		var ev candidatev1.CandidateRegistered
		if err := proto.Unmarshal(msg.Data, &ev); err != nil {
			return holder.Holder{}, ErrUnexpectedEvent.WithMeta("type", msg.Type).WithCause(err)
		}
		cand, version, occur = ev.GetCandidate(), ev.GetVersion(), ev.GetOccurTime()
	case string((&candidatev1.CandidateUpdated{}).ProtoReflect().Descriptor().FullName()):
		var ev candidatev1.CandidateUpdated
		if err := proto.Unmarshal(msg.Data, &ev); err != nil {
			return holder.Holder{}, ErrUnexpectedEvent.WithMeta("type", msg.Type).WithCause(err)
		}
		cand, version, occur = ev.GetCandidate(), ev.GetVersion(), ev.GetOccurTime()
	default:
		return holder.Holder{}, ErrUnexpectedEvent.WithMeta("type", msg.Type)
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
		SourceVersion:    version,
		UpdatedAt:        c.changeTime(occur, msg.Time),
	}, nil
}

// changeTime is when the candidate service committed the change: the
// event's occur_time, else its ce-time, else (a producer that sends
// neither) the time the change reached this service.
func (c *HolderConsumer) changeTime(occur *timestamppb.Timestamp, ceTime time.Time) time.Time {
	switch {
	case occur != nil && occur.IsValid():
		return occur.AsTime()
	case !ceTime.IsZero():
		return ceTime
	default:
		return c.now()
	}
}
