package protoconv_test

import (
	"testing"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
	"github.com/titrepro/titrepro/services/certification/internal/protoconv"
)

// TestAwardEnumsCoverTheDomain fails when a value is added to a domain
// enum of results or certificates without its proto counterpart.
func TestAwardEnumsCoverTheDomain(t *testing.T) {
	t.Parallel()
	for _, s := range []result.State{result.AwaitingValidation, result.Validated} {
		got := protoconv.ResultState(s)
		if got == certificationv1.ResultState_RESULT_STATE_UNSPECIFIED {
			t.Errorf("ResultState(%s) = UNSPECIFIED", s)
		}
		if back := protoconv.ResultStateFromProto(got); back != s {
			t.Errorf("ResultStateFromProto(%v) = %s; want %s", got, back, s)
		}
	}
	if got := protoconv.ResultStateFromProto(certificationv1.ResultState_RESULT_STATE_UNSPECIFIED); got != "" {
		t.Errorf("ResultStateFromProto(UNSPECIFIED) = %q; want every state", got)
	}
	for _, k := range []certificate.Kind{certificate.Titre, certificate.Livret} {
		if protoconv.CertificateKind(k) == certificationv1.CertificateKind_CERTIFICATE_KIND_UNSPECIFIED {
			t.Errorf("CertificateKind(%s) = UNSPECIFIED", k)
		}
	}
	if protoconv.CertificateStatus(certificate.Issued) == certificationv1.CertificateStatus_CERTIFICATE_STATUS_UNSPECIFIED {
		t.Error("CertificateStatus(ISSUED) = UNSPECIFIED")
	}
	r := result.SessionResult{Type: result.SessionCcp, Lines: []result.Line{{TitleOutcome: result.TitlePartial,
		Decisions: []result.CcpDecision{{CcpCode: "CCP1", Outcome: result.Obtained}, {CcpCode: "CCP2", Outcome: result.NotObtained}}}}}
	for _, o := range []result.TitleOutcome{result.TitleAwarded, result.TitlePartial, result.TitleFailed, result.TitleAbsent} {
		r.Lines[0].TitleOutcome = o
		if protoconv.Result(r).GetLines()[0].GetTitleOutcome() == certificationv1.TitleOutcome_TITLE_OUTCOME_UNSPECIFIED {
			t.Errorf("title outcome %s = UNSPECIFIED", o)
		}
	}
	got := protoconv.Result(r)
	if got.GetType() != certificationv1.SessionType_SESSION_TYPE_CCP ||
		got.GetLines()[0].GetCcpResults()[0].GetOutcome() != certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED ||
		got.GetLines()[0].GetCcpResults()[1].GetOutcome() != certificationv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED {
		t.Errorf("Result() = %v", got)
	}
}

func TestRecordResultsCarryTheDecisions(t *testing.T) {
	t.Parallel()
	r := result.SessionResult{SessionID: "s1", Type: result.SessionTitre, TitleCode: "TP-00495", TitleVersion: "2008", JuryDate: "2026-03-01",
		ValidatedAt: time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC), Lines: []result.Line{{CandidacyID: "cy-1", TitleOutcome: result.TitlePartial,
			Decisions: []result.CcpDecision{{CcpCode: "CCP1", Outcome: result.Obtained}, {CcpCode: "CCP2", Outcome: result.NotObtained, Motivation: "non démontré"}}}}}
	got := protoconv.RecordResults([]result.SessionResult{r})
	if len(got) != 1 {
		t.Fatalf("RecordResults() = %v", got)
	}
	g := got[0]
	if g.GetSessionId() != "s1" || g.GetType() != certificationv1.SessionType_SESSION_TYPE_TITRE || g.GetTitleId() != "TP-00495" ||
		g.GetTitleVersion() != "2008" || g.GetJuryDate() != "2026-03-01" || g.GetCandidacyId() != "cy-1" ||
		g.GetTitleOutcome() != certificationv1.TitleOutcome_TITLE_OUTCOME_PARTIAL || !g.GetValidateTime().AsTime().Equal(r.ValidatedAt) ||
		len(g.GetCcpResults()) != 2 || g.GetCcpResults()[1].GetMotivation() != "non démontré" ||
		g.GetCcpResults()[1].GetOutcome() != certificationv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED {
		t.Errorf("RecordResults() = %v", g)
	}
}

func TestPublicCertificateHidesPersonalData(t *testing.T) {
	t.Parallel()
	c := certificate.Certificate{Number: "TP-2026-ABCD-EFGH-X", CandidateID: "cand-1",
		Holder: certificate.Holder{BirthName: "Martin", BirthDate: "1990-05-17", BirthCommune: "Lyon"},
		Ccps:   []certificate.Ccp{{Code: "CCP1", Label: "A", SessionID: "s1", JuryDate: "2026-03-01"}}}
	got := protoconv.PublicCertificate(c)
	if got.GetHolderBirthName() != "Martin" || got.GetCcps()[0].GetSessionId() != "" || got.GetCcps()[0].GetJuryDate() != "2026-03-01" {
		t.Fatalf("PublicCertificate() = %v", got)
	}
	full := protoconv.Certificate(c)
	if full.GetHolder().GetBirthDate() != "1990-05-17" || full.GetCandidateId() != "cand-1" {
		t.Fatalf("Certificate() = %v", full)
	}
}
