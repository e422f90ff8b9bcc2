package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

func TestCertificateRepository(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name string
				run  func(t *testing.T, db *sqldb.DB)
			}{
				{"an issued certificate reads back equal and verifies", testCertificateRoundTrip},
				{"unknown number is not found", testCertificateNotFound},
				{"list pages by number, for everyone or some people", testListCertificates},
				{"a byte changed in the database is detected by the signature", testCertificateTampering},
				{"holders are found by subject", testHoldersOfSubject},
				{"count tells whether any certificate was issued", testCountCertificates},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					tt.run(t, openDB(t, e))
				})
			}
		})
	}
}

func issueAll(t *testing.T, db *sqldb.DB, certs ...certificate.Certificate) {
	t.Helper()
	err := inUnit(t, db, func(ctx context.Context, u command.ValidationUnit) error {
		for _, c := range certs {
			if err := u.Issue(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
}

func testCertificateRoundTrip(t *testing.T, db *sqldb.DB) {
	signer := newSigner(t)
	c := signedCertificate(t, signer, "TP-2026-ABCD-EFGH-X", certificate.Titre, "cand-1", "s1")
	c.ByCapitalisation = true
	c.Ccps = append(c.Ccps, certificate.Ccp{Code: "CCP2", Label: "Activité <2> & co", SessionID: "s0", JuryDate: "2025-11-01"})
	if err := signer.Sign(&c); err != nil {
		t.Fatalf("Sign: %v", err)
	}
	issueAll(t, db, c)
	got, err := sqlstore.NewCertificateRepository(db).Get(context.Background(), c.Number)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("Get() =\n%+v\nwant\n%+v", got, c)
	}
	if err := signer.Keyring().Verify(got); err != nil {
		t.Fatalf("Verify(stored) = %v", err)
	}
}

func testCertificateNotFound(t *testing.T, db *sqldb.DB) {
	if _, err := sqlstore.NewCertificateRepository(db).Get(context.Background(), "TP-2026-0000-0000-6"); !errors.Is(err, certificate.ErrNotFound) {
		t.Fatalf("Get(unknown) = %v; want certificate.ErrNotFound", err)
	}
}

func testListCertificates(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	signer := newSigner(t)
	issueAll(t, db,
		signedCertificate(t, signer, "TP-2026-0000-0003-9", certificate.Livret, "cand-1", "s1"),
		signedCertificate(t, signer, "TP-2026-0000-0001-7", certificate.Titre, "cand-1", "s2"),
		signedCertificate(t, signer, "TP-2026-0000-0002-8", certificate.Livret, "cand-2", "s1"),
		signedCertificate(t, signer, "TP-2026-0000-0004-A", certificate.Livret, "cand-3", "s1"),
	)
	repo := sqlstore.NewCertificateRepository(db)
	list := func(owners []string) string {
		var got []string
		var after certificate.Number
		for range 10 {
			rows, err := repo.List(ctx, owners, after, 1)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(rows) == 0 {
				break
			}
			got = append(got, string(rows[0].Number)+"/"+rows[0].CandidateID)
			after = rows[0].Number
		}
		return fmt.Sprint(got)
	}
	tests := []struct {
		name   string
		owners []string
		want   string
	}{
		{"everyone", nil, "[TP-2026-0000-0001-7/cand-1 TP-2026-0000-0002-8/cand-2 TP-2026-0000-0003-9/cand-1 TP-2026-0000-0004-A/cand-3]"},
		{"one person", []string{"cand-1"}, "[TP-2026-0000-0001-7/cand-1 TP-2026-0000-0003-9/cand-1]"},
		{"two people", []string{"cand-3", "cand-2"}, "[TP-2026-0000-0002-8/cand-2 TP-2026-0000-0004-A/cand-3]"},
		{"nobody", []string{}, "[]"},
	}
	for _, tt := range tests {
		if got := list(tt.owners); got != tt.want {
			t.Errorf("List(%s) = %s; want %s", tt.name, got, tt.want)
		}
	}
	numbers, err := repo.NumbersOf(ctx, "cand-1")
	if err != nil || fmt.Sprint(numbers) != "[TP-2026-0000-0001-7 TP-2026-0000-0003-9]" {
		t.Fatalf("NumbersOf(cand-1) = %v, %v", numbers, err)
	}
	if numbers, err := repo.NumbersOf(ctx, "cand-9"); err != nil || len(numbers) != 0 {
		t.Fatalf("NumbersOf(nobody) = %v, %v", numbers, err)
	}
}

func testCertificateTampering(t *testing.T, db *sqldb.DB) {
	ctx := context.Background()
	signer := newSigner(t)
	tests := []struct {
		name   string
		update string // SET clause applied to the certificate's row
		want   error
	}{
		{"birth name", `holder_birth_name = 'Martine'`, certificate.ErrBadSignature},
		{"title level", `title_level = 6`, certificate.ErrBadSignature},
		{"kind", `kind = 'LIVRET'`, certificate.ErrBadSignature},
		{"a CCP label", `ccps = REPLACE(ccps, 'Activité 1', 'Activité 9')`, certificate.ErrBadSignature},
		{"given names no longer JSON", `holder_given_names = 'Anne'`, certificate.ErrBadSignature},
		{"signature no longer base64", `signature = '!!!'`, certificate.ErrBadSignature},
		{"signature replaced", `signature = 'AAAA'`, certificate.ErrBadSignature},
		{"key id", `key_id = 'ffffffffffffffff'`, certificate.ErrUnknownKey},
		{"format", `format = 'titrepro-certificate/1'`, certificate.ErrBadSignature},
		{"status only: outside the signature", `status = 'ISSUED'`, nil},
	}
	for i, tt := range tests {
		n := certificate.Number(fmt.Sprintf("TP-2026-0000-%04d-0", i))
		issueAll(t, db, signedCertificate(t, signer, n, certificate.Titre, fmt.Sprintf("cand-%d", i), "s1"))
		if _, err := db.ExecContext(ctx, `UPDATE certificates SET `+tt.update+` WHERE number = $1`, string(n)); err != nil {
			t.Fatalf("%s: tamper: %v", tt.name, err)
		}
		got, err := sqlstore.NewCertificateRepository(db).Get(ctx, n)
		if err != nil {
			t.Fatalf("%s: Get after tampering = %v; want the row readable", tt.name, err)
		}
		if err := signer.Keyring().Verify(got); !errors.Is(err, tt.want) {
			t.Errorf("%s changed: Verify() = %v; want %v", tt.name, err, tt.want)
		}
	}
}

func testHoldersOfSubject(t *testing.T, db *sqldb.DB) {
	storeHolder(t, db, "cand-2", "sub-anne")
	storeHolder(t, db, "cand-1", "sub-anne")
	storeHolder(t, db, "cand-3", "sub-bob")
	storeHolder(t, db, "cand-4", "")
	repo := sqlstore.NewHolderRepository(db)
	tests := []struct {
		subject string
		want    string
	}{{"sub-anne", "[cand-1 cand-2]"}, {"sub-bob", "[cand-3]"}, {"sub-nobody", "[]"}, {"", "[]"}}
	for _, tt := range tests {
		got, err := repo.CandidateIDsOfSubject(context.Background(), tt.subject)
		if err != nil || fmt.Sprint(got) != tt.want {
			t.Errorf("CandidateIDsOfSubject(%q) = %v, %v; want %s", tt.subject, got, err, tt.want)
		}
	}
}

func testCountCertificates(t *testing.T, db *sqldb.DB) {
	repo := sqlstore.NewCertificateRepository(db)
	ctx := context.Background()
	if n, err := repo.Count(ctx); err != nil || n != 0 {
		t.Fatalf("Count(empty) = %d, %v; want 0", n, err)
	}
	signer := newSigner(t)
	issueAll(t, db,
		signedCertificate(t, signer, "TP-2026-ABCD-EFGH-X", certificate.Titre, "cand-1", "s1"),
		signedCertificate(t, signer, "TP-2026-ABCD-EFGJ-X", certificate.Titre, "cand-2", "s1"))
	if n, err := repo.Count(ctx); err != nil || n != 2 {
		t.Fatalf("Count = %d, %v; want 2", n, err)
	}
}
