package cpfdeposit

import "time"

// State is where one award stands in its deposit: the unit a store keeps
// per award (docs/cpf-deposit.md). The zero Outcome means "not
// acknowledged yet".
type State struct {
	AwardID   string
	AwardDate string // "YYYY-MM-DD"
	// FluxID is the idFlux of the last file the award was deposited in,
	// "" when never deposited.
	FluxID  string
	Outcome Outcome
	// Message is the Caisse's message for a KO or already-known outcome.
	Message string
}

// Deposited reports whether the Caisse holds the award.
func (s State) Deposited() bool { return s.Outcome.Deposited() }

// Exported records that the awards of ids were put in the file fluxID: each
// waits for that file's report. A deposited award keeps its state:
// exporting it again changes nothing the Caisse holds.
func Exported(states []State, fluxID string, ids []string) []State {
	in := make(map[string]bool, len(ids))
	for _, id := range ids {
		in[id] = true
	}
	out := make([]State, len(states))
	for i, s := range states {
		if in[s.AwardID] && !s.Deposited() {
			s.FluxID, s.Outcome, s.Message = fluxID, "", ""
		}
		out[i] = s
	}
	return out
}

// Apply records a processing report. A passage counts for an award when it
// leads back to it (AwardID) and:
//   - says the award is deposited (OK or already known), whatever file it
//     was last put in: the Caisse holds it;
//   - or says KO for the file the award was last put in; a KO from an older
//     file is stale (the award was sent again since) and is ignored.
//
// A deposited award never goes back to KO. Apply returns the new states and
// the passage ids it could not attach to an award (not made by titrepro,
// or of an unknown award), for the operator to look at.
func Apply(states []State, ack Acknowledgement) ([]State, []string) {
	index := make(map[string]int, len(states))
	out := make([]State, len(states))
	for i, s := range states {
		index[s.AwardID] = i
		out[i] = s
	}
	var unknown []string
	for _, p := range ack.Passages {
		i, ok := index[p.AwardID]
		if p.AwardID == "" || !ok {
			unknown = append(unknown, p.IDTechnique)
			continue
		}
		s := &out[i]
		switch {
		case s.Deposited():
		case p.Outcome.Deposited():
			s.Outcome, s.Message = p.Outcome, p.Message
		case s.FluxID == ack.FluxID:
			s.Outcome, s.Message = p.Outcome, p.Message
		}
	}
	return out, unknown
}

// ToExport returns the awards the next file carries, in the states' order:
// those never deposited and those rejected (to be sent again once
// corrected). An award waiting for its report is not sent again, nor is a
// deposited one.
func ToExport(states []State) []string {
	var ids []string
	for _, s := range states {
		if s.FluxID == "" || s.Outcome == Rejected {
			ids = append(ids, s.AwardID)
		}
	}
	return ids
}

// Tracking returns what Overdue needs of the states.
func Tracking(states []State) []Tracked {
	out := make([]Tracked, len(states))
	for i, s := range states {
		out[i] = Tracked{AwardID: s.AwardID, AwardDate: s.AwardDate, Acknowledged: s.Deposited()}
	}
	return out
}

// File is a deposit file as exported: what the Caisse receives, kept for
// the record.
type File struct {
	FluxID     string
	Content    []byte
	Awards     int // passages in the file
	ExportedBy string
	ExportedAt time.Time
}
