package docstream_test

import (
	"testing"

	"github.com/titrepro/titrepro/gateway/internal/docstream"
)

func TestDisposition(t *testing.T) {
	t.Parallel()
	tests := []struct{ kind, name, want string }{
		{"attachment", "cv.pdf", `attachment; filename="cv.pdf"; filename*=UTF-8''cv.pdf`},
		{"attachment", "été 2024.pdf", `attachment; filename="_t_ 2024.pdf"; filename*=UTF-8''%C3%A9t%C3%A9%202024.pdf`},
		{"attachment", `a"b\c;d.pdf`, `attachment; filename="a_b_c;d.pdf"; filename*=UTF-8''a%22b%5Cc%3Bd.pdf`},
		{"attachment", "", `attachment; filename="document"; filename*=UTF-8''document`},
		{"inline", "scan.png", `inline; filename="scan.png"; filename*=UTF-8''scan.png`},
		{"inline", "bad\xff.pdf", `inline; filename="document"; filename*=UTF-8''document`},
	}
	for _, tt := range tests {
		if got := docstream.Disposition(tt.kind, tt.name); got != tt.want {
			t.Errorf("Disposition(%q, %q) = %s; want %s", tt.kind, tt.name, got, tt.want)
		}
	}
}
