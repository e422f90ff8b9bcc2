package protoconv_test

import (
	"slices"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

func TestEnumsRoundTrip(t *testing.T) {
	t.Parallel()
	for n := range assessmentv1.SessionType_name {
		p := assessmentv1.SessionType(n)
		if got := protoconv.SessionTypeToProto(protoconv.SessionTypeFromProto(p)); got != p {
			t.Errorf("session type %v round trips to %v", p, got)
		}
	}
	for n := range assessmentv1.Verdict_name {
		p := assessmentv1.Verdict(n)
		if got := protoconv.VerdictToProto(protoconv.VerdictFromProto(p)); got != p {
			t.Errorf("verdict %v round trips to %v", p, got)
		}
	}
	for n := range assessmentv1.LinkKind_name {
		p := assessmentv1.LinkKind(n)
		if got := protoconv.LinkKindToProto(protoconv.LinkKindFromProto(p)); got != p {
			t.Errorf("link kind %v round trips to %v", p, got)
		}
	}
	for n := range certificationv1.EpreuveKind_name {
		p := certificationv1.EpreuveKind(n)
		k := protoconv.EpreuveFromProto(p)
		if got := protoconv.EpreuveToProto(k); got != p {
			t.Errorf("épreuve %v round trips to %v", p, got)
		}
		if p != certificationv1.EpreuveKind_EPREUVE_KIND_UNSPECIFIED && !k.Valid() {
			t.Errorf("épreuve %v maps to %q, unknown to the domain", p, k)
		}
	}
	if protoconv.SessionTypeFromProto(assessmentv1.SessionType_SESSION_TYPE_TITRE) != title.SessionTitre ||
		protoconv.VerdictFromProto(assessmentv1.Verdict_VERDICT_NOT_OBSERVED) != evaluation.NotObserved ||
		protoconv.LinkKindFromProto(assessmentv1.LinkKind_LINK_KIND_CANDIDATE) != jury.LinkCandidate ||
		protoconv.CCPOutcomeFromProto(assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED) != deliberation.NotObtained {
		t.Error("enum names do not match the domain's")
	}
	// A number the proto does not define must not pass as a valid value.
	if v := protoconv.VerdictFromProto(assessmentv1.Verdict(42)); v == "" || v == evaluation.Mastered {
		t.Errorf("unknown verdict maps to %q", v)
	}
	if k := protoconv.SessionTypeFromProto(assessmentv1.SessionType(9)); k.Valid() {
		t.Errorf("unknown session type maps to valid %q", k)
	}
}

func TestMinutesHasher(t *testing.T) {
	t.Parallel()
	c := minutes.Content{SessionID: "s", CentreID: "c", Type: title.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		JuryDate: "2026-06-03", Jurors: []minutes.Juror{{Subject: "j1", Name: "A"}, {Subject: "j2", Name: "B"}},
		Lines: []minutes.Line{{CandidacyID: "cy", CandidateID: "cand", Outcome: deliberation.Awarded,
			Decisions: []deliberation.Decision{{CCPCode: "CCP1", Outcome: deliberation.Obtained}}}}}
	h := protoconv.MinutesHasher{}
	a, err := h.Hash(c)
	if err != nil || len(a) != 64 {
		t.Fatalf("Hash() = %q, %v", a, err)
	}
	b, _ := h.Hash(c)
	if a != b {
		t.Fatal("the hash is not deterministic")
	}
	c.Lines[0].Decisions[0].Outcome = deliberation.NotObtained
	if d, _ := h.Hash(c); d == a {
		t.Fatal("R50: changing a decision does not change the hash")
	}
}

func TestSubmissionFromProto(t *testing.T) {
	t.Parallel()
	fallback := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	sid, sub := protoconv.SubmissionFromProto(&portfoliov1.DossierSubmitted{SessionId: "s", CandidateId: "c", SnapshotId: "snap", ManifestHash: "h"}, fallback)
	if sid != "s" || sub.CandidateID != "c" || sub.Dossier.SnapshotID != "snap" || !sub.Dossier.SubmittedAt.Equal(fallback) {
		t.Fatalf("SubmissionFromProto() = %s, %+v", sid, sub)
	}
}

func TestEventToProtoRecusalsChanged(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	ev, err := protoconv.EventToProto(session.CandidacyRecusalsChanged{
		SessionID: "s1", CandidacyID: "cy-1", CandidateID: "cand-1", Jurors: []string{"j1"}, At: at,
	}, "ev-1")
	if err != nil {
		t.Fatal(err)
	}
	msg, ok := ev.Message.(*assessmentv1.CandidacyRecusalsChanged)
	if !ok || ev.Subject != "titrepro.assessment.v1.candidacy_recusals_changed" || ev.Resource != "sessions/s1/candidacies/cy-1" {
		t.Fatalf("EventToProto() = %+v", ev)
	}
	if msg.GetEventId() != "ev-1" || msg.GetCandidateId() != "cand-1" || !slices.Equal(msg.GetJurorSubjects(), []string{"j1"}) ||
		!msg.GetOccurTime().AsTime().Equal(at) {
		t.Fatalf("message = %v", msg)
	}
}
