package sqlstore

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// writeAwardEvents records the events of a validation in the outbox (the
// ministry stream, docs/events.md), in order: the relay publishes them in that order. Each event id is chosen
// first so that the payload's event_id equals the ce-id.
func writeAwardEvents(ctx context.Context, tx *sqldb.Tx, ob *outbox.Outbox, events ...award.Event) error {
	out := make([]outbox.Event, 0, len(events))
	for _, e := range events {
		id, err := outbox.NewID()
		if err != nil {
			return err
		}
		var (
			msg      proto.Message
			resource string
			at       time.Time
		)
		switch e := e.(type) {
		case award.ResultsValidated:
			msg, resource, at = protoconv.ResultsValidated(e, id), "results/"+e.SessionID, e.At
		case award.CcpAwarded:
			msg, resource, at = protoconv.CcpAwarded(e, id), "records/"+e.Ccp.CandidateID, e.At
		case award.TitleAwarded:
			msg, resource, at = protoconv.TitleAwarded(e, id), "certificates/"+string(e.Certificate.Number), e.Certificate.IssuedAt
		case award.LivretIssued:
			msg, resource, at = protoconv.LivretIssued(e, id), "certificates/"+string(e.Certificate.Number), e.Certificate.IssuedAt
		case award.MinutesReturned:
			msg, resource, at = protoconv.MinutesReturned(e, id), "results/"+e.SessionID, e.Return.At
		case award.AwardsCorrected:
			msg, resource, at = protoconv.AwardsCorrected(e, id), "records/"+e.CandidateID, e.At
		default:
			return fmt.Errorf("sqlstore: unknown award event %T", e)
		}
		ev, err := outbox.NewEventWithID(id, msg, EventSource, resource, at)
		if err != nil {
			return err
		}
		out = append(out, ev)
	}
	return ob.Write(ctx, tx, out...)
}
