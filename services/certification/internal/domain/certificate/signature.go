package certificate

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/titrepro/titrepro/internal/canonjson"
)

// The content formats: the canonical encodings a certificate's signature
// may cover. The format is part of the signed content and is stored with
// the certificate, so that certificates signed in an earlier format keep
// verifying after a later one is introduced (docs/signatures.md).
const (
	// FormatV1 is the encoding of the first certificates: encoding/json
	// output of the content with sorted keys and no HTML escaping. It is
	// close to RFC 8785 but not equal (control characters and U+2028/U+2029
	// are escaped differently), so it is only verified, never signed.
	FormatV1 = "titrepro-certificate/1"
	// FormatV2 is the RFC 8785 (JCS) encoding of the same document: any
	// JCS implementation recomputes the signed bytes.
	FormatV2 = "titrepro-certificate/2"
	// CurrentFormat is the format new certificates are signed in.
	CurrentFormat = FormatV2
)

// ErrUnknownFormat reports a certificate whose format is none of the
// above.
var ErrUnknownFormat = errors.New("certificate: unknown content format")

// Content returns the canonical encoding of everything the certificate
// asserts, in its Format: the bytes the signature covers. Both formats
// encode the same JSON document, one line, keys sorted at every level:
//
//	{"by_capitalisation":false,"candidate_id":"…",
//	 "ccps":[{"code":"CCP1","jury_date":"…","label":"…","session_id":"…"}],
//	 "format":"titrepro-certificate/2",
//	 "holder":{"birth_commune":"…","birth_country_code":"FR","birth_date":"…",
//	           "birth_name":"…","given_names":["…"],"usage_name":"…"},
//	 "issue_date":"…","jury_date":"…","key_id":"…","kind":"TITRE",
//	 "number":"TP-…","session_id":"…",
//	 "title":{"id":"TP-00495","label":"…","level":5,"version":"2008"}}
//
// (shown on several lines here). The format and the key id are signed too,
// so that a signature cannot be passed off as another format's or another
// key's. The status is not: it may change (withdrawal) without re-signing.
func (c Certificate) Content() ([]byte, error) {
	doc := c.document()
	switch c.Format {
	case FormatV2:
		out, err := canonjson.Marshal(doc)
		if err != nil {
			return nil, fmt.Errorf("certificate: encode content: %w", err)
		}
		return out, nil
	case FormatV1:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(doc); err != nil {
			return nil, fmt.Errorf("certificate: encode content: %w", err)
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknownFormat, c.Format)
	}
}

// document is the JSON document both formats encode; only "format"
// differs between them.
func (c Certificate) document() map[string]any {
	ccps := make([]map[string]any, 0, len(c.Ccps))
	for _, k := range c.Ccps {
		ccps = append(ccps, map[string]any{
			"code": k.Code, "label": k.Label, "session_id": k.SessionID, "jury_date": k.JuryDate,
		})
	}
	givenNames := c.Holder.GivenNames
	if givenNames == nil {
		givenNames = []string{}
	}
	return map[string]any{
		"format":            c.Format,
		"number":            string(c.Number),
		"kind":              string(c.Kind),
		"candidate_id":      c.CandidateID,
		"by_capitalisation": c.ByCapitalisation,
		"holder": map[string]any{
			"birth_name":         c.Holder.BirthName,
			"usage_name":         c.Holder.UsageName,
			"given_names":        givenNames,
			"birth_date":         c.Holder.BirthDate,
			"birth_commune":      c.Holder.BirthCommune,
			"birth_country_code": c.Holder.BirthCountryCode,
		},
		"title": map[string]any{
			"id": c.TitleCode, "version": c.TitleVersion, "label": c.TitleLabel, "level": c.TitleLevel,
		},
		"ccps":       ccps,
		"session_id": c.SessionID,
		"jury_date":  c.JuryDate,
		"issue_date": c.IssueDate,
		"key_id":     c.KeyID,
	}
}

// KeyID returns the id of a public key: the first 16 hex digits of its
// SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:8])
}

// Signer signs certificates with the authority's private key.
type Signer struct {
	key   ed25519.PrivateKey
	keyID string
}

// NewSigner returns a signer of key.
func NewSigner(key ed25519.PrivateKey) (*Signer, error) {
	if len(key) != ed25519.PrivateKeySize {
		return nil, errors.New("certificate: signing key is not an Ed25519 private key")
	}
	return &Signer{key: key, keyID: KeyID(key.Public().(ed25519.PublicKey))}, nil
}

// KeyID returns the id of the signing key.
func (s *Signer) KeyID() string { return s.keyID }

// PublicKey returns the public key that verifies this signer's
// certificates.
func (s *Signer) PublicKey() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Keyring returns a keyring of this signer's key alone.
func (s *Signer) Keyring() Keyring { return NewKeyring(s.PublicKey()) }

// Sign sets c's format (CurrentFormat), key id and signature.
func (s *Signer) Sign(c *Certificate) error {
	c.Format = CurrentFormat
	c.KeyID = s.keyID
	content, err := c.Content()
	if err != nil {
		return err
	}
	c.Signature = ed25519.Sign(s.key, content)
	return nil
}
