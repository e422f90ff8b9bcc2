package session

import (
	"slices"
	"strconv"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/minutes"
)

// MinutesVersion returns the version of the minutes being drawn up or
// signed: 1, then one more for each return by the ministry (R51).
func (s *Session) MinutesVersion() int { return s.minutesVersion }

// Reopened returns the ministry's return that opened the current minutes
// version, nil for the first version.
func (s *Session) Reopened() *minutes.Return {
	if s.reopened == nil {
		return nil
	}
	r := *s.reopened
	r.CandidacyIDs = slices.Clone(r.CandidacyIDs)
	return &r
}

// Reopen applies the ministry's return r of the signed minutes (R51): the
// session, CLOSED, is IN_PROGRESS again for the candidacies r cites, whose
// deliberations are undone (their evaluations unlock) and must be done
// again by the jury; the other decisions stand (Deliberate refuses them).
// The next minutes version starts without signature: every juror signs it
// again, its content carrying its version and the hash of the version
// returned. The signed version stays as it was signed: the repository
// keeps it with r.
//
// A return of a version already replaced reports false without error (a
// redelivered event). A return of other minutes than the session's signed
// ones is minutes.ErrReturnMismatch; a cited candidacy the session does
// not have is ErrCandidacyNotFound.
func (s *Session) Reopen(r minutes.Return, h minutes.Hasher, now time.Time) (bool, error) {
	if r.Version < s.minutesVersion {
		return false, nil
	}
	if r.Version != s.minutesVersion || s.state != StateClosed {
		return false, minutes.ErrReturnMismatch.WithMeta("session", s.id).WithMeta("minutes_version", strconv.Itoa(s.minutesVersion))
	}
	m, err := s.Minutes(h)
	if err != nil {
		return false, err
	}
	if m.Hash != r.ContentHash {
		return false, minutes.ErrReturnMismatch.WithMeta("session", s.id).WithMeta("content_hash", m.Hash)
	}
	if err := minutes.CheckReturn(r.Reason, r.CandidacyIDs); err != nil {
		return false, err
	}
	for _, id := range r.CandidacyIDs {
		if _, ok := s.candidacy(id); !ok {
			return false, ErrCandidacyNotFound.WithMeta("candidacy", id)
		}
	}
	for _, id := range r.CandidacyIDs {
		c, _ := s.candidacy(id)
		c.Reopen(now)
	}
	r.CandidacyIDs = slices.Sorted(slices.Values(r.CandidacyIDs))
	s.reopened, s.returned = &r, &m
	s.previousHash = m.Hash
	s.minutesVersion++
	s.signatures = nil
	s.state = StateInProgress
	s.touch(now)
	return true, nil
}

// redeliberable refuses a deliberation of a candidacy the ministry's
// return did not cite: its decision stands (R51).
func (s *Session) redeliberable(candidacyID string) error {
	if s.reopened != nil && !s.reopened.Cites(candidacyID) {
		return minutes.ErrDecisionStands.WithMeta("candidacy", candidacyID)
	}
	return nil
}

// ReturnedMinutes returns the signed minutes the last Reopen of this load
// ended, as they were signed; nil when Reopen did not run. The repository
// keeps them, with the return, if it does not have them already (minutes
// signed before versions were kept).
func (s *Session) ReturnedMinutes() *minutes.Minutes {
	if s.returned == nil {
		return nil
	}
	m := *s.returned
	m.Signatures = slices.Clone(m.Signatures)
	return &m
}
