package catalogue

import (
	"errors"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var (
	syntaxLineRe = regexp.MustCompile(`line (\d+): `)
	typeErrRe    = regexp.MustCompile(`^line (\d+): (.*)$`)
	notFoundRe   = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	alreadySetRe = regexp.MustCompile(`^field (\S+) already set in type \S+$`)
	dupKeyRe     = regexp.MustCompile(`^mapping key "(.*)" already defined at line (\d+)$`)
	unmarshalRe  = regexp.MustCompile(`^cannot unmarshal (.*) into (\S+)$`)
)

// syntaxViolation turns a YAML syntax error into a violation with its line.
func syntaxViolation(err error) violation {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	v := violation{msg: "invalid YAML: " + msg}
	if m := syntaxLineRe.FindStringSubmatchIndex(msg); m != nil {
		v.line, _ = strconv.Atoi(msg[m[2]:m[3]])
		v.msg = "invalid YAML: " + msg[:m[0]] + msg[m[1]:]
	}
	return v
}

// decodeViolations turns the errors of the strict decoder into violations
// that name the field written on the reported line. yaml.v3 keeps decoding
// after a type error, so every bad field of the file is reported at once.
func decodeViolations(err error, pos positions) []violation {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return []violation{syntaxViolation(err)}
	}
	vs := make([]violation, 0, len(te.Errors))
	for _, e := range te.Errors {
		m := typeErrRe.FindStringSubmatch(e)
		if m == nil {
			vs = append(vs, violation{msg: e})
			continue
		}
		line, _ := strconv.Atoi(m[1]) // the pattern guarantees digits
		v := violation{line: line, msg: m[2]}
		name, collection := "", false
		if f := notFoundRe.FindStringSubmatch(m[2]); f != nil {
			name, v.msg = f[1], "unknown field "+quote(f[1])
		} else if f := alreadySetRe.FindStringSubmatch(m[2]); f != nil {
			name, v.msg = f[1], "field "+quote(f[1])+" is given twice"
		} else if f := dupKeyRe.FindStringSubmatch(m[2]); f != nil {
			name, v.msg = f[1], "field "+quote(f[1])+" is given twice (first at line "+f[2]+")"
		} else if f := unmarshalRe.FindStringSubmatch(m[2]); f != nil {
			v.msg = "cannot read " + f[1] + " as " + goTypeName(f[2])
			collection = strings.HasPrefix(f[1], "!!seq") || strings.HasPrefix(f[1], "!!map")
		}
		v.field = pos.pathAt(line, name, collection)
		vs = append(vs, v)
	}
	return vs
}

// goTypeName names a Go type of the document in the words of the file.
func goTypeName(t string) string {
	switch {
	case strings.HasPrefix(t, "[]"):
		return "a list"
	case t == "int" || t == "*int":
		return "an integer"
	case t == "string":
		return "a string"
	default:
		return "a mapping"
	}
}
