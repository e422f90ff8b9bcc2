package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

var baseTime = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)

var title = refdata.Title{
	ID: "TP-00495", Version: "2008", Label: "TSGERI",
	ActivityTypes: []refdata.ActivityType{{CCPCode: "CCP1", Order: 1, Label: "A"}, {CCPCode: "CCP2", Order: 2, Label: "B"}},
}

// forEachEngine runs test on SQLite and, when available, PostgreSQL, each
// with a fresh migrated database.
func forEachEngine(t *testing.T, test func(t *testing.T, db *sqldb.DB, repo *sqlstore.DossierRepository)) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t)
			ctx := context.Background()
			if err := sqlstore.Migrate(ctx, db); err != nil {
				t.Fatalf("Migrate() = %v", err)
			}
			if err := outbox.Migrate(ctx, db); err != nil {
				t.Fatalf("outbox.Migrate() = %v", err)
			}
			test(t, db, sqlstore.NewDossierRepository(db, outbox.New(db)))
		})
	}
}

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func content() dossier.Content {
	ex := func(ccp string) dossier.Example {
		return dossier.Example{
			CCPCode: ccp, Title: "Example " + ccp, Tasks: "Tâches « réelles »", Means: "Moyens", Collaborators: "Équipe",
			Context:        dossier.PracticeContext{Organisation: "ACME", Unit: "DSI", PeriodFrom: "2022-01-01", PeriodTo: "2023-01-01"},
			AdditionalInfo: "multi\nline",
		}
	}
	return dossier.Content{
		Examples:       []dossier.Example{ex("CCP1"), ex("CCP2")},
		Qualifications: []dossier.Qualification{{Title: "BTS SIO", Authority: "MEN", Date: "2019-07-01"}},
		Sworn:          dossier.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-03-01"},
	}
}

func newDossier(t *testing.T, candidateID string, at time.Time) *dossier.Dossier {
	t.Helper()
	d, err := dossier.New(newID(t), candidateID, title, content(), at)
	if err != nil {
		t.Fatalf("dossier.New() = %v", err)
	}
	return d
}

func create(t *testing.T, repo *sqlstore.DossierRepository, candidateID string, at time.Time) *dossier.Dossier {
	t.Helper()
	d, err := repo.Create(context.Background(), newDossier(t, candidateID, at), dossier.RequestKey{CreatedBy: "alice"})
	if err != nil {
		t.Fatalf("Create() = %v", err)
	}
	return d
}

func document(t *testing.T, name string, size int64) dossier.Document {
	t.Helper()
	return dossier.Document{
		ID: newID(t), FileName: name, ContentType: "application/pdf", Size: size,
		SHA256: strings.Repeat("ab", 32), Kind: dossier.KindEvidence,
	}
}

var session = refdata.Session{ID: "sess-1", CentreID: "C1", Type: refdata.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008"}

func submitFn(t *testing.T, at time.Time) func(d *dossier.Dossier) (*dossier.Snapshot, error) {
	t.Helper()
	cover := dossier.CoverOf(refdata.Candidate{BirthName: "Durand", GivenNames: []string{"Camille"}, Route: refdata.RouteVAE,
		Address: &refdata.PostalAddress{Lines: []string{"1 rue"}, PostalCode: "69001", Locality: "Lyon", CountryCode: "FR"}}, title)
	id := newID(t)
	return func(d *dossier.Dossier) (*dossier.Snapshot, error) {
		candidacy := refdata.Candidacy{ID: "cy-1", SessionID: session.ID, CandidateID: d.CandidateID()}
		return d.Submit(dossier.SubmitInput{SnapshotID: id, Session: session, Candidacy: candidacy, Title: title, Cover: cover}, at)
	}
}

func count(t *testing.T, db *sqldb.DB, table string) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}
