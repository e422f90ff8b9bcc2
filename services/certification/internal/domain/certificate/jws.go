package certificate

import (
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// SignJWS returns payload secured as a compact JWS (RFC 7515) with s's
// Ed25519 key: protected header {"alg":"EdDSA","cty":cty,"kid":kid,
// "typ":typ}. go-jose writes the header with its keys sorted and Ed25519
// is deterministic, so the same payload and key always give the same
// string. The verifiable credentials (package credential) use it with
// typ "vc+jwt", cty "vc" and kid the did:web verification method of the
// key.
func (s *Signer) SignJWS(payload []byte, typ, cty, kid string) (string, error) {
	opts := (&jose.SignerOptions{}).WithType(jose.ContentType(typ)).WithContentType(jose.ContentType(cty)).
		WithHeader(jose.HeaderKey("kid"), kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.EdDSA, Key: s.key}, opts)
	if err != nil {
		return "", fmt.Errorf("certificate: JWS signer: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("certificate: sign JWS: %w", err)
	}
	return obj.CompactSerialize()
}
