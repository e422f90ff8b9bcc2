package protoconv_test

import (
	"slices"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/eventbus"
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
	for _, st := range []session.JurorState{session.JurorNotStarted, session.JurorInProgress, session.JurorComplete, session.JurorRecused} {
		if got := protoconv.JurorStateToProto(st); got.String() != "JUROR_PROGRESS_STATE_"+string(st) {
			t.Errorf("juror state %s maps to %v", st, got)
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
	for _, enc := range []minutes.Encoding{minutes.EncodingV1, minutes.EncodingV2} {
		a, err := h.Hash(enc, c)
		if err != nil || len(a) != 64 {
			t.Fatalf("Hash(%s) = %q, %v", enc, a, err)
		}
		if b, _ := h.Hash(enc, c); a != b {
			t.Fatalf("%s: the hash is not deterministic", enc)
		}
		changed := c
		changed.Lines = []minutes.Line{c.Lines[0]}
		changed.Lines[0].Decisions = []deliberation.Decision{{CCPCode: "CCP1", Outcome: deliberation.NotObtained}}
		if d, _ := h.Hash(enc, changed); d == a {
			t.Fatalf("R50: %s: changing a decision does not change the hash", enc)
		}
	}
	if _, err := h.Hash("titrepro-minutes/9", c); err == nil {
		t.Fatal("Hash(unknown encoding) = nil error")
	}
}

// TestMinutesEncodingsArePinned pins the published encodings: the hash of
// minutes signed in version 1 must never change (their signatures are
// bound to it), and version 2 is RFC 8785 JSON, field by field as
// docs/signatures.md says.
func TestMinutesEncodingsArePinned(t *testing.T) {
	t.Parallel()
	c := minutes.Content{SessionID: "s", CentreID: "c", Type: title.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		JuryDate: "2026-06-03", Jurors: []minutes.Juror{{Subject: "j1", Name: "Zoé \u2028"}},
		Lines: []minutes.Line{{CandidacyID: "cy", CandidateID: "cand", Outcome: deliberation.Awarded, DossierManifestHash: "mh",
			Decisions: []deliberation.Decision{{CCPCode: "CCP1", Outcome: deliberation.Obtained}}}}}
	v1, err := protoconv.MinutesHasher{}.Hash(minutes.EncodingV1, c)
	if err != nil || v1 != goldenMinutesV1 {
		t.Errorf("v1 hash = %s, %v; want %s", v1, err, goldenMinutesV1)
	}
	got, err := protoconv.MinutesBytes(minutes.EncodingV2, c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"centre_id":"c","format":"titrepro-minutes/2",` +
		`"jurors":[{"juror_name":"Zoé ` + "\u2028" + `","juror_subject":"j1"}],"jury_date":"2026-06-03",` +
		`"lines":[{"candidacy_id":"cy","candidate_id":"cand","ccp_decisions":[{"ccp_code":"CCP1","motivation":"",` +
		`"outcome":"CCP_OUTCOME_OBTAINED"}],"dossier_manifest_hash":"mh","title_outcome":"TITLE_OUTCOME_AWARDED"}],` +
		`"session_id":"s","title_id":"TP-00495","title_version":"2008","type":"SESSION_TYPE_TITRE"}`
	if string(got) != want {
		t.Errorf("v2 bytes =\n%s\nwant\n%s", got, want)
	}
}

const goldenMinutesV1 = "fafe6adf04eb83d7f030fb45f096d29007d58b53f845f26fff2a429d8e842f20"

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
	if !ok || eventbus.SubjectOf(ev.Message) != "titrepro.assessment.v1.candidacy_recusals_changed" || ev.Resource != "sessions/s1/candidacies/cy-1" {
		t.Fatalf("EventToProto() = %+v", ev)
	}
	if msg.GetEventId() != "ev-1" || msg.GetCandidateId() != "cand-1" || !slices.Equal(msg.GetJurorSubjects(), []string{"j1"}) ||
		!msg.GetOccurTime().AsTime().Equal(at) {
		t.Fatalf("message = %v", msg)
	}
}
