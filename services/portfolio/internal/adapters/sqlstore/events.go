package sqlstore

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

// EventSource is the CloudEvents ce-source of every portfolio event.
const EventSource = "titrepro/portfolio"

// submittedEvent is the outbox row of a submission. The event id is chosen
// here because the message carries it too (event_id) and both must match.
func submittedEvent(s *dossier.Snapshot) (outbox.Event, error) {
	id, err := outbox.NewID()
	if err != nil {
		return outbox.Event{}, err
	}
	msg := &portfoliov1.DossierSubmitted{
		EventId:            id,
		OccurTime:          timestamppb.New(s.SubmittedAt),
		SnapshotId:         s.ID,
		DossierId:          s.DossierID,
		CandidateId:        s.CandidateID,
		SessionId:          s.SessionID,
		CandidacyId:        s.CandidacyID,
		TitleId:            s.TitleID,
		TitleVersion:       s.TitleVersion,
		ManifestHash:       s.ManifestHash,
		SwornStatementDate: s.Content.Sworn.Date,
	}
	return outbox.NewEventWithID(id, msg, EventSource,
		"dossiers/"+s.DossierID+"/snapshots/"+s.ID, s.SubmittedAt)
}
