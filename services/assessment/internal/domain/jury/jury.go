// Package jury holds the members of a session's jury: who they are, the
// habilitation that allows them to sit (R16) and the links they declare,
// which keep them away from the candidates those links concern (R21).
package jury

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/label"
)

// Me is the alias a juror may use for their own subject in resource names;
// no juror may have it as subject.
const Me = "me"

// Limits of the juror's fields.
const (
	maxSubject = 256
	maxName    = 200
	maxNumber  = 64
	maxValue   = 200
	maxLinks   = 50
)

// LinkKind is what a declared link names.
type LinkKind string

// The kinds of declared links.
const (
	LinkTrainingOrganisation LinkKind = "TRAINING_ORGANISATION"
	LinkEmployer             LinkKind = "EMPLOYER"
	LinkCandidate            LinkKind = "CANDIDATE"
)

// Link is a personal or professional link a juror declares.
type Link struct {
	Kind  LinkKind
	Value string
}

// Habilitation is a juror's habilitation for one title (domain.md §9.1).
type Habilitation struct {
	Number    string
	TitleID   string
	ValidFrom civildate.Date
	ValidTo   civildate.Date
}

// Juror is a member of a session's jury.
type Juror struct {
	Subject      string // identity-provider subject: the juror's token unlocks the session
	DisplayName  string
	Habilitation Habilitation
	Links        []Link
	AssignedAt   time.Time
	// LinksDeclaredAt is when the juror declared their links themselves
	// (Session.DeclareLinks); zero while Links are those the centre passed
	// when assigning the juror. The juror's declaration is the reference:
	// it replaces the centre's list.
	LinksDeclaredAt time.Time
}

// Input is a juror as a request describes it.
type Input struct {
	Subject      string
	DisplayName  string
	HabNumber    string
	HabTitleID   string
	HabValidFrom string
	HabValidTo   string
	Links        []Link
}

// New validates in and returns the juror, assigned at now. Every bad field
// is reported at once, with its path in the AddJuror request.
func New(in Input, now time.Time) (Juror, error) {
	var v apperr.Violations
	bad := func(field, desc string) { v.Add("juror."+field, desc) }
	switch {
	case in.Subject == "":
		bad("subject", "required")
	case utf8.RuneCountInString(in.Subject) > maxSubject || strings.ContainsAny(in.Subject, "/ ") || !utf8.ValidString(in.Subject):
		bad("subject", fmt.Sprintf("at most %d characters, without '/' or spaces", maxSubject))
	case in.Subject == Me:
		bad("subject", `"me" is reserved`)
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.DisplayName)); n == 0 || n > maxName {
		bad("display_name", fmt.Sprintf("required, 1 to %d characters", maxName))
	}
	if n := len(in.HabNumber); n == 0 || n > maxNumber {
		bad("habilitation.number", fmt.Sprintf("required, 1 to %d characters", maxNumber))
	}
	if in.HabTitleID == "" {
		bad("habilitation.title_id", "required")
	}
	from, errFrom := civildate.Parse(in.HabValidFrom)
	if errFrom != nil {
		bad("habilitation.valid_from", "required date YYYY-MM-DD")
	}
	to, errTo := civildate.Parse(in.HabValidTo)
	if errTo != nil {
		bad("habilitation.valid_to", "required date YYYY-MM-DD")
	}
	if errFrom == nil && errTo == nil && to.Before(from) {
		bad("habilitation.valid_to", "not before valid_from")
	}
	links := checkLinks(&v, "juror.declared_links", in.Links)
	if err := v.Err(); err != nil {
		return Juror{}, err
	}
	return Juror{
		Subject:      in.Subject,
		DisplayName:  strings.TrimSpace(in.DisplayName),
		Habilitation: Habilitation{Number: in.HabNumber, TitleID: in.HabTitleID, ValidFrom: from, ValidTo: to},
		Links:        links,
		AssignedAt:   now,
	}, nil
}

// NewLinks validates the links a juror declares (DeclareJurorLinks, field
// "links"): at most 50, each of a known kind with a value of 1 to 200
// characters, every bad field reported at once. It returns them with their
// values trimmed.
func NewLinks(in []Link) ([]Link, error) {
	var v apperr.Violations
	links := checkLinks(&v, "links", in)
	if err := v.Err(); err != nil {
		return nil, err
	}
	return links, nil
}

// checkLinks adds to v the violations of links, under field, and returns
// them with their values trimmed.
func checkLinks(v *apperr.Violations, field string, in []Link) []Link {
	if len(in) > maxLinks {
		v.Add(field, fmt.Sprintf("at most %d links", maxLinks))
	}
	for i, l := range in {
		switch l.Kind {
		case LinkTrainingOrganisation, LinkEmployer, LinkCandidate:
		default:
			v.Add(fmt.Sprintf("%s[%d].kind", field, i), "TRAINING_ORGANISATION, EMPLOYER or CANDIDATE")
		}
		if n := utf8.RuneCountInString(strings.TrimSpace(l.Value)); n == 0 || n > maxValue {
			v.Add(fmt.Sprintf("%s[%d].value", field, i), fmt.Sprintf("required, 1 to %d characters", maxValue))
		}
	}
	links := make([]Link, len(in))
	for i, l := range in {
		links[i] = Link{Kind: l.Kind, Value: strings.TrimSpace(l.Value)}
	}
	return links
}

// CheckNamed validates what a centre sends to name a juror of the juror
// register: the subject, the habilitation number and the declared links,
// every bad field at once. The name, title and dates come from the
// register, so they are not asked for (New checks them once filled in).
func CheckNamed(in Input) error {
	in.DisplayName, in.HabTitleID, in.HabValidFrom, in.HabValidTo = "register", "register", "2000-01-01", "2000-01-01"
	_, err := New(in, time.Time{})
	return err
}

// SameAs reports whether j and o describe the same assignment (everything
// but the assignment time), so that adding a juror again is a no-op. Once
// j's links are the juror's own declaration (LinksDeclaredAt set), they
// are the reference and o's links are not compared: the centre repeating
// its AddJuror request still gets the juror as stored.
func (j Juror) SameAs(o Juror) bool {
	if j.Subject != o.Subject || j.DisplayName != o.DisplayName || j.Habilitation != o.Habilitation {
		return false
	}
	if !j.LinksDeclaredAt.IsZero() {
		return true
	}
	if len(j.Links) != len(o.Links) {
		return false
	}
	for i := range j.Links {
		if j.Links[i] != o.Links[i] {
			return false
		}
	}
	return true
}

// ErrHabilitationNotCovering: the habilitation is for another title or does
// not cover every day of the session (R16).
var ErrHabilitationNotCovering = apperr.New(apperr.KindFailedPrecondition, "HABILITATION_NOT_COVERING",
	"the juror's habilitation must be for the session's title and valid on every day of the session").WithRule("R16")

// CheckCovers enforces R16: only a juror whose habilitation is for the
// title and valid over the whole session, start to end, may be assigned.
func (j Juror) CheckCovers(titleID string, start, end civildate.Date) error {
	h := j.Habilitation
	switch {
	case h.TitleID != titleID:
		return ErrHabilitationNotCovering.WithMessage("the habilitation is for title "+h.TitleID+", not "+titleID).
			WithMeta("juror", j.Subject)
	case h.ValidFrom.After(start) || h.ValidTo.Before(end):
		return ErrHabilitationNotCovering.WithMessage(fmt.Sprintf("the habilitation is valid from %s to %s; the session runs from %s to %s",
			h.ValidFrom, h.ValidTo, start, end)).WithMeta("juror", j.Subject)
	}
	return nil
}

// Party is what a conflict of interest is checked against: one candidacy
// and the candidate behind it.
type Party struct {
	CandidacyID          string
	CandidateID          string
	TrainingOrganisation string // from the candidate's training enrolment
	Employer             string // declared on the candidacy
}

// ConflictWith returns the first declared link of j that concerns p (R21):
// a training organisation equal to the candidate's, an employer equal to
// the one declared on the candidacy (both ignoring case and white space), or
// the candidate's id.
func (j Juror) ConflictWith(p Party) (Link, bool) {
	for _, l := range j.Links {
		var hit bool
		switch l.Kind {
		case LinkTrainingOrganisation:
			hit = label.Same(l.Value, p.TrainingOrganisation)
		case LinkEmployer:
			hit = label.Same(l.Value, p.Employer)
		case LinkCandidate:
			hit = l.Value != "" && l.Value == p.CandidateID
		}
		if hit {
			return l, true
		}
	}
	return Link{}, false
}

// ErrConflictOfInterest: a juror's declared link concerns a candidacy of the
// session (R21). Assignment and registration are refused with it.
var ErrConflictOfInterest = apperr.New(apperr.KindFailedPrecondition, "JUROR_CONFLICT_OF_INTEREST",
	"a juror's declared link concerns a candidate of the session").WithRule("R21")

// ConflictError is ErrConflictOfInterest naming the juror, the candidacy and
// the link.
func ConflictError(j Juror, p Party, l Link) error {
	return ErrConflictOfInterest.
		WithMessage(fmt.Sprintf("juror %s declared a link (%s) with the candidate of candidacy %s", j.Subject, l.Kind, p.CandidacyID)).
		WithMeta("juror", j.Subject).WithMeta("candidacy", p.CandidacyID).WithMeta("link_kind", string(l.Kind))
}
