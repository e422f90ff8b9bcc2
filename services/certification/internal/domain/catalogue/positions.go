package catalogue

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// positions maps field paths of a YAML document ("ccps[1].competences") to
// the line where they are written, and back.
type positions struct {
	lines   map[string]int
	entries []posEntry // document order
}

type posEntry struct {
	path       string
	line       int
	collection bool // the value is a mapping or a sequence
}

// indexPositions records the line of every mapping key and sequence item.
func indexPositions(root *yaml.Node) positions {
	p := positions{lines: map[string]int{}}
	p.add("", root.Line, root)
	p.walk(root, "")
	return p
}

// add records that path is written on line (the line of its key, or of the
// item of a sequence) and holds value.
func (p *positions) add(path string, line int, value *yaml.Node) {
	if _, ok := p.lines[path]; !ok {
		p.lines[path] = line
	}
	collection := value.Kind == yaml.MappingNode || value.Kind == yaml.SequenceNode
	p.entries = append(p.entries, posEntry{path: path, line: line, collection: collection})
}

func (p *positions) walk(n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			p.walk(c, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			child := key.Value
			if path != "" {
				child = path + "." + key.Value
			}
			p.add(child, key.Line, value)
			p.walk(value, child)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			child := fmt.Sprintf("%s[%d]", path, i)
			p.add(child, c.Line, c)
			p.walk(c, child)
		}
	}
}

// lineOf returns the line of path, or of its closest written ancestor when
// the field itself is missing from the file.
func (p positions) lineOf(path string) int {
	for {
		if line, ok := p.lines[path]; ok {
			return line
		}
		if path == "" {
			return 0
		}
		path = parentPath(path)
	}
}

// pathAt returns the path of the field written on line. With a name (an
// unknown or repeated key) it is the key of that name; otherwise it is the
// deepest path on the line whose value is a collection or not, as asked:
// in "order: [1]" a !!seq error is about "order", not "order[0]". When
// nothing matches on that line (a value written below its key), it returns
// the last path written before it.
func (p positions) pathAt(line int, name string, collection bool) string {
	best, before := "", ""
	for _, e := range p.entries {
		if e.line < line {
			before = e.path
		}
		if e.line != line {
			continue
		}
		if name != "" {
			if lastElem(e.path) == name {
				return e.path
			}
			continue
		}
		if e.collection == collection && len(e.path) > len(best) {
			best = e.path
		}
	}
	if best == "" {
		return before
	}
	return best
}

// parentPath drops the last element: "a[1].b" -> "a[1]" -> "a" -> "".
func parentPath(path string) string {
	if strings.HasSuffix(path, "]") {
		if i := strings.LastIndexByte(path, '['); i >= 0 {
			return path[:i]
		}
	}
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[:i]
	}
	return ""
}

func lastElem(path string) string {
	if i := strings.LastIndexByte(path, '.'); i >= 0 {
		return path[i+1:]
	}
	return path
}
