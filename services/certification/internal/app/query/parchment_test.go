package query_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// revokedRepo answers every certificate as revoked.
type revokedRepo struct{ certificate.Repository }

func (r revokedRepo) Get(ctx context.Context, n certificate.Number) (certificate.Certificate, error) {
	c, err := r.Repository.Get(ctx, n)
	c.Status = certificate.Revoked
	return c, err
}

// capture is a printer that keeps what it was asked to print.
type capture struct{ got *query.Parchment }

func (c capture) ParchmentPDF(p query.Parchment) ([]byte, error) {
	*c.got = p
	return []byte("%PDF-"), nil
}

// TestParchmentIsPrintedForTheHolderWithAVerifiableProof: the holder, the
// ministry and admins get the parchment of a certificate in force, with the
// QR address of the public verification page and a proof the published
// keys verify; anyone else is denied as for GetCertificate, and a revoked
// certificate is not printed.
func TestParchmentIsPrintedForTheHolderWithAVerifiableProof(t *testing.T) {
	t.Parallel()
	db, signer := certificatesDB(t)
	certs, holders := sqlstore.NewCertificateRepository(db), sqlstore.NewHolderRepository(db)
	titles := sqlstore.NewTitleRepository(db, outbox.New(db))
	at := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
	var got query.Parchment
	h := query.NewParchmentHandler(query.NewGetCertificateHandler(certs, holders), titles, signer,
		"https://titrepro.example.fr", capture{&got}, func() time.Time { return at })

	for _, ctx := range []context.Context{as("sub-anne", auth.RoleCandidate), as("officer", auth.RoleMinistry), as("root", auth.RoleAdmin)} {
		if _, err := h.PDF(ctx, query.GetParchment{Number: string(annesTitre), Duplicate: true}); err != nil {
			t.Fatalf("PDF: %v", err)
		}
		if got.Certificate.Number != annesTitre || !got.Duplicate || !got.PrintedAt.Equal(at) {
			t.Errorf("printed %+v", got)
		}
		if !strings.HasPrefix(got.URL, "https://titrepro.example.fr/verifier/"+string(annesTitre)+"#"+got.Proof) {
			t.Errorf("QR address %q", got.URL)
		}
		if p, err := signer.Keyring().VerifyProof(got.Proof); err != nil || p.Number != string(annesTitre) {
			t.Errorf("proof %+v: %v", p, err)
		}
	}
	if _, err := h.PDF(as("sub-bob", auth.RoleCandidate), query.GetParchment{Number: string(annesTitre)}); !errors.Is(err, certificate.ErrReadDenied) {
		t.Errorf("another candidate: %v, want ErrReadDenied", err)
	}
	revoked := query.NewParchmentHandler(query.NewGetCertificateHandler(revokedRepo{certs}, holders), titles, signer,
		"https://titrepro.example.fr", capture{&got}, time.Now)
	if _, err := revoked.PDF(as("officer", auth.RoleMinistry), query.GetParchment{Number: string(annesTitre)}); !errors.Is(err, query.ErrCertificateRevoked) {
		t.Errorf("a revoked certificate: %v, want CERTIFICATE_REVOKED", err)
	}
}
