package browsertest

import "strings"

// Expected drops the problems recorded since the last Check that contain
// text, and returns how many it dropped: for a refusal the test provokes on
// purpose, such as the 409 a script's request gets when another change
// came first, which would otherwise fail the next Check as a failed
// resource. (Added with the juror's screens.)
func (p *Tab) Expected(text string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	kept := p.problems[:0]
	dropped := 0
	for _, pb := range p.problems {
		if strings.Contains(pb, text) {
			dropped++
			continue
		}
		kept = append(kept, pb)
	}
	p.problems = kept
	return dropped
}
