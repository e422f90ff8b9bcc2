package floor

import (
	"slices"
	"time"
)

// Figures summarise the latencies of one measured run, beside which a
// benchmark prints its floor.
type Figures struct {
	P50, P99, Max float64 // milliseconds
	PerSecond     float64 // operations per second of the run
}

// Summarise returns the figures of latencies d measured over elapsed; zero
// figures when d is empty.
func Summarise(d []time.Duration, elapsed time.Duration) Figures {
	if len(d) == 0 {
		return Figures{}
	}
	s := slices.Sorted(slices.Values(d))
	ms := func(x time.Duration) float64 { return float64(x) / float64(time.Millisecond) }
	f := Figures{P50: ms(s[len(s)/2]), P99: ms(s[len(s)*99/100]), Max: ms(s[len(s)-1])}
	if elapsed > 0 {
		f.PerSecond = float64(len(s)) / elapsed.Seconds()
	}
	return f
}
