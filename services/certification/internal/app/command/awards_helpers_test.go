package command_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

const hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

// threeCcpTitle is TP-00003 version 2024, with CCP1 to CCP3.
const threeCcpTitle = `code: TP-00003
version: "2024"
label: Titre à trois CCP
level: 5
rncp_id: RNCP0003
valid_from: 2024-01-01
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: Activité 1
    competences: [{code: CCP1-C1, label: Compétence 1}]
  - code: CCP2
    order: 2
    label: Activité 2
    competences: [{code: CCP2-C1, label: Compétence 2}]
  - code: CCP3
    order: 3
    label: Activité 3
    competences: [{code: CCP3-C1, label: Compétence 3}]
epreuves:
  - kind: MISE_EN_SITUATION_PROFESSIONNELLE
    session_types: [TITRE, CCP]
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`

// awardsDB returns a migrated database with TP-00003 in the catalogue and
// the identities of cand-a and cand-b (cand-c, cand-d are unknown).
func awardsDB(t *testing.T, db *sqldb.DB) *sqldb.DB {
	t.Helper()
	tv, err := catalogue.Parse("tp-00003.yaml", []byte(threeCcpTitle))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if _, err := titleRepo(db).Publish(context.Background(), fixedNow(), tv); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	// Publishing the catalogue wrote an event; the award tests count theirs.
	if _, err := db.ExecContext(context.Background(), `DELETE FROM outbox`); err != nil {
		t.Fatalf("clear outbox: %v", err)
	}
	for _, id := range []string{"cand-a", "cand-b"} {
		h := holder.Holder{CandidateID: id, Subject: "sub-" + id, BirthName: "Martin", GivenNames: []string{"Anne"},
			BirthDate: "1990-05-17", BirthCommune: "Lyon", BirthCountryCode: "FR", SourceVersion: 1, UpdatedAt: fixedNow()}
		if _, err := sqlstore.NewHolderRepository(db).Upsert(context.Background(), h); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
	}
	return db
}

// line is a candidate's line with the CCPs obtained and not obtained.
func line(candidateID string, obtained []string, notObtained ...string) result.Line {
	l := result.Line{CandidacyID: "cy-" + candidateID, CandidateID: candidateID, TitleOutcome: result.TitlePartial}
	for _, c := range obtained {
		l.Decisions = append(l.Decisions, result.CcpDecision{CcpCode: c, Outcome: result.Obtained})
	}
	for _, c := range notObtained {
		l.Decisions = append(l.Decisions, result.CcpDecision{CcpCode: c, Outcome: result.NotObtained, Motivation: "à retravailler"})
	}
	return l
}

// signedMinutes returns minutes of session id, signed by two jurors.
func signedMinutes(id, juryDate string, lines ...result.Line) result.SessionResult {
	return result.SessionResult{
		SessionID: id, CentreID: "centre-1", Type: result.SessionTitre, TitleCode: "TP-00003", TitleVersion: "2024",
		JuryDate: juryDate, MinutesHash: hash, Lines: lines, ReceivedAt: fixedNow(),
		Signatures: []result.Signature{{JurorSubject: "j1", ContentHash: hash}, {JurorSubject: "j2", ContentHash: hash}},
	}
}

// receive records minutes the way the MinutesSigned consumer does.
func receive(t *testing.T, db *sqldb.DB, r result.SessionResult) {
	t.Helper()
	if _, err := command.NewRecordResultHandler().Handle(context.Background(), sqlstore.NewResultRepository(db), r); err != nil {
		t.Fatalf("record minutes %s: %v", r.SessionID, err)
	}
}

func validator(t *testing.T, db *sqldb.DB, signer *certificate.Signer) command.ValidateResultHandler {
	t.Helper()
	return command.NewValidateResultHandler(sqlstore.NewValidationStore(db, outbox.New(db)), signer,
		func() time.Time { return time.Date(2026, 6, 10, 8, 0, 0, 0, time.UTC) }, rand.Reader)
}

func testSigner(t *testing.T) *certificate.Signer {
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

// ministry is a ministry officer's context.
func ministry() context.Context {
	return auth.WithPrincipal(context.Background(), auth.Principal{Subject: "officer-1", Roles: []auth.Role{auth.RoleMinistry}})
}

// countRows returns the number of rows of table matching where.
func countRows(t *testing.T, db *sqldb.DB, table, where string, args ...any) int {
	t.Helper()
	var n int
	q := `SELECT COUNT(*) FROM ` + table
	if where != "" {
		q += ` WHERE ` + where
	}
	if err := db.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

// awardCounts summarises what the database holds about awards.
type awardCounts struct {
	Ccps, Titres, Livrets, EvValidated, EvCcp, EvTitle, EvLivret int
}

func counts(t *testing.T, db *sqldb.DB) awardCounts {
	t.Helper()
	ev := func(subject string) int { return countRows(t, db, "outbox", "subject = $1", subject) }
	return awardCounts{
		Ccps:        countRows(t, db, "record_ccps", ""),
		Titres:      countRows(t, db, "certificates", "kind = 'TITRE'"),
		Livrets:     countRows(t, db, "certificates", "kind = 'LIVRET'"),
		EvValidated: ev("titrepro.certification.v1.results_validated"),
		EvCcp:       ev("titrepro.certification.v1.ccp_awarded"),
		EvTitle:     ev("titrepro.certification.v1.title_awarded"),
		EvLivret:    ev("titrepro.certification.v1.livret_issued"),
	}
}
