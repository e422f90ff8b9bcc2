package floor_test

import (
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/dbtest/floor"
)

func TestSummarise(t *testing.T) {
	t.Parallel()
	var d []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	got := floor.Summarise(d, 2*time.Second)
	want := floor.Figures{P50: 51, P99: 100, Max: 100, PerSecond: 50}
	if got != want {
		t.Fatalf("Summarise = %+v; want %+v", got, want)
	}
	if got := floor.Summarise(nil, time.Second); got != (floor.Figures{}) {
		t.Fatalf("Summarise(nil) = %+v; want zero", got)
	}
}
