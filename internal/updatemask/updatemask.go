// Package updatemask checks the update mask of an AIP-134 Update request:
// every path names a field the client may change, and at least one does.
// Each bad path is reported as a field violation on "update_mask", all of
// them at once, so that a client can fix its mask in one round trip.
package updatemask

import (
	"fmt"
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Field is the request field that carries the mask.
const Field = "update_mask"

// etagPath is accepted and ignored: the etag is the precondition of the
// update, not data, and grpc-gateway puts it in the mask it derives from a
// PATCH body.
const etagPath = "etag"

// Rules say what one resource's mask may name.
type Rules struct {
	// Updatable reports whether path names a field the client may change.
	Updatable func(path string) bool
	// OutputOnly reports whether path names a field the server sets: naming
	// it is an error rather than silently ignored, so a client learns its
	// mistake.
	OutputOnly func(path string) bool
	// Immutable returns why path may not change (e.g. `"subject" is
	// immutable once set`), or "" when it may. Nil: nothing is.
	Immutable func(path string) string
	// Unknown describes a path that names no updatable field; it holds one
	// %q for the path, e.g. "%q is not a field of Candidate".
	Unknown string
	// Example is a mask shown when the mask is empty, e.g.
	// "email,postal_address".
	Example string
}

// Check returns the updatable paths of the mask, sorted (a parent before
// its children) and without duplicates, or an InvalidArgument error with the
// violation of every bad path: "*", output-only, immutable and unknown paths,
// and an empty mask.
func (r Rules) Check(paths []string) ([]string, error) {
	var bad apperr.Violations
	add := func(description string) { bad.Add(Field, description) }
	var out []string
	for _, p := range paths {
		switch {
		case p == etagPath:
		case p == "*":
			add(`"*" is not supported: list the fields to change`)
		case r.OutputOnly(p):
			add(fmt.Sprintf("%q is output only", p))
		case r.Immutable != nil && r.Immutable(p) != "":
			add(r.Immutable(p))
		case !r.Updatable(p):
			add(fmt.Sprintf(r.Unknown, p))
		default:
			out = append(out, p)
		}
	}
	if len(bad) == 0 && len(out) == 0 {
		add(fmt.Sprintf("required: list the fields to change, e.g. %q", r.Example))
	}
	if err := bad.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}
