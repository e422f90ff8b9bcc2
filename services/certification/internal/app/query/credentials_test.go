package query_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
)

// countingStatus is a status source whose bits the test sets, counting
// the reads.
type countingStatus struct {
	next  int64
	set   []int64
	reads int
}

func (s *countingStatus) StatusBits(context.Context) (int64, []int64, error) {
	s.reads++
	return s.next, slices.Clone(s.set), nil
}

// TestCredentialsOfACertificateForItsHolder: the holder, the ministry and
// admins get a certificate's credentials (the same bytes at each call);
// anyone else is denied as for GetCertificate; a certificate not in force
// gives none; a name the certificate has not is NOT_FOUND.
func TestCredentialsOfACertificateForItsHolder(t *testing.T) {
	t.Parallel()
	db, signer := certificatesDB(t)
	certs, holders := sqlstore.NewCertificateRepository(db), sqlstore.NewHolderRepository(db)
	titles := sqlstore.NewTitleRepository(db, outbox.New(db))
	iss, err := credential.NewIssuer("https://titrepro.example.fr")
	if err != nil {
		t.Fatal(err)
	}
	h := query.NewCredentialsHandler(query.NewGetCertificateHandler(certs, holders), titles, signer, signer.Keyring(), iss, certs, time.Now)
	var first []query.Credential
	for _, ctx := range []context.Context{as("sub-anne", auth.RoleCandidate), as("officer", auth.RoleMinistry), as("root", auth.RoleAdmin)} {
		got, err := h.List(ctx, string(annesTitre))
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(got) < 2 || got[0].Kind != credential.KindTitre || !strings.HasSuffix(got[0].ID, "/credentials/titre") {
			t.Fatalf("credentials = %+v", got)
		}
		if first != nil && !slices.Equal(first, got) {
			t.Error("the same certificate gave other credentials")
		}
		first = got
	}
	one, err := h.One(as("sub-anne", auth.RoleCandidate), string(annesTitre), first[1].CcpCode)
	if err != nil || one != first[1] {
		t.Errorf("One(%s) = %+v, %v", first[1].CcpCode, one, err)
	}
	_, err = h.One(as("sub-anne", auth.RoleCandidate), string(annesTitre), "CCP99")
	requireKind(t, err, apperr.KindNotFound, "CREDENTIAL_NOT_FOUND")
	_, err = h.One(as("sub-anne", auth.RoleCandidate), string(annesTitre), strings.Repeat("x", 65))
	requireKind(t, err, apperr.KindInvalidArgument, "INVALID_ARGUMENT")
	for _, ctx := range []context.Context{as("sub-bob", auth.RoleCandidate), as("c1", auth.RoleCentre), as("j1", auth.RoleJuror)} {
		if _, err := h.List(ctx, string(annesTitre)); !errors.Is(err, certificate.ErrReadDenied) {
			t.Errorf("List by a stranger: %v, want ErrReadDenied", err)
		}
	}
	revoked := query.NewCredentialsHandler(query.NewGetCertificateHandler(revokedRepo{certs}, holders), titles, signer,
		signer.Keyring(), iss, certs, time.Now)
	_, err = revoked.List(as("officer", auth.RoleMinistry), string(annesTitre))
	requireKind(t, err, apperr.KindFailedPrecondition, "CERTIFICATE_NOT_IN_FORCE")
}

// TestStatusListSignedAgainOnlyWhenItsBitsChange: every call reads the
// bits; the list is signed again only when a bit changes or the list
// grows by a block, so issuing certificates keeps the same bytes (and
// validFrom) for every verifier.
func TestStatusListSignedAgainOnlyWhenItsBitsChange(t *testing.T) {
	t.Parallel()
	db, signer := certificatesDB(t)
	certs, holders := sqlstore.NewCertificateRepository(db), sqlstore.NewHolderRepository(db)
	titles := sqlstore.NewTitleRepository(db, outbox.New(db))
	iss, _ := credential.NewIssuer("https://titrepro.example.fr")
	clock := time.Date(2027, 1, 15, 10, 0, 0, 0, time.UTC)
	status := &countingStatus{next: 3}
	h := query.NewCredentialsHandler(query.NewGetCertificateHandler(certs, holders), titles, signer, signer.Keyring(), iss, status,
		func() time.Time { clock = clock.Add(time.Minute); return clock })
	ctx := context.Background()
	a, err := h.StatusList(ctx, credential.StatusPurposeRevocation)
	if err != nil {
		t.Fatal(err)
	}
	status.next = 10 // certificates issued: the same list
	if b, _ := h.StatusList(ctx, credential.StatusPurposeRevocation); b != a {
		t.Error("issuing certificates signed the list again")
	}
	status.set = []int64{1}
	c, _ := h.StatusList(ctx, credential.StatusPurposeRevocation)
	if c == a {
		t.Error("a revocation did not change the list")
	}
	status.next = credential.MinStatusListBits + 1
	if d, _ := h.StatusList(ctx, credential.StatusPurposeRevocation); d == c {
		t.Error("a list grown by a block kept the old bytes")
	}
	if status.reads != 4 {
		t.Errorf("bits read %d times; want once per call", status.reads)
	}
	_, err = h.StatusList(ctx, "suspension")
	requireKind(t, err, apperr.KindNotFound, "STATUS_LIST_NOT_FOUND")
}
