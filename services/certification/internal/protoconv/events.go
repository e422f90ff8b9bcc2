package protoconv

import (
	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
)

// ResultsValidated converts the event, with its id.
func ResultsValidated(e award.ResultsValidated, eventID string) *certificationv1.ResultsValidated {
	return &certificationv1.ResultsValidated{
		EventId: eventID, OccurTime: timestamppb.New(e.At), SessionId: e.SessionID, ValidatedBy: e.ValidatedBy,
		MinutesHash: e.MinutesHash, CentreId: e.CentreID, TitleId: e.TitleCode, TitleVersion: e.TitleVersion, JuryDate: e.JuryDate,
		MinutesVersion: int32(max(e.MinutesVersion, 1)), CorrectedMinutesVersion: int32(e.CorrectedVersion),
	}
}

// CcpAwarded converts the event, with its id.
func CcpAwarded(e award.CcpAwarded, eventID string) *certificationv1.CcpAwarded {
	return &certificationv1.CcpAwarded{
		EventId: eventID, OccurTime: timestamppb.New(e.At), CandidateId: e.Ccp.CandidateID, TitleId: e.Ccp.TitleCode,
		TitleVersion: e.Ccp.TitleVersion, CcpCode: e.Ccp.CcpCode, SessionId: e.Ccp.SessionID, JuryDate: e.Ccp.JuryDate,
		CcpLabel: e.Label,
	}
}

// TitleAwarded converts the event, with its id.
func TitleAwarded(e award.TitleAwarded, eventID string) *certificationv1.TitleAwarded {
	c := e.Certificate
	return &certificationv1.TitleAwarded{
		EventId: eventID, OccurTime: timestamppb.New(c.IssuedAt), CandidateId: c.CandidateID, TitleId: c.TitleCode,
		TitleVersion: c.TitleVersion, CertificateNumber: string(c.Number), SessionId: c.SessionID,
		ByCapitalisation: c.ByCapitalisation, Level: int32(c.TitleLevel), IssueDate: c.IssueDate,
		TitleLabel: c.TitleLabel, RncpId: e.RNCPID, JuryDate: c.JuryDate,
	}
}

// LivretIssued converts the event, with its id.
func LivretIssued(e award.LivretIssued, eventID string) *certificationv1.LivretIssued {
	c := e.Certificate
	return &certificationv1.LivretIssued{
		EventId: eventID, OccurTime: timestamppb.New(c.IssuedAt), CandidateId: c.CandidateID, TitleId: c.TitleCode,
		TitleVersion: c.TitleVersion, CertificateNumber: string(c.Number), CcpCodes: c.CcpCodes(),
		SessionId: c.SessionID, IssueDate: c.IssueDate, TitleLabel: c.TitleLabel, JuryDate: c.JuryDate,
	}
}

// MinutesReturned converts the event, with its id.
func MinutesReturned(e award.MinutesReturned, eventID string) *certificationv1.MinutesReturned {
	return &certificationv1.MinutesReturned{
		EventId: eventID, OccurTime: timestamppb.New(e.Return.At), SessionId: e.SessionID, CentreId: e.CentreID,
		MinutesVersion: int32(max(e.MinutesVersion, 1)), MinutesHash: e.MinutesHash, Reason: e.Return.Reason,
		CandidacyIds: e.Return.CandidacyIDs, ReturnedBy: e.Return.By, AfterValidation: e.Return.AfterValidation,
	}
}

// AwardsCorrected converts the event, with its id.
func AwardsCorrected(e award.AwardsCorrected, eventID string) *certificationv1.AwardsCorrected {
	out := &certificationv1.AwardsCorrected{
		EventId: eventID, OccurTime: timestamppb.New(e.At), CandidateId: e.CandidateID, SessionId: e.SessionID,
		TitleId: e.TitleCode, TitleVersion: e.TitleVersion,
		CorrectedMinutesVersion: int32(e.CorrectedVersion), CorrectedMinutesHash: e.CorrectedHash,
		MinutesVersion: int32(e.MinutesVersion), MinutesHash: e.MinutesHash, RevokedCcpCodes: e.RevokedCcps,
	}
	for _, n := range e.RevokedCertificates {
		out.RevokedCertificateNumbers = append(out.RevokedCertificateNumbers, string(n))
	}
	return out
}
