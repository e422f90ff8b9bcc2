package certificate

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/titrepro/titrepro/internal/canonjson"
)

// ProofFormat names the compact proof printed in a parchment's QR code
// (docs/signatures.md). It is signed inside the proof, so that a proof's
// signature can never be taken for a certificate's (whose format member
// is "titrepro-certificate/…") nor the reverse.
const ProofFormat = "titrepro-parchment-proof/1"

// Proof is what a parchment's QR code asserts, short enough for a QR code
// a phone reads: the certificate's number and kind, the holder's name and
// birth date, the title and its level, the CCPs, the issue date, and the
// key that signed it. It is a subset of the certificate, signed on its
// own with the certificate key so that it verifies offline with the
// published keys alone.
type Proof struct {
	Format    string   `json:"format"`
	Number    string   `json:"number"`
	Kind      string   `json:"kind"`
	Holder    string   `json:"holder"`
	BirthDate string   `json:"birth_date"`
	Title     string   `json:"title"`
	Level     int      `json:"level"`
	Ccps      []string `json:"ccps"`
	IssueDate string   `json:"issue_date"`
	KeyID     string   `json:"key_id"`
}

// HolderName is the name printed for a holder: birth name then given
// names, and the usage name when it differs.
func (h Holder) HolderName() string {
	n := strings.TrimSpace(h.BirthName + " " + strings.Join(h.GivenNames, " "))
	if h.UsageName != "" && h.UsageName != h.BirthName {
		n += " (nom d'usage : " + h.UsageName + ")"
	}
	return n
}

// ProofOf returns the proof of c, to be signed by the key keyID.
func ProofOf(c Certificate, keyID string) Proof {
	return Proof{
		Format: ProofFormat, Number: string(c.Number), Kind: string(c.Kind),
		Holder: c.Holder.HolderName(), BirthDate: c.Holder.BirthDate,
		Title: c.TitleCode, Level: c.TitleLevel, Ccps: c.CcpCodes(),
		IssueDate: c.IssueDate, KeyID: keyID,
	}
}

// SignProof returns c's proof signed with s's key, in its printed form:
// base64url(payload) "." base64url(Ed25519 signature over payload), both
// without padding, where payload is the RFC 8785 (JCS) encoding of the
// Proof. Ed25519 being deterministic, the same certificate and key give
// the same proof, so a duplicate prints the same QR code.
func (s *Signer) SignProof(c Certificate) (string, error) {
	p := ProofOf(c, s.keyID)
	if p.Ccps == nil {
		p.Ccps = []string{}
	}
	payload, err := canonjson.Marshal(p)
	if err != nil {
		return "", fmt.Errorf("certificate: encode proof: %w", err)
	}
	sig := ed25519.Sign(s.key, payload)
	b64 := base64.RawURLEncoding
	return b64.EncodeToString(payload) + "." + b64.EncodeToString(sig), nil
}

// ErrMalformedProof reports a string that is not a proof in ProofFormat.
var ErrMalformedProof = errors.New("PROOF_MALFORMED")

// VerifyProof checks a printed proof against the keyring and returns what
// it asserts: ErrMalformedProof when it cannot be read, ErrUnknownKey when
// its key is not in the ring, ErrBadSignature when the payload does not
// match its signature. The signature covers the payload bytes as printed,
// so a verifier needs no canonical encoder.
func (k Keyring) VerifyProof(proof string) (Proof, error) {
	b64 := base64.RawURLEncoding
	payloadB64, sigB64, ok := strings.Cut(proof, ".")
	if !ok {
		return Proof{}, ErrMalformedProof
	}
	payload, err1 := b64.DecodeString(payloadB64)
	sig, err2 := b64.DecodeString(sigB64)
	if err1 != nil || err2 != nil || len(sig) != ed25519.SignatureSize {
		return Proof{}, ErrMalformedProof
	}
	var p Proof
	if err := json.Unmarshal(payload, &p); err != nil || p.Format != ProofFormat {
		return Proof{}, ErrMalformedProof
	}
	pub, ok := k[p.KeyID]
	if !ok {
		return p, ErrUnknownKey
	}
	if !ed25519.Verify(pub, payload, sig) {
		return p, ErrBadSignature
	}
	return p, nil
}

// VerificationURL is the address a parchment's QR code opens: the public
// verification page of the number, the proof in the fragment (which a
// browser never sends to the server, so the proof stays with the phone
// that scanned it): "<publicURL>/verifier/<number>#<proof>".
func VerificationURL(publicURL string, n Number, proof string) string {
	return strings.TrimSuffix(publicURL, "/") + "/verifier/" + string(n) + "#" + proof
}

// ProofFromURL returns the proof of a verification URL (the part after
// '#'), or ErrMalformedProof.
func ProofFromURL(u string) (string, error) {
	_, proof, ok := strings.Cut(u, "#")
	if !ok || proof == "" {
		return "", ErrMalformedProof
	}
	return proof, nil
}
