// Package award decides what the validation of a session's results gives
// each candidate (domain.md §11.3, §12, §19.7):
//
//   - every CCP obtained enters the person's certification record (R53); a
//     CCP already held keeps the session where it was first obtained;
//   - when the record then holds every CCP of the title version, and no
//     titre was issued for it yet, the titre is awarded (R52), by
//     capitalisation when some CCPs came from other sessions (R54);
//   - otherwise a candidate who obtained at least one CCP receives a livret
//     de certification listing every CCP held (R52).
//
// Decide is a pure function; the app layer runs it once per candidate
// inside the validation's transaction, with the record read in that
// transaction.
package award

import (
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// HeldCcp is a CCP in a person's certification record (R53).
type HeldCcp struct {
	CandidateID  string
	TitleCode    string
	TitleVersion string
	CcpCode      string
	SessionID    string // the session where it was first obtained
	JuryDate     string // that session's jury date, "YYYY-MM-DD"
}

// Situation is what Decide needs about one candidate of a validated
// session.
type Situation struct {
	CandidateID  string
	TitleCode    string
	TitleVersion string
	// TitleCcps are the codes of every CCP of the title version, in order.
	TitleCcps []string
	SessionID string
	JuryDate  string
	// Obtained are the CCPs the jury decided OBTAINED for the candidate.
	Obtained []string
	// Held is the candidate's record for the title version before this
	// validation.
	Held []HeldCcp
	// HasTitre is true when a titre was issued for the title version
	// already.
	HasTitre bool
}

// Decision is what the validation gives one candidate.
type Decision struct {
	// NewlyHeld are the CCPs that enter the record, in title order; each
	// is announced by a CcpAwarded event.
	NewlyHeld []HeldCcp
	// Held is the record for the title version afterwards, in title order.
	Held []HeldCcp
	// Document is the certificate to issue: Titre, Livret, or "" for none.
	Document certificate.Kind
	// ByCapitalisation is true for a titre completed with CCPs from other
	// sessions (R54).
	ByCapitalisation bool
}

// ErrCcpNotInTitle reports minutes that award a CCP the title version does
// not have: the minutes disagree with the catalogue, and validating them
// would put a meaningless CCP in the record.
var ErrCcpNotInTitle = apperr.New(apperr.KindFailedPrecondition, "CCP_NOT_IN_TITLE",
	"the minutes award a CCP that the title version does not have")

// Decide applies R52, R53 and R54 to one candidate.
func Decide(s Situation) (Decision, error) {
	rank := func(code string) int { return slices.Index(s.TitleCcps, code) }
	held := make(map[string]HeldCcp, len(s.Held))
	for _, h := range s.Held {
		held[h.CcpCode] = h
	}

	var d Decision
	for _, code := range s.Obtained {
		if rank(code) < 0 {
			return Decision{}, ErrCcpNotInTitle.
				WithMeta("ccp_code", code).WithMeta("title_id", s.TitleCode).WithMeta("title_version", s.TitleVersion)
		}
		if _, ok := held[code]; ok {
			continue // R53: a CCP held stays with the session that first awarded it
		}
		h := HeldCcp{CandidateID: s.CandidateID, TitleCode: s.TitleCode, TitleVersion: s.TitleVersion,
			CcpCode: code, SessionID: s.SessionID, JuryDate: s.JuryDate}
		held[code] = h
		d.NewlyHeld = append(d.NewlyHeld, h)
	}
	byRank := func(a, b HeldCcp) int { return rank(a.CcpCode) - rank(b.CcpCode) }
	slices.SortFunc(d.NewlyHeld, byRank)
	for _, h := range held {
		d.Held = append(d.Held, h)
	}
	slices.SortFunc(d.Held, byRank)

	complete := len(s.TitleCcps) > 0
	for _, code := range s.TitleCcps {
		if _, ok := held[code]; !ok {
			complete = false
		}
	}
	switch {
	case s.HasTitre:
		// The titre supersedes any livret: nothing more to issue.
	case complete:
		d.Document = certificate.Titre
		for _, h := range d.Held {
			if h.SessionID != s.SessionID {
				d.ByCapitalisation = true
			}
		}
	case len(s.Obtained) > 0:
		d.Document = certificate.Livret
	}
	return d, nil
}
