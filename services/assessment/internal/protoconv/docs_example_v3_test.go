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

// TestDocsSignaturesMinutesV3Example keeps the worked example of
// titrepro-minutes/3 in docs/signatures.md true: version 2 of the minutes
// of the first example, CCP2 obtained after the return (R51).
func TestDocsSignaturesMinutesV3Example(t *testing.T) {
	t.Parallel()
	c := minutes.Content{SessionID: "0198c0de-7c1a-7b3e-9a55-3f1e2d4c5b6a", CentreID: "CENTRE-69-001", Type: title.SessionTitre,
		TitleID: "TP-00495", TitleVersion: "2008", JuryDate: "2026-06-03", Version: 2, PreviousHash: docsMinutesHash,
		Lines: []minutes.Line{{CandidacyID: "cy-1", CandidateID: "cand-1", Outcome: deliberation.Awarded,
			DossierManifestHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Decisions: []deliberation.Decision{
				{CCPCode: "CCP1", Outcome: deliberation.Obtained},
				{CCPCode: "CCP2", Outcome: deliberation.Obtained},
			}}},
		Jurors: []minutes.Juror{{Subject: "j1", Name: "Claire Petit"}, {Subject: "j2", Name: "Marc Roux"}}}
	b, err := protoconv.MinutesBytes(minutes.EncodingV3, c)
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
		t.Errorf("docs/signatures.md lacks the titrepro-minutes/3 example:\n%s\n%s", b, hash)
	}
}
