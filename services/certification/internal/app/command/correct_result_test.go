package command_test

import (
	"context"
	"testing"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// TestR51CorrectionAfterValidation, on every engine: a validated session
// is returned for a material error; until the next version is validated
// its awards stand; that validation revokes what changed (cand-a's CCP3
// and titre, kept on record), awards the corrected decision (a livret),
// leaves cand-b's unchanged awards alone, and publishes the correction in
// order.
func TestR51CorrectionAfterValidation(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := awardsDB(t, migrated(t, e))
			v := validator(t, db, testSigner(t))
			ret := command.NewReturnResultHandler(sqlstoreValidationStore(db), fixedNow)
			v1 := signedMinutes("s1", "2026-03-01",
				line("cand-a", []string{"CCP1", "CCP2", "CCP3"}),
				line("cand-b", []string{"CCP1"}, "CCP2", "CCP3"))
			v1.Version = 1
			receive(t, db, v1)
			if _, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1", MinutesHash: hash}); err != nil {
				t.Fatal(err)
			}
			if _, err := ret.Handle(ministry(), command.ReturnResult{SessionID: "s1", MinutesHash: hash,
				Reason: "erreur matérielle sur le CCP3", CandidacyIDs: []string{"cy-cand-a"}}); err != nil {
				t.Fatalf("return: %v", err)
			}
			if n := countRows(t, db, "certificates", "status = 'ISSUED'"); n != 2 {
				t.Fatalf("R51: the awards stand until the correction is validated: %d certificates in force", n)
			}
			v2 := signedMinutes("s1", "2026-03-01",
				line("cand-a", []string{"CCP1", "CCP2"}, "CCP3"),
				line("cand-b", []string{"CCP1"}, "CCP2", "CCP3"))
			v2.Version, v2.PreviousHash, v2.MinutesHash = 2, hash, "h2"
			for i := range v2.Signatures {
				v2.Signatures[i].ContentHash = "h2"
			}
			receive(t, db, v2)
			before := countRows(t, db, "outbox", "")
			out, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1", MinutesHash: "h2"})
			if err != nil {
				t.Fatalf("validate v2: %v", err)
			}
			if len(out.Certificates) != 1 || out.Certificates[0].CandidateID != "cand-a" || out.Certificates[0].Kind != "LIVRET" {
				t.Fatalf("certificates of the correction = %+v", out.Certificates)
			}
			if n := countRows(t, db, "certificates", "status = 'REVOKED' AND candidate_id = 'cand-a' AND kind = 'TITRE'"); n != 1 {
				t.Fatalf("R51: cand-a's titre is revoked and kept: %d", n)
			}
			if n := countRows(t, db, "certificates", "candidate_id = 'cand-b'"); n != 1 {
				t.Fatalf("cand-b's livret is untouched: %d certificates", n)
			}
			if n := countRows(t, db, "record_ccps", "candidate_id = 'cand-a'"); n != 2 {
				t.Fatalf("cand-a holds %d CCPs; want 2", n)
			}
			if n := countRows(t, db, "revoked_ccps", "candidate_id = 'cand-a' AND ccp_code = 'CCP3' AND corrected_version = 1 AND minutes_version = 2"); n != 1 {
				t.Fatalf("R51: the revoked CCP is kept on record: %d", n)
			}
			var subjects []string
			rows, err := db.QueryContext(context.Background(), `SELECT subject FROM outbox ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				subjects = append(subjects, s)
			}
			rows.Close()
			got := subjects[before:]
			want := []string{"titrepro.certification.v1.results_validated", "titrepro.certification.v1.awards_corrected",
				"titrepro.certification.v1.livret_issued"}
			if len(got) != len(want) {
				t.Fatalf("events of the correction = %v; want %v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("events of the correction = %v; want %v", got, want)
				}
			}
			r, err := sqlstoreResults(db).Get(context.Background(), "s1")
			if err != nil || r.ValidatedVersion != 2 || len(r.History) != 2 || r.History[0].State != result.Superseded {
				t.Fatalf("result after the correction = %+v, %v", r, err)
			}
		})
	}
}

func sqlstoreValidationStore(db *sqldb.DB) command.ValidationStore {
	return sqlstore.NewValidationStore(db, outbox.New(db))
}

func sqlstoreResults(db *sqldb.DB) *sqlstore.ResultRepository {
	return sqlstore.NewResultRepository(db)
}

// TestR51CorrectionRevokesATitreByCapitalisationThatUsedARevokedCcp: a
// titre issued later by capitalisation that prints a CCP the correction
// revokes is revoked too; the person receives the livret of what they
// still hold.
func TestR51CorrectionRevokesATitreByCapitalisationThatUsedARevokedCcp(t *testing.T) {
	t.Parallel()
	db := awardsDB(t, sqliteDB(t))
	v := validator(t, db, testSigner(t))
	ret := command.NewReturnResultHandler(sqlstoreValidationStore(db), fixedNow)
	s1 := signedMinutes("s1", "2026-03-01", line("cand-a", []string{"CCP1", "CCP2"}, "CCP3"))
	receive(t, db, s1)
	if _, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1"}); err != nil {
		t.Fatal(err)
	}
	s2 := signedMinutes("s2", "2026-06-01", line("cand-a", []string{"CCP3"}))
	receive(t, db, s2)
	if _, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s2"}); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "certificates", "kind = 'TITRE' AND status = 'ISSUED'"); n != 1 {
		t.Fatalf("titre by capitalisation: %d", n)
	}
	if _, err := ret.Handle(ministry(), command.ReturnResult{SessionID: "s1", MinutesHash: hash, Reason: "erreur matérielle",
		CandidacyIDs: []string{"cy-cand-a"}}); err != nil {
		t.Fatal(err)
	}
	v2 := signedMinutes("s1", "2026-03-01", line("cand-a", []string{"CCP1"}, "CCP2", "CCP3"))
	v2.Version, v2.PreviousHash, v2.MinutesHash = 2, hash, "h2"
	for i := range v2.Signatures {
		v2.Signatures[i].ContentHash = "h2"
	}
	receive(t, db, v2)
	out, err := v.Handle(ministry(), command.ValidateResult{SessionID: "s1", MinutesHash: "h2"})
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, db, "certificates", "status = 'REVOKED'"); n != 2 {
		t.Fatalf("R51: the livret of s1 and the titre of s2 are revoked: %d revoked", n)
	}
	if len(out.Certificates) != 1 || out.Certificates[0].Kind != "LIVRET" || len(out.Certificates[0].Ccps) != 2 {
		t.Fatalf("the corrected award = %+v", out.Certificates)
	}
	if n := countRows(t, db, "certificates", "status = 'ISSUED'"); n != 1 {
		t.Fatalf("certificates in force: %d; want the new livret", n)
	}
}
