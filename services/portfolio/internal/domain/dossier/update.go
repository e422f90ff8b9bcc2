package dossier

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/updatemask"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// updatablePaths copy one part of a patch into the content. Lists are
// replaced as a whole.
var updatablePaths = map[string]func(dst *Content, src Content){
	"examples":             func(dst *Content, src Content) { dst.Examples = slices.Clone(src.Examples) },
	"prior_qualifications": func(dst *Content, src Content) { dst.Qualifications = slices.Clone(src.Qualifications) },
	"sworn_statement": func(dst *Content, src Content) {
		dst.Sworn.SignerName, dst.Sworn.Place, dst.Sworn.Date = src.Sworn.SignerName, src.Sworn.Place, src.Sworn.Date
	},
	"sworn_statement.signer_name": func(dst *Content, src Content) { dst.Sworn.SignerName = src.Sworn.SignerName },
	"sworn_statement.place":       func(dst *Content, src Content) { dst.Sworn.Place = src.Sworn.Place },
	"sworn_statement.date":        func(dst *Content, src Content) { dst.Sworn.Date = src.Sworn.Date },
}

// immutablePaths are set at creation and never change.
var immutablePaths = []string{"candidate_id", "title_id", "title_version"}

// outputOnlyPaths are set by the server; naming them (or a field under
// them) in a mask is an error rather than silently ignored.
var outputOnlyPaths = []string{"id", "cover", "documents", "total_document_bytes", "create_time",
	"update_time", "sworn_statement.sign_time"}

// CheckUpdateMask returns the InvalidArgument error Update would return for
// these mask paths, or nil. Callers use it to refuse a malformed request
// before checking the etag.
func CheckUpdateMask(paths []string) error {
	_, err := checkPaths(paths)
	return err
}

// maskRules say what a dossier's update mask may name: an output-only
// field covers the fields under it.
var maskRules = updatemask.Rules{
	Updatable: func(p string) bool { _, ok := updatablePaths[p]; return ok },
	OutputOnly: func(p string) bool {
		return slices.ContainsFunc(outputOnlyPaths, func(o string) bool { return p == o || strings.HasPrefix(p, o+".") })
	},
	Immutable: func(p string) string {
		if slices.Contains(immutablePaths, p) {
			return fmt.Sprintf("%q is immutable", p)
		}
		return ""
	},
	Unknown: "%q is not an updatable field of Dossier",
	Example: "examples,sworn_statement",
}

// checkPaths returns the updatable paths of the mask, sorted and without
// duplicates, or the violations of every bad path.
func checkPaths(paths []string) ([]string, error) { return maskRules.Check(paths) }

// Update copies the parts of patch named by paths (update-mask paths of the
// API resource) into the draft, validates the result for title t at
// instant now and, if anything changed, bumps the version. The sworn
// statement's sign time is set when its text changes and is complete, and
// cleared when it becomes incomplete. A mask that changes nothing is a
// successful no-op.
func (d *Dossier) Update(patch Content, paths []string, t refdata.Title, now time.Time) error {
	paths, err := checkPaths(paths)
	if err != nil {
		return err
	}
	src := patch.normalized()
	next := d.content.Clone()
	for _, p := range paths {
		updatablePaths[p](&next, src)
	}
	if err := next.validate(requestPrefix, t, now); err != nil {
		return err
	}
	next.assignExampleIDs()
	if !next.Sworn.sameText(d.content.Sworn) {
		next.Sworn.SignedAt = time.Time{}
		if next.Sworn.Complete() {
			next.Sworn.SignedAt = storedTime(now)
		}
	}
	if reflect.DeepEqual(normalizedNil(next), normalizedNil(d.content)) {
		return nil
	}
	d.content = next
	d.touch(now)
	return nil
}

// normalizedNil makes empty and nil lists compare equal.
func normalizedNil(c Content) Content {
	if len(c.Examples) == 0 {
		c.Examples = nil
	}
	if len(c.Qualifications) == 0 {
		c.Qualifications = nil
	}
	return c
}
