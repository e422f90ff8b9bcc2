package credential

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"
)

// StatusPurposeRevocation is the one status purpose titrepro publishes:
// a set bit means the award is no longer in force (revoked by a
// correction of validated minutes, or withdrawn).
const StatusPurposeRevocation = "revocation"

// MinStatusListBits is the smallest status list published: 131,072 bits
// (16 KiB before compression), the size the Bitstring Status List
// recommendation asks for so that a list does not tell which of few
// credentials a verifier checks (group privacy). A list grows by whole
// multiples of it.
const MinStatusListBits = 131072

// StatusListTTL is how long a verifier may keep the list (its ttl
// property, and the Cache-Control max-age the gateway sends).
const StatusListTTL = 5 * time.Minute

// ErrBadEncodedList reports an encodedList that does not decode.
var ErrBadEncodedList = errors.New("credential: malformed encodedList")

// StatusListBits returns the length of the list that holds the indexes
// below next: MinStatusListBits, or the next multiple of it.
func StatusListBits(next int64) int64 {
	if next <= MinStatusListBits {
		return MinStatusListBits
	}
	return (next + MinStatusListBits - 1) / MinStatusListBits * MinStatusListBits
}

// EncodeStatusList returns the encodedList of a bitstring of size bits
// with the bits set at indexes: the multibase base64url (prefix "u", no
// padding) of the GZIP of the bitstring, index 0 being the left-most bit
// of the first byte, as the recommendation specifies. An index outside the
// list is an error.
func EncodeStatusList(size int64, set []int64) (string, error) {
	if size <= 0 || size%8 != 0 {
		return "", fmt.Errorf("credential: status list of %d bits", size)
	}
	bits := make([]byte, size/8)
	for _, i := range set {
		if i < 0 || i >= size {
			return "", fmt.Errorf("credential: status index %d outside a list of %d bits", i, size)
		}
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", err
	}
	// No name nor modification time in the header: the same list gives
	// the same bytes.
	if _, err := zw.Write(bits); err != nil {
		return "", err
	}
	if err := zw.Close(); err != nil {
		return "", err
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// DecodeStatusList returns the indexes set in an encodedList and its
// length in bits: what a verifier does, used by the tests and by nothing
// else. maxBytes bounds the decompressed list.
func DecodeStatusList(encoded string, maxBytes int64) (set []int64, size int64, err error) {
	if len(encoded) < 2 || encoded[0] != 'u' {
		return nil, 0, ErrBadEncodedList
	}
	gz, err := base64.RawURLEncoding.DecodeString(encoded[1:])
	if err != nil {
		return nil, 0, ErrBadEncodedList
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, 0, ErrBadEncodedList
	}
	bits, err := io.ReadAll(io.LimitReader(zr, maxBytes+1))
	if err != nil || int64(len(bits)) > maxBytes {
		return nil, 0, ErrBadEncodedList
	}
	for n, b := range bits {
		for k := range 8 {
			if b&(0x80>>k) != 0 {
				set = append(set, int64(n*8+k))
			}
		}
	}
	return set, int64(len(bits)) * 8, nil
}

// StatusList returns the status list credential (unsigned) of purpose
// revocation: the bits of set raised in a list of StatusListBits(next)
// bits, valid from at.
func StatusList(i Issuer, next int64, set []int64, at time.Time) (map[string]any, error) {
	set = slices.Sorted(slices.Values(set))
	encoded, err := EncodeStatusList(StatusListBits(next), set)
	if err != nil {
		return nil, err
	}
	id := i.StatusListURL(StatusPurposeRevocation)
	return map[string]any{
		"@context":  []string{ContextV2},
		"id":        id,
		"type":      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    i.DID,
		"validFrom": at.UTC().Truncate(time.Second).Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id":            id + "#list",
			"type":          "BitstringStatusList",
			"statusPurpose": StatusPurposeRevocation,
			"encodedList":   encoded,
			"ttl":           StatusListTTL.Milliseconds(),
		},
	}, nil
}
