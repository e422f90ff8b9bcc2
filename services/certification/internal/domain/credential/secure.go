package credential

import (
	"encoding/base64"
	"fmt"

	"github.com/titrepro/titrepro/internal/canonjson"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// The media type of a credential secured with JOSE (VC-JOSE-COSE §3.1):
// its JWS header says typ "vc+jwt" and cty "vc", and it is served as
// application/vc+jwt.
const (
	MediaType = "application/vc+jwt"
	TypHeader = "vc+jwt"
	CtyHeader = "vc"
)

// Secure returns doc secured as a compact JWS by s, the kid naming s's
// verification method in the issuer's DID document. The payload is the
// RFC 8785 (JCS) encoding of doc: deterministic, so that the same document
// and key always give the same credential.
func Secure(s *certificate.Signer, i Issuer, doc map[string]any) (string, error) {
	payload, err := canonjson.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("credential: encode: %w", err)
	}
	return s.SignJWS(payload, TypHeader, CtyHeader, i.VerificationMethod(s.KeyID()))
}

// DIDDocument returns the issuer's DID document: every key of the ring
// (the current one and those retired by a rotation, which still verify the
// credentials they signed) as a JsonWebKey verification method with its
// publicKeyJwk (OKP, Ed25519), each usable for assertions.
func DIDDocument(i Issuer, keys certificate.Keyring) map[string]any {
	methods := make([]any, 0, len(keys))
	refs := make([]string, 0, len(keys))
	for _, id := range keys.IDs() {
		vm := i.VerificationMethod(id)
		methods = append(methods, map[string]any{
			"id": vm, "type": "JsonWebKey", "controller": i.DID,
			"publicKeyJwk": map[string]any{
				"kty": "OKP", "crv": "Ed25519", "x": base64.RawURLEncoding.EncodeToString(keys[id]), "kid": id, "alg": "EdDSA",
			},
		})
		refs = append(refs, vm)
	}
	return map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"},
		"id":                 i.DID,
		"verificationMethod": methods,
		"assertionMethod":    refs,
	}
}
