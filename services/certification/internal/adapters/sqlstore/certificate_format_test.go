package sqlstore_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"strings"
	"testing"

	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// TestCertificateIssuedBeforeFormatColumnVerifies: a row written before
// migration 0003 has no format; the column's default names the first
// format, the one such certificates were signed in, so they keep verifying.
// Relabelling the format of a row is detected (the format is signed).
func TestCertificateIssuedBeforeFormatColumnVerifies(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := openDB(t, e)
			ctx := context.Background()
			pub, key, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			signer, err := certificate.NewSigner(key)
			if err != nil {
				t.Fatal(err)
			}
			// Signed as the first release signed: format 1, no format column.
			c := signedCertificate(t, signer, "TP-2026-ABCD-EFGH-X", certificate.Titre, "cand-1", "s1")
			c.Format = certificate.FormatV1
			content, err := c.Content()
			if err != nil {
				t.Fatal(err)
			}
			c.Signature = ed25519.Sign(key, content)
			issueAll(t, db, c)
			writeWithoutFormat(t, db, c.Number)

			got, err := sqlstore.NewCertificateRepository(db).Get(ctx, c.Number)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if got.Format != certificate.FormatV1 {
				t.Fatalf("format of a row without one = %q; want %q", got.Format, certificate.FormatV1)
			}
			ring := certificate.NewKeyring(pub)
			if err := ring.Verify(got); err != nil {
				t.Fatalf("Verify(pre-0003 certificate) = %v; want nil", err)
			}
			if _, err := db.ExecContext(ctx, `UPDATE certificates SET format = $1 WHERE number = $2`,
				certificate.FormatV2, string(c.Number)); err != nil {
				t.Fatal(err)
			}
			got, err = sqlstore.NewCertificateRepository(db).Get(ctx, c.Number)
			if err != nil {
				t.Fatal(err)
			}
			if err := ring.Verify(got); !errors.Is(err, certificate.ErrBadSignature) {
				t.Fatalf("Verify(format relabelled) = %v; want ErrBadSignature", err)
			}
		})
	}
}

// writeWithoutFormat rewrites certificate n's row with every column but
// format, as the first schema wrote it.
func writeWithoutFormat(t *testing.T, db *sqldb.DB, n certificate.Number) {
	t.Helper()
	ctx := context.Background()
	cols := `number, kind, candidate_id, holder_birth_name, holder_usage_name, holder_given_names,
	holder_birth_date, holder_birth_commune, holder_birth_country_code, title_id, title_version, title_label,
	title_level, ccps, by_capitalisation, session_id, jury_date, issue_date, issued_at, key_id, signature, status`
	for _, q := range []string{
		`CREATE TABLE old_certificates AS SELECT ` + cols + ` FROM certificates WHERE number = '` + string(n) + `'`,
		`DELETE FROM certificates WHERE number = '` + string(n) + `'`,
		`INSERT INTO certificates (` + cols + `) SELECT ` + cols + ` FROM old_certificates`,
		`DROP TABLE old_certificates`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", strings.Fields(q)[0], err)
		}
	}
}
