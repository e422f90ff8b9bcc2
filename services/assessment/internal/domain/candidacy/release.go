package candidacy

import "time"

// Released reports whether the cancellation of its session released the
// candidacy: it binds the candidate to nothing any more, and the candidate
// may be registered to another session.
func (c Candidacy) Released() bool { return !c.ReleasedAt.IsZero() }

// Release releases the candidacy at now and reports whether it changed
// anything (a released candidacy stays released as it was).
func (c *Candidacy) Release(now time.Time) bool {
	if c.Released() {
		return false
	}
	c.ReleasedAt = now
	c.touch(now)
	return true
}
