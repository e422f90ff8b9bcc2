package canonjson

import "testing"

// TestMarshalIsRFC8785 checks the properties third parties rely on, with
// the cases where encoding/json and JCS disagree: JCS sorts members by
// UTF-16 code units (so "\U0001F600" sorts before "\uFB01", unlike byte or
// rune order) and escapes control characters and U+2028/U+2029 as
// JSON.stringify does.
func TestMarshalIsRFC8785(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"members sorted, no white space", map[string]any{"b": 1, "a": []int{3, 2}}, `{"a":[3,2],"b":1}`},
		{"sorted by UTF-16 code units", map[string]any{"\uFB01": 1, "\U0001F600": 2, "z": 3}, "{\"z\":3,\"\U0001F600\":2,\"\uFB01\":1}"},
		{"JSON.stringify escapes", map[string]any{"s": "a\b\f\n\r\t\x01<>&\u2028\u00e9\"\\"}, "{\"s\":\"a\\b\\f\\n\\r\\t\\u0001<>&\u2028\u00e9\\\"\\\\\"}"},
		{"numbers in ECMAScript form", map[string]any{"n": 5, "f": 1e21, "z": 0.0}, `{"f":1e+21,"n":5,"z":0}`},
		{"nested objects sorted", map[string]any{"o": map[string]any{"y": true, "x": nil}}, `{"o":{"x":null,"y":true}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal = %s\nwant      %s", got, tt.want)
			}
		})
	}
}
