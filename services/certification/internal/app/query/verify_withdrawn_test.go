package query_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/withdrawal"
)

// TestR59_AWithdrawnCertificateVerifiesAsWithdrawn: the signature still
// verifies, the certificate is not valid, the verdict gives the date of the
// decision and never its motivation.
func TestR59_AWithdrawnCertificateVerifiesAsWithdrawn(t *testing.T) {
	t.Parallel()
	db, signer := certificatesDB(t)
	if err := outbox.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	store := sqlstore.NewDecisionStore(db, outbox.New(db))
	const motivation = "Fraude établie : substitution d'identité à l'épreuve."
	err := store.InDecision(context.Background(), func(ctx context.Context, u command.DecisionUnit) error {
		c, err := u.Certificate(ctx, annesTitre)
		if err != nil {
			return err
		}
		d, err := withdrawal.Decide(withdrawal.Request{Number: string(c.Number), Motivation: motivation, Reference: "A-42",
			DecidedOn: c.IssueDate}, c, civildate.Of(time.Now()), "officer")
		if err != nil {
			return err
		}
		d.ID, d.Withdrawn, d.WithdrawnAt = "w-1", []certificate.Number{c.Number}, time.Now().UTC()
		return u.Withdraw(ctx, d)
	})
	if err != nil {
		t.Fatalf("withdraw: %v", err)
	}
	v, err := query.NewVerifyCertificateHandler(sqlstore.NewCertificateRepository(db), signer.Keyring(), store).
		Handle(context.Background(), query.VerifyCertificate{Number: string(annesTitre)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Valid || !v.SignatureValid || v.Certificate.Status != certificate.Withdrawn || v.Reason != query.ReasonNotInForce ||
		v.WithdrawnOn != v.Certificate.IssueDate || !strings.Contains(v.Message, "withdrawn") || strings.Contains(v.Message, "substitution") {
		t.Errorf("verification = %+v", v)
	}
}
