package protoconv

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// Event is a domain event as published: its message (whose name gives its
// subject and type, eventbus.SubjectOf), the resource it is about
// (ce-subject) and when it happened.
type Event struct {
	Message  proto.Message
	Resource string
	Time     time.Time
}

// EventToProto returns the message of ev, carrying eventID.
func EventToProto(ev session.Event, eventID string) (Event, error) {
	switch e := ev.(type) {
	case session.Planned:
		s := e.Session
		return Event{&assessmentv1.SessionPlanned{
			EventId: eventID, OccurTime: ts(e.At), SessionId: s.ID, CentreId: s.CentreID, Type: SessionTypeToProto(s.Type),
			TitleId: s.TitleID, TitleVersion: s.TitleVersion, CcpCodes: s.CCPs,
			StartDate: s.Start.String(), EndDate: s.End.String(), DossierDeadline: s.Deadline.String(), Site: s.Site,
		}, "sessions/" + s.ID, e.At}, nil
	case session.JurorAssigned:
		return Event{&assessmentv1.JurorAssigned{
			EventId: eventID, OccurTime: ts(e.At), SessionId: e.SessionID, JurorSubject: e.Juror.Subject,
			JurorName: e.Juror.DisplayName, HabilitationNumber: e.Juror.Habilitation.Number, AfterOpening: e.AfterOpening,
		}, "sessions/" + e.SessionID + "/jurors/" + e.Juror.Subject, e.At}, nil
	case session.JurorUnassigned:
		return Event{&assessmentv1.JurorUnassigned{
			EventId: eventID, OccurTime: ts(e.At), SessionId: e.SessionID, JurorSubject: e.Subject,
			Reason: e.Reason, AfterOpening: e.AfterOpening,
		}, "sessions/" + e.SessionID + "/jurors/" + e.Subject, e.At}, nil
	case session.CandidacyRegistered:
		c := e.Candidacy
		return Event{&assessmentv1.CandidacyRegistered{
			EventId: eventID, OccurTime: ts(e.At), SessionId: c.SessionID, CandidacyId: c.ID,
			CandidateId: c.CandidateID, CcpCodes: c.Scope,
		}, "sessions/" + c.SessionID + "/candidacies/" + c.ID, e.At}, nil
	case session.JurorLinksDeclared:
		return Event{&assessmentv1.JurorLinksDeclared{
			EventId: eventID, OccurTime: ts(e.At), SessionId: e.SessionID, JurorSubject: e.Subject,
			Links: LinksToProto(e.Links), RecusedCandidacyIds: e.Recused,
		}, "sessions/" + e.SessionID + "/jurors/" + e.Subject, e.At}, nil
	case session.CandidacyRecusalsChanged:
		return Event{&assessmentv1.CandidacyRecusalsChanged{
			EventId: eventID, OccurTime: ts(e.At), SessionId: e.SessionID, CandidacyId: e.CandidacyID,
			CandidateId: e.CandidateID, JurorSubjects: e.Jurors,
		}, "sessions/" + e.SessionID + "/candidacies/" + e.CandidacyID, e.At}, nil
	case session.MinutesSigned:
		m := e.Minutes
		c := m.Content
		return Event{&assessmentv1.MinutesSigned{
			EventId: eventID, OccurTime: ts(e.At), SessionId: c.SessionID, CentreId: c.CentreID,
			Type: SessionTypeToProto(c.Type), TitleId: c.TitleID, TitleVersion: c.TitleVersion, JuryDate: c.JuryDate,
			ContentHash: m.Hash, Lines: linesToProto(c.Lines), Signatures: signaturesToProto(m.Signatures),
			ContentEncoding: string(m.Encoding),
			MinutesVersion:  int32(max(c.Version, 1)), PreviousContentHash: c.PreviousHash,
			FraudReports: FraudMentionsToProto(c.FraudReports),
		}, "sessions/" + c.SessionID + "/minutes", e.At}, nil
	case session.FraudReported:
		r := e.Report
		return Event{&assessmentv1.FraudReported{
			EventId: eventID, OccurTime: ts(e.At), SessionId: r.SessionID, ReportId: r.ID, CandidacyId: r.CandidacyID,
			CandidateId: r.CandidateID, ReporterRole: string(r.Reporter.Role), ObserveTime: ts(r.ObservedAt),
			Measure: string(r.Measure), MinutesVersion: int32(max(r.MinutesVersion, 1)),
		}, "sessions/" + r.SessionID + "/fraudReports/" + r.ID, e.At}, nil
	case session.Updated, session.Postponed, session.Cancelled:
		return changeToProto(ev, eventID)
	default:
		if m, ok := candidacyEventToProto(ev, eventID); ok {
			return m, nil
		}
		return Event{}, fmt.Errorf("protoconv: unknown session event %T", ev)
	}
}

// changeToProto returns the message of a change of the session itself
// (sessions that change, issue 8 §3).
func changeToProto(ev session.Event, eventID string) (Event, error) {
	switch e := ev.(type) {
	case session.Updated:
		s := e.Session
		return Event{&assessmentv1.SessionUpdated{
			EventId: eventID, OccurTime: ts(e.At), SessionId: s.ID, CentreId: s.CentreID, Type: SessionTypeToProto(s.Type),
			TitleId: s.TitleID, TitleVersion: s.TitleVersion, ChangedFields: e.Fields, Site: s.Site,
			StartDate: s.Start.String(), EndDate: s.End.String(), DossierDeadline: s.Deadline.String(),
			Candidacies: refsToProto(e.Candidacies), JurorSubjects: e.Jurors, Version: s.Version,
		}, "sessions/" + s.ID, e.At}, nil
	case session.Postponed:
		s, b := e.Session, e.Before
		return Event{&assessmentv1.SessionPostponed{
			EventId: eventID, OccurTime: ts(e.At), SessionId: s.ID, CentreId: s.CentreID, Type: SessionTypeToProto(s.Type),
			TitleId: s.TitleID, TitleVersion: s.TitleVersion, Site: s.Site,
			PreviousStartDate: b.Start.String(), PreviousEndDate: b.End.String(), PreviousDossierDeadline: b.Deadline.String(),
			StartDate: s.Start.String(), EndDate: s.End.String(), DossierDeadline: s.Deadline.String(),
			Reason: e.Reason, AfterOpening: b.State == session.StateInProgress,
			Candidacies: refsToProto(e.Candidacies), JurorSubjects: e.Jurors, Version: s.Version,
		}, "sessions/" + s.ID, e.At}, nil
	case session.Cancelled:
		s := e.Session
		return Event{&assessmentv1.SessionCancelled{
			EventId: eventID, OccurTime: ts(e.At), SessionId: s.ID, CentreId: s.CentreID, Type: SessionTypeToProto(s.Type),
			TitleId: s.TitleID, TitleVersion: s.TitleVersion, Site: s.Site,
			StartDate: s.Start.String(), EndDate: s.End.String(), Reason: e.Reason,
			ReleasedCandidacies: refsToProto(e.Candidacies), JurorSubjects: e.Jurors, Version: s.Version,
		}, "sessions/" + s.ID, e.At}, nil
	}
	return Event{}, fmt.Errorf("protoconv: unknown session change %T", ev)
}

func refsToProto(refs []session.CandidacyRef) []*assessmentv1.SessionCandidacy {
	out := make([]*assessmentv1.SessionCandidacy, len(refs))
	for i, r := range refs {
		out[i] = &assessmentv1.SessionCandidacy{CandidacyId: r.CandidacyID, CandidateId: r.CandidateID}
	}
	return out
}
