package protoconv_test

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// TestDocsSignaturesMinutesV4Example keeps the worked example of
// titrepro-minutes/4 in docs/signatures.md true: the first minutes of the
// first example with a fraud report on its candidacy (R57).
func TestDocsSignaturesMinutesV4Example(t *testing.T) {
	t.Parallel()
	c := minutes.Content{SessionID: "0198c0de-7c1a-7b3e-9a55-3f1e2d4c5b6a", CentreID: "CENTRE-69-001", Type: title.SessionTitre,
		TitleID: "TP-00495", TitleVersion: "2008", JuryDate: "2026-06-03", Version: 1,
		Lines: []minutes.Line{{CandidacyID: "cy-1", CandidateID: "cand-1", Outcome: deliberation.Partial,
			DossierManifestHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Decisions: []deliberation.Decision{
				{CCPCode: "CCP1", Outcome: deliberation.Obtained},
				{CCPCode: "CCP2", Outcome: deliberation.NotObtained, Motivation: "budget non maîtrisé"},
			}}},
		Jurors: []minutes.Juror{{Subject: "j1", Name: "Claire Petit"}, {Subject: "j2", Name: "Marc Roux"}},
		FraudReports: []minutes.FraudMention{{ReportID: "0198c0df-0000-7000-8000-000000000001", CandidacyID: "cy-1", CandidateID: "cand-1",
			ObservedAt: "2026-06-02T08:15:00Z", ReporterRole: "JUROR", ReporterName: "Marc Roux", Measure: "EXCLUDED_FROM_EPREUVE"}}}
	b, err := protoconv.MinutesBytes(minutes.EncodingV4, c)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	hash := hex.EncodeToString(sum[:])
	doc, err := os.ReadFile("../../../../docs/signatures.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), string(b)) || !strings.Contains(string(doc), hash) {
		t.Errorf("docs/signatures.md lacks the titrepro-minutes/4 example:\n%s\n%s", b, hash)
	}
}
