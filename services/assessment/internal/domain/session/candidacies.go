package session

import (
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Register registers person, the candidate r names, to a PLANNED session
// with the scope r asks for (checked against t, the session's title). A VAE
// admissibility must still be valid on the session's first day (R25), and
// no juror may have declared a link with the candidacy (R21). A retry of
// the same request (same caller, request id and hash) returns the
// candidacy it created.
func (s *Session) Register(id string, r candidacy.Registration, person candidate.Candidate, t title.Title, key RequestKey, now time.Time) (candidacy.Candidacy, error) {
	if err := s.writable(); err != nil {
		return candidacy.Candidacy{}, err
	}
	if key.RequestID != "" {
		for _, c := range s.candidacies {
			if c.Request.CreatedBy == key.CreatedBy && c.Request.RequestID == key.RequestID {
				if c.Request.RequestHash != key.RequestHash {
					return candidacy.Candidacy{}, ErrRequestIDReused
				}
				return c.Clone(), nil
			}
		}
	}
	if s.state != StatePlanned {
		return candidacy.Candidacy{}, ErrNotPlanned
	}
	if err := r.Check(); err != nil {
		return candidacy.Candidacy{}, err
	}
	scope, err := candidacy.ResolveScope(t, s.typ, s.ccps, r.Scope)
	if err != nil {
		return candidacy.Candidacy{}, err
	}
	if i := slices.IndexFunc(s.candidacies, func(c *candidacy.Candidacy) bool { return c.CandidateID == r.CandidateID }); i >= 0 {
		return candidacy.Candidacy{}, ErrCandidacyExists.WithMeta("candidacy", s.candidacies[i].ID)
	}
	if err := person.CheckAdmissibleOn(s.start); err != nil {
		return candidacy.Candidacy{}, err
	}
	c := candidacy.New(id, s.id, r, scope, person, key, now)
	for _, j := range s.jurors {
		if link, hit := j.ConflictWith(c.Party()); hit {
			return candidacy.Candidacy{}, jury.ConflictError(j, c.Party(), link)
		}
	}
	i, _ := slices.BinarySearchFunc(s.candidacies, c.ID, func(x *candidacy.Candidacy, id string) int { return strings.Compare(x.ID, id) })
	s.candidacies = slices.Insert(s.candidacies, i, &c)
	s.touch(now)
	s.record(CandidacyRegistered{Candidacy: c.Clone(), At: now})
	return c.Clone(), nil
}

// Submission is a Dossier Professionnel submitted for a candidacy of the
// session, named by id or, when the candidate did not know it, by
// candidate.
type Submission struct {
	CandidacyID string // optional
	CandidateID string
	Dossier     candidacy.Dossier
}

// AttachDossier attaches the submitted snapshot to its candidacy (R34) and
// reports whether it changed anything: the latest submission wins until the
// candidacy is deliberated, and nothing changes once the session is closed.
// A submission for no candidacy of the session is ErrCandidacyNotFound.
func (s *Session) AttachDossier(sub Submission, now time.Time) (bool, error) {
	var c *candidacy.Candidacy
	if sub.CandidacyID != "" {
		found, ok := s.candidacy(sub.CandidacyID)
		if ok && (sub.CandidateID == "" || found.CandidateID == sub.CandidateID) {
			c = found
		}
	} else if i := slices.IndexFunc(s.candidacies, func(x *candidacy.Candidacy) bool { return x.CandidateID == sub.CandidateID }); i >= 0 {
		c = s.candidacies[i]
	}
	if c == nil {
		return false, ErrCandidacyNotFound.WithMeta("candidate", sub.CandidateID).WithMeta("candidacy", sub.CandidacyID)
	}
	if s.final() || !c.Attach(sub.Dossier, now) {
		return false, nil
	}
	s.touch(now)
	return true, nil
}

// RefreshCandidate updates what the candidacies of person know about them
// (name, subject, training organisation) and reports whether any changed.
// A closed session keeps what it had. A new training organisation can bring
// a juror's declared link into play: that juror then may no longer evaluate
// or deliberate on the candidacy (R21), nor read it: when the jurors
// recused from a candidacy change, CandidacyRecusalsChanged tells the
// portfolio service, which hides the dossier from them.
func (s *Session) RefreshCandidate(person candidate.Candidate, now time.Time) bool {
	if s.final() {
		return false
	}
	changed := false
	for _, c := range s.candidacies {
		if c.CandidateID != person.ID {
			continue
		}
		before := s.recused(*c)
		if c.Refresh(person, now) {
			changed = true
			if after := s.recused(*c); !slices.Equal(before, after) {
				s.record(CandidacyRecusalsChanged{SessionID: s.id, CandidacyID: c.ID, CandidateID: c.CandidateID, Jurors: after, At: now})
			}
		}
	}
	if changed {
		s.touch(now)
	}
	return changed
}

// recused returns the subjects of the jurors with a declared link with c's
// candidate (R21), sorted (the jury is kept by subject).
func (s *Session) recused(c candidacy.Candidacy) []string {
	var out []string
	for _, j := range s.jurors {
		if _, hit := j.ConflictWith(c.Party()); hit {
			out = append(out, j.Subject)
		}
	}
	return out
}
