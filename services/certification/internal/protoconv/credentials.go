package protoconv

import (
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/credential"
)

// Credential converts a secured verifiable credential.
func Credential(c query.Credential) *certificationv1.VerifiableCredential {
	kind := certificationv1.CredentialKind_CREDENTIAL_KIND_CCP
	if c.Kind == credential.KindTitre {
		kind = certificationv1.CredentialKind_CREDENTIAL_KIND_TITRE
	}
	return &certificationv1.VerifiableCredential{Kind: kind, CcpCode: c.CcpCode, Id: c.ID, Name: c.Name, Jws: c.JWS}
}
