package certificate

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
)

// ContentFormat names the canonical encoding below; it is part of the
// signed content, so that a later encoding can coexist with this one.
const ContentFormat = "titrepro-certificate/1"

// Content returns the canonical encoding of everything the certificate
// asserts: the bytes the signature covers. It is a JSON object whose keys
// are sorted byte-wise at every level (encoding/json sorts map keys), with
// no insignificant white space and no HTML escaping:
//
//	{"by_capitalisation":false,"candidate_id":"…",
//	 "ccps":[{"code":"CCP1","jury_date":"…","label":"…","session_id":"…"}],
//	 "format":"titrepro-certificate/1",
//	 "holder":{"birth_commune":"…","birth_country_code":"FR","birth_date":"…",
//	           "birth_name":"…","given_names":["…"],"usage_name":"…"},
//	 "issue_date":"…","jury_date":"…","key_id":"…","kind":"TITRE",
//	 "number":"TP-…","session_id":"…",
//	 "title":{"id":"TP-00495","label":"…","level":5,"version":"2008"}}
//
// (shown on several lines here; the encoding is one line). The key id is
// signed too, so that a signature cannot be passed off as another key's.
// The status is not: it may change (withdrawal) without re-signing.
func (c Certificate) Content() ([]byte, error) {
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
	doc := map[string]any{
		"format":            ContentFormat,
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("certificate: encode content: %w", err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
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

// Keyring returns the keys that verify this signer's certificates.
func (s *Signer) Keyring() Keyring {
	return Keyring{s.keyID: s.key.Public().(ed25519.PublicKey)}
}

// Sign sets c's key id and signature.
func (s *Signer) Sign(c *Certificate) error {
	c.KeyID = s.keyID
	content, err := c.Content()
	if err != nil {
		return err
	}
	c.Signature = ed25519.Sign(s.key, content)
	return nil
}

// Keyring maps key ids to the public keys that verify certificates. It
// holds the current key, and would hold the retired ones after a rotation.
type Keyring map[string]ed25519.PublicKey

// Verdicts of Keyring.Verify besides nil.
var (
	// ErrUnknownKey reports a certificate signed with a key the keyring
	// does not hold.
	ErrUnknownKey = errors.New("SIGNING_KEY_UNKNOWN")
	// ErrBadSignature reports content that does not match its signature:
	// the record was altered after issue.
	ErrBadSignature = errors.New("SIGNATURE_INVALID")
)

// Verify checks c's signature over its content as it stands now: nil when
// it verifies, ErrUnknownKey or ErrBadSignature when it does not, another
// error when the content cannot be encoded.
func (k Keyring) Verify(c Certificate) error {
	pub, ok := k[c.KeyID]
	if !ok {
		return ErrUnknownKey
	}
	content, err := c.Content()
	if err != nil {
		return err
	}
	if !ed25519.Verify(pub, content, c.Signature) {
		return ErrBadSignature
	}
	return nil
}
