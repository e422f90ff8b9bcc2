package catalogue

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"
)

// Parse reads one title version from the YAML file called name (used in the
// error messages only) and validates it. Decoding is strict: an unknown field
// is an error. Every problem is reported in one ErrInvalidTitleVersion whose
// message reads "name:line: field: rule: description; ...".
func Parse(name string, data []byte) (TitleVersion, error) {
	t, _, vs := parse(name, data)
	if len(vs) > 0 {
		return TitleVersion{}, invalidError(vs)
	}
	return t, nil
}

// parse does the work of Parse and also returns the positions of the fields,
// so that LoadDir can point at the line of a duplicate version.
func parse(name string, data []byte) (TitleVersion, positions, []violation) {
	fail := func(pos positions, vs ...violation) (TitleVersion, positions, []violation) {
		for i := range vs {
			vs[i].file = name
			if vs[i].line == 0 {
				vs[i].line = pos.lineOf(vs[i].field)
			}
		}
		return TitleVersion{}, pos, vs
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fail(positions{}, syntaxViolation(err))
	}
	if len(root.Content) == 0 {
		return fail(positions{}, violation{msg: "the file is empty"})
	}
	if top := root.Content[0]; top.Kind != yaml.MappingNode {
		return fail(positions{}, violation{line: top.Line, msg: "a title file must be a YAML mapping"})
	}
	pos := indexPositions(&root)

	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return fail(pos, decodeViolations(err, pos)...)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fail(pos, violation{line: extra.Line, msg: "a title file must hold one YAML document only"})
	}

	t, vs := doc.toTitle()
	vs = mergeViolations(vs, validate(t))
	if len(vs) > 0 {
		return fail(pos, vs...)
	}
	return t, pos, nil
}

// mergeViolations appends the rule violations for fields that have no
// conversion violation yet: a malformed date is not also "required".
func mergeViolations(first, more []violation) []violation {
	seen := map[string]bool{}
	for _, v := range first {
		seen[v.field] = true
	}
	for _, v := range more {
		if !seen[v.field] {
			first = append(first, v)
		}
	}
	return first
}
