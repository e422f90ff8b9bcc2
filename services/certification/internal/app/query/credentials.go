package query

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
)

// Errors of the credential queries.
var (
	// ErrCertificateNotInForce: no credential is issued for a certificate
	// that is not ISSUED (revoked, withdrawn); those issued before verify
	// as revoked through the status list.
	ErrCertificateNotInForce = apperr.New(apperr.KindFailedPrecondition, "CERTIFICATE_NOT_IN_FORCE",
		"this certificate is no longer in force: no credential is issued for it")
	// ErrCredentialNotFound: the certificate has no credential of this
	// name (neither "titre" for a titre nor one of its CCP codes).
	ErrCredentialNotFound = apperr.New(apperr.KindNotFound, "CREDENTIAL_NOT_FOUND",
		"this certificate has no credential of this name")
	// ErrStatusListNotFound: titrepro publishes the revocation list only.
	ErrStatusListNotFound = apperr.New(apperr.KindNotFound, "STATUS_LIST_NOT_FOUND",
		"no status list has this purpose: titrepro publishes \"revocation\"")
)

// maxCredentialName bounds the name of a credential in a request: "titre"
// or a CCP code.
const maxCredentialName = 64

// Credential is one verifiable credential of a certificate, secured.
type Credential struct {
	Kind    credential.Kind
	CcpCode string // KindCcp
	ID      string
	Name    string // the credential's name (title or CCP label)
	JWS     string // compact JWS, media type credential.MediaType
}

// CredentialsHandler issues the verifiable credentials of certificates,
// the issuer's DID document and the status list (docs/credentials.md).
type CredentialsHandler struct {
	get    GetCertificateHandler
	titles catalogue.Repository
	signer *certificate.Signer
	keys   certificate.Keyring
	issuer credential.Issuer
	status credential.StatusSource
	now    func() time.Time
	list   *statusListCache
}

// statusListCache keeps the last signed status list with the bits it was
// built from: while no certificate changes status or is issued, every
// verifier gets the same bytes without a signature nor a compression.
type statusListCache struct {
	mu   sync.Mutex
	next int64 // the length of the list in bits
	set  []int64
	jws  string
}

// NewCredentialsHandler returns the handler; keys is the whole key ring
// (current and retired keys) the DID document publishes.
func NewCredentialsHandler(get GetCertificateHandler, titles catalogue.Repository, signer *certificate.Signer,
	keys certificate.Keyring, issuer credential.Issuer, status credential.StatusSource, now func() time.Time,
) CredentialsHandler {
	return CredentialsHandler{
		get: get, titles: titles, signer: signer, keys: keys, issuer: issuer, status: status, now: now,
		list: &statusListCache{},
	}
}

// List returns the credentials of certificate number, under
// GetCertificate's access rules (the holder, the ministry, admins): for a
// titre the titre's then one per CCP, for a livret one per CCP held.
func (h CredentialsHandler) List(ctx context.Context, number string) ([]Credential, error) {
	c, err := h.get.Handle(ctx, GetCertificate{Number: number})
	if err != nil {
		return nil, err
	}
	if c.Status != certificate.Issued {
		return nil, ErrCertificateNotInForce.WithMeta("number", string(c.Number)).WithMeta("status", string(c.Status))
	}
	var title catalogue.TitleVersion
	pub, err := h.titles.Get(ctx, catalogue.Key{Code: c.TitleCode, Version: c.TitleVersion})
	switch {
	case err == nil:
		title = pub.Title
	case !errors.Is(err, catalogue.ErrTitleNotFound):
		return nil, err
	}
	built, err := credential.Build(h.issuer, c, title)
	if err != nil {
		return nil, err
	}
	out := make([]Credential, 0, len(built))
	for _, u := range built {
		jws, err := credential.Secure(h.signer, h.issuer, u.Document)
		if err != nil {
			return nil, err
		}
		name, _ := u.Document["name"].(string)
		out = append(out, Credential{Kind: u.Kind, CcpCode: u.CcpCode, ID: u.ID, Name: name, JWS: jws})
	}
	return out, nil
}

// One returns the credential name ("titre" or a CCP code) of certificate
// number, with List's rules.
func (h CredentialsHandler) One(ctx context.Context, number, name string) (Credential, error) {
	if name == "" || len(name) > maxCredentialName {
		return Credential{}, apperr.Invalid(apperr.FieldViolation{Field: "credential", Description: `"titre" or a CCP code of the certificate`})
	}
	all, err := h.List(ctx, number)
	if err != nil {
		return Credential{}, err
	}
	for _, c := range all {
		if (c.Kind == credential.KindTitre && name == credential.TitreID) || (c.Kind == credential.KindCcp && c.CcpCode == name) {
			return c, nil
		}
	}
	return Credential{}, ErrCredentialNotFound.WithMeta("number", number).WithMeta("credential", name)
}

// DIDDocument returns the issuer's DID document as JSON, for anyone.
func (h CredentialsHandler) DIDDocument(context.Context) ([]byte, error) {
	return json.Marshal(credential.DIDDocument(h.issuer, h.keys))
}

// StatusList returns the status list credential of purpose, secured, for
// anyone: the bits of the certificates not ISSUED. It reads the bits at
// each call (two indexed queries whose cost follows the number of
// certificates not in force) and signs a new list only when they changed (a status changed, or the
// list grew by a block): issuing certificates does not re-sign it.
func (h CredentialsHandler) StatusList(ctx context.Context, purpose string) (string, error) {
	if purpose != credential.StatusPurposeRevocation {
		if len(purpose) > maxCredentialName {
			purpose = purpose[:maxCredentialName]
		}
		return "", ErrStatusListNotFound.WithMeta("purpose", purpose)
	}
	next, set, err := h.status.StatusBits(ctx)
	if err != nil {
		return "", err
	}
	h.list.mu.Lock()
	defer h.list.mu.Unlock()
	if h.list.jws != "" && h.list.next == credential.StatusListBits(next) && slices.Equal(h.list.set, set) {
		return h.list.jws, nil
	}
	doc, err := credential.StatusList(h.issuer, next, set, h.now())
	if err != nil {
		return "", err
	}
	jws, err := credential.Secure(h.signer, h.issuer, doc)
	if err != nil {
		return "", err
	}
	h.list.next, h.list.set, h.list.jws = credential.StatusListBits(next), set, jws
	return jws, nil
}
