package dossier

import "time"

// storedTime is now as the database keeps it: UTC with microsecond
// precision (PostgreSQL's), so that what a call returns equals what a later
// read returns.
func storedTime(now time.Time) time.Time { return now.UTC().Truncate(time.Microsecond) }
