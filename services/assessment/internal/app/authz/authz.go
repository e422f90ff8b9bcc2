// Package authz holds the resource-level access rules of the assessment
// context (architecture.md §6, reliability doc §4.3), on top of the coarse
// roles of the token:
//
//   - centre: creates sessions for the centre named in its token; reads and
//     manages (jury, candidacies, opening) only that centre's sessions, into
//     which it registers the candidate records it registered or
//     self-registered ones, never another centre's;
//     reads their minutes and their scoring progress (who has scored how
//     much, what blocks each deliberation) but not the jurors'
//     evaluations;
//   - juror: reads the sessions whose jury it sits on (by token subject),
//     their jury, candidacies, scoring progress and minutes; writes and
//     reads only its own evaluations, deliberates and signs — never on a
//     candidacy whose candidate it declared a link with (R21), which it
//     does not even read (it still reads and signs the session's minutes, which name every
//     candidacy: the jury signs them as a whole);
//   - candidate: reads the sessions where it has a candidacy and its own
//     candidacies, without the jury's decision (results reach candidates
//     after the ministry validates the minutes, R51), and nothing else;
//   - ministry, admin: read everything, change nothing (admin is an
//     operator role).
//
// Table (table.go) lists, for every RPC, the roles and the ownership rule
// these functions implement.
//
// Existence is not leaked: a caller who may not read a session gets the
// same PermissionDenied whether or not it exists. Only ministry and admin,
// who read every session, ever see NotFound.
package authz

import (
	"slices"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// ErrDenied is the PermissionDenied answer for sessions the caller may not
// access.
var ErrDenied = apperr.New(apperr.KindPermissionDenied, "SESSION_ACCESS_DENIED",
	"you may not access this session")

var (
	// ErrNotOwnEvaluation: a juror reads and writes only their own evaluations.
	ErrNotOwnEvaluation = apperr.New(apperr.KindPermissionDenied, "EVALUATION_ACCESS_DENIED",
		"a juror reads and writes only their own evaluations")

	errCentreClaimMissing = ErrDenied.WithMessage("a centre token must name its centre")
	errNotCentre          = ErrDenied.WithMessage("only a centre plans sessions")
	errNotOrganiser       = ErrDenied.WithMessage("only the organising centre manages the session")
	errNotJuror           = ErrDenied.WithMessage("only the session's jurors evaluate, deliberate and sign")
	errNoRole             = ErrDenied.WithMessage("your roles give no access to sessions")
)

// ReadsAll reports whether p may read every session.
func ReadsAll(p auth.Principal) bool { return p.HasAny(auth.RoleMinistry, auth.RoleAdmin) }

// Organises reports whether p is the centre that organises s.
func Organises(p auth.Principal, s *session.Session) bool {
	return p.Has(auth.RoleCentre) && p.Centre != "" && p.Centre == s.CentreID()
}

// SitsOn reports whether p is a juror of s.
func SitsOn(p auth.Principal, s *session.Session) bool {
	return p.Has(auth.RoleJuror) && p.Subject != "" && s.HasJuror(p.Subject)
}

// owns reports whether p is the candidate of c.
func owns(p auth.Principal, c candidacy.Candidacy) bool {
	return p.Has(auth.RoleCandidate) && p.Subject != "" && c.CandidateSubject == p.Subject
}

// SitsIn reports whether p is a candidate of s.
func SitsIn(p auth.Principal, s *session.Session) bool {
	return slices.ContainsFunc(s.Candidacies(), func(c candidacy.Candidacy) bool { return owns(p, c) })
}

// Plan returns the centre p plans a session for.
func Plan(p auth.Principal) (string, error) {
	switch {
	case !p.Has(auth.RoleCentre):
		return "", errNotCentre
	case p.Centre == "":
		return "", errCentreClaimMissing
	}
	return p.Centre, nil
}

// Denial is the error for a session p may not access or that does not
// exist: the same for both, so that existence does not leak. Jurors learn
// that they are not on the jury.
func Denial(p auth.Principal) error {
	if p.Has(auth.RoleJuror) && !p.HasAny(auth.RoleCentre, auth.RoleCandidate) {
		return session.ErrJurorNotAssigned
	}
	return ErrDenied
}

// CanRead returns nil when p may read s (the session itself).
func CanRead(p auth.Principal, s *session.Session) error {
	if ReadsAll(p) || Organises(p, s) || SitsOn(p, s) || SitsIn(p, s) {
		return nil
	}
	return Denial(p)
}

// SeesJury reports whether p may see s's jury, evaluations' existence and
// decisions: everyone who may read s but its candidates.
func SeesJury(p auth.Principal, s *session.Session) bool {
	return ReadsAll(p) || Organises(p, s) || SitsOn(p, s)
}

// CanReadJury returns nil when p may list s's jury and read its minutes.
func CanReadJury(p auth.Principal, s *session.Session) error {
	if SeesJury(p, s) {
		return nil
	}
	return Denial(p)
}

// CanManage returns nil when p may change s's jury and candidacies and
// open it.
func CanManage(p auth.Principal, s *session.Session) error {
	switch {
	case Organises(p, s):
		return nil
	case ReadsAll(p) || SitsOn(p, s) || SitsIn(p, s):
		return errNotOrganiser
	}
	return Denial(p)
}

// CanRegister returns nil when p, the organising centre of a session, may
// register person into it: a record the centre registered itself, or one
// the person registered themselves (whose id the person gave the centre).
// A record another centre registered is refused with the very answer an
// unknown record gets (candidate.ErrUnknown), so that neither its
// existence nor the person's name leaks to the centre.
func CanRegister(p auth.Principal, person candidate.Candidate) error {
	if p.Centre != "" && (person.CentreID == "" || person.CentreID == p.Centre) {
		return nil
	}
	return candidate.ErrUnknown.WithMeta("candidate", person.ID)
}

// CanReadCandidacy returns nil when p may read candidacy c of s. A juror
// recused from c (a declared link with its candidate, R21) reads nothing
// of it: neither the candidacy nor, in the portfolio service, its dossier.
func CanReadCandidacy(p auth.Principal, s *session.Session, c candidacy.Candidacy) error {
	switch {
	case ReadsAll(p) || Organises(p, s) || owns(p, c):
		return nil
	case SitsOn(p, s) && s.Conflicted(p.Subject, c.ID):
		return session.ErrJurorRecused.WithMeta("candidacy", c.ID).WithMeta("juror", p.Subject)
	case SitsOn(p, s):
		return nil
	}
	return Denial(p)
}

// Visible returns the candidacies of s that p may read, with what p may
// see of them.
func Visible(p auth.Principal, s *session.Session) []candidacy.Candidacy {
	var out []candidacy.Candidacy
	for _, c := range s.Candidacies() {
		if CanReadCandidacy(p, s, c) == nil {
			out = append(out, Redact(p, s, c))
		}
	}
	return out
}

// Redact returns c as p may see it: without the jury's decision for a
// candidate (field-level rule, ASVS 8.2.3).
func Redact(p auth.Principal, s *session.Session, c candidacy.Candidacy) candidacy.Candidacy {
	if !SeesJury(p, s) {
		c.Deliberation = nil
	}
	return c
}

// CanReadEvaluation returns nil when p may read juror's evaluation of
// candidacy c: ministry and admin any, a juror only their own (and not on
// a candidate they declared a link with, R21).
func CanReadEvaluation(p auth.Principal, s *session.Session, c candidacy.Candidacy, juror string) error {
	if ReadsAll(p) {
		return nil
	}
	return CanWriteEvaluation(p, s, c, juror)
}

// CanWriteEvaluation returns nil when p is the juror juror of s, free of
// any link with c's candidate (R21).
func CanWriteEvaluation(p auth.Principal, s *session.Session, c candidacy.Candidacy, juror string) error {
	if err := CanAct(p, s, c); err != nil {
		return err
	}
	if juror != p.Subject {
		return ErrNotOwnEvaluation
	}
	return nil
}

// CanAct returns nil when p is a juror of s free of any link with c's
// candidate (R21): who may evaluate and deliberate on c.
func CanAct(p auth.Principal, s *session.Session, c candidacy.Candidacy) error {
	if err := CanSign(p, s); err != nil {
		return err
	}
	if s.Conflicted(p.Subject, c.ID) {
		return session.ErrJurorRecused.WithMeta("candidacy", c.ID).WithMeta("juror", p.Subject)
	}
	return nil
}

// CanSign returns nil when p is a juror of s.
func CanSign(p auth.Principal, s *session.Session) error {
	switch {
	case SitsOn(p, s):
		return nil
	case p.Has(auth.RoleJuror):
		return session.ErrJurorNotAssigned
	case ReadsAll(p) || Organises(p, s) || SitsIn(p, s):
		return errNotJuror
	}
	return Denial(p)
}

// ListScope returns the sessions p may list: every one for ministry and
// admin, its own for a centre, those it sits on for a juror, those it is a
// candidate in for a candidate. Empty filters match everything.
func ListScope(p auth.Principal) (session.ListQuery, error) {
	switch {
	case ReadsAll(p):
		return session.ListQuery{}, nil
	case p.Has(auth.RoleCentre):
		if p.Centre == "" {
			return session.ListQuery{}, errCentreClaimMissing
		}
		return session.ListQuery{CentreID: p.Centre}, nil
	case p.Has(auth.RoleJuror) && p.Subject != "":
		return session.ListQuery{JurorSubject: p.Subject}, nil
	case p.Has(auth.RoleCandidate) && p.Subject != "":
		return session.ListQuery{CandidateSubject: p.Subject}, nil
	}
	return session.ListQuery{}, errNoRole
}
