package label_test

import (
	"testing"

	"github.com/titrepro/titrepro/internal/label"
)

func TestSame(t *testing.T) {
	t.Parallel()
	if !label.Same("AFPA Lyon  Vénissieux", "afpa lyon vénissieux") || label.Same("", "") || label.Same("AFPA Lyon", "AFPA Grenoble") {
		t.Fatal("Same")
	}
	if !label.Same("AFPA  Lyon", "afpa lyon") || label.Same(" ", " ") {
		t.Fatal("Same: organisation names")
	}
}
