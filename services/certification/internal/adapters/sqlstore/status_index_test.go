package sqlstore_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"testing/fstest"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// TestCertificateStatusIndexAllocatedAtIssue: every certificate gets the
// next index of the revocation status list in the transaction that issues
// it (a rolled-back issue takes none), and the status list sets the bits
// of the certificates that are not ISSUED — REVOKED, and any other status
// (WITHDRAWN) with no change here.
func TestCertificateStatusIndexAllocatedAtIssue(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t, e)
			ctx := context.Background()
			repo := sqlstore.NewCertificateRepository(db)
			signer := newSigner(t)
			a := signedCertificate(t, signer, "TP-2026-AAAA-AAAA-A", certificate.Titre, "cand-a", "s1")
			b := signedCertificate(t, signer, "TP-2026-BBBB-BBBB-B", certificate.Livret, "cand-b", "s1")
			issueAll(t, db, a, b)
			failed := errors.New("rolled back")
			err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
				if err := u.Issue(ctx, signedCertificate(t, signer, "TP-2026-DDDD-DDDD-D", certificate.Titre, "cand-d", "s2")); err != nil {
					return err
				}
				return failed
			})
			if !errors.Is(err, failed) {
				t.Fatalf("rolled-back issue: %v", err)
			}
			c := signedCertificate(t, signer, "TP-2026-CCCC-CCCC-C", certificate.Titre, "cand-c", "s2")
			issueAll(t, db, c)
			for n, want := range map[certificate.Number]int64{a.Number: 0, b.Number: 1, c.Number: 2} {
				got, err := repo.Get(ctx, n)
				if err != nil || got.StatusIndex != want {
					t.Errorf("status index of %s = %d, %v; want %d", n, got.StatusIndex, err, want)
				}
			}
			next, set, err := repo.StatusBits(ctx)
			if err != nil || next != 3 || len(set) != 0 {
				t.Fatalf("StatusBits = %d, %v, %v; want 3 and none set", next, set, err)
			}
			for n, status := range map[certificate.Number]string{a.Number: "REVOKED", c.Number: "WITHDRAWN"} {
				if _, err := db.ExecContext(ctx, `UPDATE certificates SET status = $1 WHERE number = $2`, status, string(n)); err != nil {
					t.Fatal(err)
				}
			}
			next, set, err = repo.StatusBits(ctx)
			if err != nil || next != 3 || !slices.Equal(set, []int64{0, 2}) {
				t.Errorf("StatusBits = %d, %v, %v; want 3 with 0 and 2 set", next, set, err)
			}
		})
	}
}

// TestMigrateNumbersExistingCertificatesInIssueOrder: migration 0008 gives
// the certificates issued before it their status index in issue order
// (not number order), and the counter continues after them.
func TestMigrateNumbersExistingCertificatesInIssueOrder(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t)
			before := fstest.MapFS{}
			for _, d := range []string{"sqlite", "postgres"} {
				entries, err := os.ReadDir("migrations/" + d)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range entries {
					if f.Name() >= "0008" {
						continue
					}
					raw, err := os.ReadFile("migrations/" + d + "/" + f.Name())
					if err != nil {
						t.Fatal(err)
					}
					before[d+"/"+f.Name()] = &fstest.MapFile{Data: raw}
				}
			}
			if err := sqldb.Migrate(ctx, db, before, sqlstore.VersionTable); err != nil {
				t.Fatalf("schema before 0008: %v", err)
			}
			at := time.Date(2026, 3, 5, 9, 0, 0, 0, time.UTC)
			// Z issued first, then A, then M.
			for k, n := range []string{"TP-2026-ZZZZ-ZZZZ-Z", "TP-2026-AAAA-AAAA-A", "TP-2026-MMMM-MMMM-M"} {
				if _, err := db.ExecContext(ctx, `INSERT INTO certificates (number, kind, candidate_id, holder_birth_name,
						holder_usage_name, holder_given_names, holder_birth_date, holder_birth_commune, holder_birth_country_code,
						title_id, title_version, title_label, title_level, ccps, by_capitalisation, session_id, jury_date,
						issue_date, issued_at, key_id, signature, status, format)
					VALUES ($1, 'TITRE', $2, 'X', '', '[]', '1990-01-01', '', 'FR', 'TP-00001', '2024', 'Titre', 5, '[]',
						false, $3, '2026-03-01', '2026-03-05', $4, 'k', '', 'ISSUED', 'titrepro-certificate/2')`,
					n, "cand-"+n, "s-"+n, sqldb.Timestamp(at.Add(time.Duration(k)*time.Minute))); err != nil {
					t.Fatalf("insert %s: %v", n, err)
				}
			}
			if err := sqlstore.Migrate(ctx, db); err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			repo := sqlstore.NewCertificateRepository(db)
			for n, want := range map[certificate.Number]int64{"TP-2026-ZZZZ-ZZZZ-Z": 0, "TP-2026-AAAA-AAAA-A": 1, "TP-2026-MMMM-MMMM-M": 2} {
				got, err := repo.Get(ctx, n)
				if err != nil || got.StatusIndex != want {
					t.Errorf("status index of %s after 0008 = %d, %v; want %d", n, got.StatusIndex, err, want)
				}
			}
			if next, _, err := repo.StatusBits(ctx); err != nil || next != 3 {
				t.Errorf("next index after 0008 = %d, %v; want 3", next, err)
			}
		})
	}
}
