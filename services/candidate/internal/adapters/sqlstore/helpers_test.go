package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

var baseTime = time.Date(2026, 3, 15, 11, 0, 0, 0, time.UTC)

// forEachEngine runs test on SQLite and, when available, PostgreSQL, each
// with a fresh migrated database.
func forEachEngine(t *testing.T, test func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository)) {
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
			test(t, db, sqlstore.NewCandidateRepository(db, outbox.New(db)))
		})
	}
}

func details(subject string) candidate.Details {
	return candidate.Details{
		Subject:                subject,
		BirthName:              "Martin",
		UsageName:              "Durand",
		GivenNames:             []string{"Camille", "Marie"},
		BirthDate:              "1990-06-01",
		BirthPlace:             candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR", InseeCode: "69123"},
		Sex:                    "F",
		FranceVaeCandidatureID: "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71",
		Email:                  "camille.martin@example.org",
		Phone:                  "+33612345678",
		PostalAddress: &candidate.PostalAddress{
			Lines: []string{"12 rue de la Paix", "Bâtiment B"}, PostalCode: "75002", Locality: "Paris", CountryCode: "FR",
		},
		AccessRoute: candidate.RouteTraining,
		Training: &candidate.TrainingEnrolment{
			Organisation: "AFPA Lyon", OrganisationSIRET: "73282932000074", StartDate: "2025-09-01", EndDate: "2026-06-30",
			TitleID: "TP-00495", CCPCodes: []string{"CCP1", "CCP2"},
		},
	}
}

// newCandidate returns a valid new candidate created at at.
func newCandidate(t *testing.T, subject, centreID string, at time.Time) *candidate.Candidate {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	c, err := candidate.New(id.String(), centreID, details(subject), at)
	if err != nil {
		t.Fatalf("candidate.New() = %v", err)
	}
	return c
}

// create stores a new candidate without a request id.
func create(t *testing.T, repo *sqlstore.CandidateRepository, subject, centreID string, at time.Time) *candidate.Candidate {
	t.Helper()
	c, err := repo.Create(context.Background(), newCandidate(t, subject, centreID, at),
		candidate.CreateKey{CreatedBy: "creator"})
	if err != nil {
		t.Fatalf("Create() = %v", err)
	}
	return c
}

type outboxRow struct {
	ID, Subject, Type, Source, Resource string
	Payload                             []byte
}

func outboxRows(t *testing.T, db *sqldb.DB) []outboxRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		`SELECT id, subject, type, source, resource, payload FROM outbox ORDER BY seq`)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.ID, &r.Subject, &r.Type, &r.Source, &r.Resource, &r.Payload); err != nil {
			t.Fatalf("read outbox: %v", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return out
}

func countCandidates(t *testing.T, db *sqldb.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM candidates`).Scan(&n); err != nil {
		t.Fatalf("count candidates: %v", err)
	}
	return n
}
