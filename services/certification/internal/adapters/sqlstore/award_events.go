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

// Subjects of the ministry stream (docs/events.md, "Ministry stream").
const (
	SubjectResultsValidated = "titrepro.certification.v1.results_validated"
	SubjectCcpAwarded       = "titrepro.certification.v1.ccp_awarded"
	SubjectTitleAwarded     = "titrepro.certification.v1.title_awarded"
	SubjectLivretIssued     = "titrepro.certification.v1.livret_issued"
)

// writeAwardEvents records the events of a validation in the outbox, in
// order: the relay publishes them in that order. Each event id is chosen
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
			subject  string
			resource string
			at       time.Time
		)
		switch e := e.(type) {
		case award.ResultsValidated:
			msg, subject, resource, at = protoconv.ResultsValidated(e, id), SubjectResultsValidated, "results/"+e.SessionID, e.At
		case award.CcpAwarded:
			msg, subject, resource, at = protoconv.CcpAwarded(e, id), SubjectCcpAwarded, "records/"+e.Ccp.CandidateID, e.At
		case award.TitleAwarded:
			msg, subject, resource, at = protoconv.TitleAwarded(e, id), SubjectTitleAwarded,
				"certificates/"+string(e.Certificate.Number), e.Certificate.IssuedAt
		case award.LivretIssued:
			msg, subject, resource, at = protoconv.LivretIssued(e, id), SubjectLivretIssued,
				"certificates/"+string(e.Certificate.Number), e.Certificate.IssuedAt
		default:
			return fmt.Errorf("sqlstore: unknown award event %T", e)
		}
		ev, err := outbox.NewEventWithID(id, subject, msg, EventSource, resource, at)
		if err != nil {
			return err
		}
		out = append(out, ev)
	}
	return ob.Write(ctx, tx, out...)
}
