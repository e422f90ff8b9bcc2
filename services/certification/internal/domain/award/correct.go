package award

import "slices"

// Revoked returns the CCPs of held that a corrected validation of session
// sessionID takes back (R51): those the record holds from that session
// (R53: a CCP held from an earlier session is not the session's to take)
// and that the corrected minutes no longer decide obtained.
func Revoked(sessionID string, obtained []string, held []HeldCcp) []HeldCcp {
	var out []HeldCcp
	for _, h := range held {
		if h.SessionID == sessionID && !slices.Contains(obtained, h.CcpCode) {
			out = append(out, h)
		}
	}
	return out
}

// Changed reports whether a correction changes what a person obtained at
// the session: the CCPs decided obtained before and after, in any order.
func Changed(before, after []string) bool {
	a, b := slices.Clone(before), slices.Clone(after)
	slices.Sort(a)
	slices.Sort(b)
	return !slices.Equal(slices.Compact(a), slices.Compact(b))
}
