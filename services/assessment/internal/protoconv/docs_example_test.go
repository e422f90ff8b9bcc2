package protoconv_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// TestDocsSignaturesMinutesExample keeps the worked example of
// docs/signatures.md true: the canonical bytes and the hash printed there
// are the code's.
func TestDocsSignaturesMinutesExample(t *testing.T) {
	t.Parallel()
	c := minutes.Content{SessionID: "0198c0de-7c1a-7b3e-9a55-3f1e2d4c5b6a", CentreID: "CENTRE-69-001", Type: title.SessionTitre,
		TitleID: "TP-00495", TitleVersion: "2008", JuryDate: "2026-06-03",
		Lines: []minutes.Line{{CandidacyID: "cy-1", CandidateID: "cand-1", Outcome: deliberation.Partial,
			DossierManifestHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
			Decisions: []deliberation.Decision{
				{CCPCode: "CCP1", Outcome: deliberation.Obtained},
				{CCPCode: "CCP2", Outcome: deliberation.NotObtained, Motivation: "budget non maîtrisé"},
			}}},
		Jurors: []minutes.Juror{{Subject: "j1", Name: "Claire Petit"}, {Subject: "j2", Name: "Marc Roux"}}}
	b, err := protoconv.MinutesBytes(minutes.EncodingV2, c)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	if string(b) != docsMinutesBytes || hex.EncodeToString(sum[:]) != docsMinutesHash {
		t.Errorf("docs/signatures.md example is stale:\n%s\n%s", b, hex.EncodeToString(sum[:]))
	}
}

const (
	docsMinutesBytes = `{"centre_id":"CENTRE-69-001","format":"titrepro-minutes/2","jurors":[{"juror_name":"Claire Petit","juror_subject":"j1"},{"juror_name":"Marc Roux","juror_subject":"j2"}],"jury_date":"2026-06-03","lines":[{"candidacy_id":"cy-1","candidate_id":"cand-1","ccp_decisions":[{"ccp_code":"CCP1","motivation":"","outcome":"CCP_OUTCOME_OBTAINED"},{"ccp_code":"CCP2","motivation":"budget non maîtrisé","outcome":"CCP_OUTCOME_NOT_OBTAINED"}],"dossier_manifest_hash":"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08","title_outcome":"TITLE_OUTCOME_PARTIAL"}],"session_id":"0198c0de-7c1a-7b3e-9a55-3f1e2d4c5b6a","title_id":"TP-00495","title_version":"2008","type":"SESSION_TYPE_TITRE"}`
	docsMinutesHash  = "09cddc73bbcfc73c47653aed94a9b9082d15e84ba3e4bdd768e5f22659fb6968"
)
