package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

const minutesHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

var received = time.Date(2026, 3, 2, 9, 0, 0, 123456000, time.UTC)

// minutes returns signed minutes of session id with one line per
// candidate, every CCP obtained.
func minutes(id string, candidates ...string) result.SessionResult {
	r := result.SessionResult{
		SessionID: id, CentreID: "centre-1", Type: result.SessionTitre, TitleCode: "TP-00001", TitleVersion: "2024",
		JuryDate: "2026-03-01", MinutesHash: minutesHash, SignedAt: received.Add(-time.Hour), ReceivedAt: received,
		State: result.AwaitingValidation,
		Signatures: []result.Signature{
			{JurorSubject: "j1", JurorName: "Juror One", SignedAt: received.Add(-2 * time.Hour), ContentHash: minutesHash},
			{JurorSubject: "j2", JurorName: "Juror Two", SignedAt: received.Add(-time.Hour), ContentHash: minutesHash},
		},
	}
	for _, c := range candidates {
		r.Lines = append(r.Lines, result.Line{CandidacyID: "cy-" + c, CandidateID: c, TitleOutcome: result.TitleAwarded,
			DossierManifestHash: "dossier-" + c, Decisions: []result.CcpDecision{
				{CcpCode: "CCP1", Outcome: result.Obtained},
				{CcpCode: "CCP2", Outcome: result.NotObtained, Motivation: "pas encore"},
			}})
	}
	return r
}

// storeHolder projects a person's identity.
func storeHolder(t *testing.T, db *sqldb.DB, candidateID, subject string) {
	t.Helper()
	h := holder.Holder{CandidateID: candidateID, Subject: subject, BirthName: "Martin", UsageName: "Dupont",
		GivenNames: []string{"Anne"}, BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR",
		SourceVersion: 1, UpdatedAt: received}
	if _, err := sqlstore.NewHolderRepository(db).Upsert(context.Background(), h); err != nil {
		t.Fatalf("Upsert holder: %v", err)
	}
}

// signedCertificate returns a signed certificate of kind for a person
// and session.
func signedCertificate(t *testing.T, signer *certificate.Signer, n certificate.Number, kind certificate.Kind, candidateID, sessionID string) certificate.Certificate {
	t.Helper()
	c := certificate.Certificate{
		Number: n, Kind: kind, CandidateID: candidateID,
		Holder:    certificate.Holder{BirthName: "Martin", UsageName: "Dupont", GivenNames: []string{"Anne", "Marie"}, BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR"},
		TitleCode: "TP-00001", TitleVersion: "2024", TitleLabel: "Titre", TitleLevel: 5,
		Ccps:      []certificate.Ccp{{Code: "CCP1", Label: "Activité 1", SessionID: sessionID, JuryDate: "2026-03-01"}},
		SessionID: sessionID, JuryDate: "2026-03-01", IssueDate: "2026-03-05",
		IssuedAt: received.Add(72 * time.Hour), Status: certificate.Issued,
	}
	if err := signer.Sign(&c); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	return c
}

func newSigner(t *testing.T) *certificate.Signer {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	s, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	return s
}

// inUnit runs fn in a validation transaction and fails the test on error.
func inUnit(t *testing.T, db *sqldb.DB, fn func(ctx context.Context, u command.ValidationUnit) error) error {
	t.Helper()
	return sqlstore.NewValidationStore(db, outbox.New(db)).InValidation(context.Background(), fn)
}

// count returns the number of rows of a table.
func count(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
