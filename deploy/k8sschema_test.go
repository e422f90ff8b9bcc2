package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// kubeconform downloads its JSON schemas from the internet by default; the
// tests run offline. These schemas are made from the Kubernetes OpenAPI
// document kustomize's kyaml embeds (its built-in version, 1.21.2: every
// kind used here is GA there), the way kubeconform's openapi2jsonschema
// makes its "-standalone-strict" ones: one file per kind holding the
// definitions it reaches, and additionalProperties false on every object
// with declared properties, so that a misspelt or misplaced field fails.

// schemaLocation is the kubeconform path template of the schemas written by
// writeSchemas under dir.
func schemaLocation(dir string) string {
	return filepath.Join(dir, "{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}", "{{ .ResourceKind }}{{ .KindSuffix }}.json")
}

// gvk is an apiVersion ("apps/v1", "v1") and a kind.
type gvk struct{ APIVersion, Kind string }

// writeSchemas writes the strict standalone schemas of kinds under dir in
// kubeconform's layout for Kubernetes version "master".
func writeSchemas(t *testing.T, dir string, kinds []gvk) {
	t.Helper()
	raw, err := json.Marshal(openapi.Schema().Definitions)
	if err != nil {
		t.Fatal(err)
	}
	var defs map[string]map[string]any
	if err := json.Unmarshal(raw, &defs); err != nil {
		t.Fatal(err)
	}
	byKind := map[gvk]string{}
	for name, def := range defs {
		strictify(def)
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		for _, g := range gvks {
			m := g.(map[string]any)
			apiVersion := m["version"].(string)
			if group := m["group"].(string); group != "" {
				apiVersion = group + "/" + apiVersion
			}
			byKind[gvk{apiVersion, m["kind"].(string)}] = name
		}
	}
	out := filepath.Join(dir, "master-standalone-strict")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, k := range kinds {
		name, ok := byKind[k]
		if !ok {
			t.Fatalf("no OpenAPI definition for %s %s: not a built-in kind of Kubernetes %s", k.APIVersion, k.Kind, openapi.GetSchemaVersion())
		}
		schema := map[string]any{}
		for key, v := range defs[name] {
			schema[key] = v
		}
		reached := map[string]any{}
		collectRefs(defs, defs[name], reached)
		schema["definitions"] = reached
		b, err := json.Marshal(schema)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, kindFile(k)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// kindFile is kubeconform's file name of a kind's schema:
// "deployment-apps-v1.json", "networkpolicy-networking-v1.json",
// "service-v1.json".
func kindFile(k gvk) string {
	group, version, found := strings.Cut(k.APIVersion, "/")
	suffix := "-" + strings.ToLower(group)
	if found {
		group, _, _ = strings.Cut(group, ".")
		suffix = "-" + strings.ToLower(group) + "-" + strings.ToLower(version)
	}
	return strings.ToLower(k.Kind) + suffix + ".json"
}

// strictify rewrites a definition in place as openapi2jsonschema --strict
// does: objects with properties admit no others, and the two types that
// serialise as a string or a number accept both.
func strictify(node any) {
	switch n := node.(type) {
	case map[string]any:
		if n["format"] == "int-or-string" {
			delete(n, "type")
			delete(n, "format")
			n["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}
		}
		if d, _ := n["description"].(string); strings.HasPrefix(d, "Quantity is a fixed-point representation") {
			delete(n, "type")
			n["oneOf"] = []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}
		}
		_, hasProps := n["properties"].(map[string]any)
		_, hasAdditional := n["additionalProperties"]
		if hasProps && !hasAdditional && n["x-kubernetes-preserve-unknown-fields"] != true {
			n["additionalProperties"] = false
		}
		for _, v := range n {
			strictify(v)
		}
	case []any:
		for _, v := range n {
			strictify(v)
		}
	}
}

// collectRefs adds to reached every definition node refers to, directly or
// not.
func collectRefs(defs map[string]map[string]any, node any, reached map[string]any) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			if _, seen := reached[name]; !seen {
				def, ok := defs[name]
				if !ok {
					panic(fmt.Sprintf("dangling $ref %s", ref))
				}
				reached[name] = def
				collectRefs(defs, def, reached)
			}
		}
		for _, v := range n {
			collectRefs(defs, v, reached)
		}
	case []any:
		for _, v := range n {
			collectRefs(defs, v, reached)
		}
	}
}
