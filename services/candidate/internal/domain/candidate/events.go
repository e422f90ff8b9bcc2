package candidate

// Event is something that happened to a candidate, recorded by the aggregate
// and written to the outbox by the repository in the same transaction as the
// change.
type Event interface{ candidateEvent() }

// Registered: a candidate record was created. Candidate is the record as
// stored (version 1).
type Registered struct {
	Candidate *Candidate
}

// Updated: a candidate record changed. Candidate is the record after the
// change; ChangedFields lists the update-mask paths whose value changed.
type Updated struct {
	Candidate     *Candidate
	ChangedFields []string
}

func (Registered) candidateEvent() {}
func (Updated) candidateEvent()    {}
