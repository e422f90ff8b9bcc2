// Package canonjson encodes values in the JSON Canonicalization Scheme
// (JCS, RFC 8785): the one byte sequence every conforming implementation,
// in any language, produces for the same JSON value. titrepro hashes and
// signs these bytes (docs/signatures.md), so that a third party recomputes
// them with any JCS library, or with JSON.stringify and sorted keys.
//
// The canonicalization itself is github.com/gowebpki/jcs (the Go version of
// the RFC's reference implementation); this package only feeds it the JSON
// that encoding/json produces for a value.
package canonjson

import (
	"encoding/json"
	"fmt"

	"github.com/gowebpki/jcs"
)

// Marshal returns the JCS encoding of v: v is encoded by encoding/json
// (struct tags and map keys name the members), then canonicalised: members
// sorted by their UTF-16 code units, no insignificant white space, strings
// escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript form.
// Numbers must fit an IEEE 754 double exactly (I-JSON): use strings for
// larger integers.
func Marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonjson: encode: %w", err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("canonjson: canonicalise: %w", err)
	}
	return out, nil
}
