package protoconv

import (
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/appeal"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

// Withdrawal converts a withdrawal decision (R59), motivation included:
// for the ministry, admins and the holder only.
func Withdrawal(d withdrawal.Decision) *certificationv1.CertificateWithdrawal {
	out := &certificationv1.CertificateWithdrawal{
		Id: d.ID, CertificateNumber: string(d.Number), CcpCode: d.CcpCode, Reason: string(d.Reason),
		Motivation: d.Motivation, DecisionReference: d.Reference, DecidedOn: d.DecidedOn.String(), DecidedBy: d.DecidedBy,
		CandidateId: d.CandidateID, WithdrawTime: timestamp(d.WithdrawnAt), RestoreTime: timestamp(d.RestoredAt),
		RestoredByAppealId: d.RestoredBy,
	}
	for _, n := range d.Withdrawn {
		out.WithdrawnCertificateNumbers = append(out.WithdrawnCertificateNumbers, string(n))
	}
	return out
}

// AppealKind converts an appeal kind.
func AppealKind(k appeal.Kind) certificationv1.AppealKind {
	return certificationv1.AppealKind(certificationv1.AppealKind_value["APPEAL_KIND_"+string(k)])
}

// AppealKindOf converts back; "" for UNSPECIFIED.
func AppealKindOf(k certificationv1.AppealKind) appeal.Kind {
	if k == certificationv1.AppealKind_APPEAL_KIND_UNSPECIFIED {
		return ""
	}
	return appeal.Kind(trimPrefix(k.String(), "APPEAL_KIND_"))
}

// AppealOutcome converts an appeal outcome; "" is UNSPECIFIED.
func AppealOutcome(o appeal.Outcome) certificationv1.AppealOutcome {
	return certificationv1.AppealOutcome(certificationv1.AppealOutcome_value["APPEAL_OUTCOME_"+string(o)])
}

// AppealOutcomeOf converts back; "" for UNSPECIFIED.
func AppealOutcomeOf(o certificationv1.AppealOutcome) appeal.Outcome {
	if o == certificationv1.AppealOutcome_APPEAL_OUTCOME_UNSPECIFIED {
		return ""
	}
	return appeal.Outcome(trimPrefix(o.String(), "APPEAL_OUTCOME_"))
}

func trimPrefix(s, prefix string) string {
	if len(s) >= len(prefix) && s[:len(prefix)] == prefix {
		return s[len(prefix):]
	}
	return s
}

// Appeal converts an appeal (R60).
func Appeal(a appeal.Appeal) *certificationv1.Appeal {
	return &certificationv1.Appeal{
		Id: a.ID, Kind: AppealKind(a.Kind), Decision: a.Decision.String(), CandidateId: a.CandidateID, Appellant: a.Appellant,
		Grounds: a.Grounds, NotifiedOn: a.NotifiedOn.String(), FiledOn: a.FiledOn.String(), Deadline: a.Deadline.String(),
		State:   certificationv1.AppealState(certificationv1.AppealState_value["APPEAL_STATE_"+string(a.State)]),
		Outcome: AppealOutcome(a.Outcome), OutcomeMotivation: a.Motivation, DecidedOn: a.DecidedOn.String(),
		FiledBy: a.FiledBy, DecidedBy: a.DecidedBy, FileTime: timestamp(a.FiledAt), DecideTime: timestamp(a.DecidedAt),
		RestoredCertificateNumbers: a.RestoredCertificates,
	}
}
