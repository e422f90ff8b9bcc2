package candidacy

import "time"

// Reopen undoes the deliberation of a candidacy the ministry returned
// (R51): the jury deliberates it again; the decision undone stays in the
// minutes version that was returned.
func (c *Candidacy) Reopen(now time.Time) {
	c.Deliberation = nil
	c.touch(now)
}
