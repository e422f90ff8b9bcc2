package session

import (
	"slices"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
)

// A juror's own declaration of links (R21, issue 8 §2). The centre may pass
// links when it assigns a juror (AddJuror), but the juror's declaration is
// the reference: it replaces the list, whatever the centre typed.
//
// A declared link never refuses the declaration: it recuses. The juror no
// longer reads, evaluates or deliberates on a candidacy the link concerns
// (jurorOn, authz.CanReadCandidacy). A link declared after the juror
// evaluated a candidacy not yet deliberated voids that evaluation's count:
// it is kept as it was written (nothing is deleted), but only the
// evaluations of the jurors free of links count towards the deliberation
// (R49, obstacles), and the deliberation then needs two other jurors free
// of links with the candidate (R19): the centre adds one if needed. A link
// that would change who is recused from a candidacy already deliberated is
// refused: the jury deliberated with or without that juror, and the
// decision stands until the ministry returns the minutes for it (R51),
// after which the juror may declare it before the new deliberation.

var (
	// ErrLinksLocked: a juror declares their links while the session is
	// PLANNED or IN_PROGRESS.
	ErrLinksLocked = apperr.New(apperr.KindFailedPrecondition, "JUROR_LINKS_LOCKED",
		"a juror declares their links while the session is planned or in progress").WithRule("R21")
	// ErrLinkAfterDeliberation: the new links would change who is recused
	// from a candidacy the jury already deliberated on (R21).
	ErrLinkAfterDeliberation = apperr.New(apperr.KindFailedPrecondition, "JUROR_LINK_AFTER_DELIBERATION",
		"this declaration concerns a candidacy the jury has already deliberated on: its decision stands unless the ministry returns the minutes").WithRule("R21")
)

// JurorLinksDeclared: a juror declared (replaced) their links (R21). Links
// is the whole new list; Recused the candidacies it now recuses the juror
// from, by id.
type JurorLinksDeclared struct {
	SessionID string
	Subject   string
	Links     []jury.Link
	Recused   []string
	At        time.Time
}

func (JurorLinksDeclared) sessionEvent() {}

// DeclareLinks replaces the links juror subject declares on the session
// with links (at most 50, checked by jury.NewLinks), while the session is
// PLANNED or IN_PROGRESS. The declaration is the reference from then on
// (jury.Juror.LinksDeclaredAt). It records JurorLinksDeclared and, for
// every candidacy whose recused jurors change, CandidacyRecusalsChanged
// (the portfolio service hides the dossier from a recused juror).
// Declaring again the list already declared changes nothing. A
// declaration that would change the recusals of a deliberated candidacy is
// ErrLinkAfterDeliberation. Access (only the juror themselves) is checked
// by the application.
func (s *Session) DeclareLinks(subject string, links []jury.Link, now time.Time) (jury.Juror, error) {
	if err := s.writable(); err != nil {
		return jury.Juror{}, err
	}
	i := slices.IndexFunc(s.jurors, func(j jury.Juror) bool { return j.Subject == subject })
	if i < 0 {
		return jury.Juror{}, ErrJurorNotFound.WithMeta("juror", subject)
	}
	if s.state != StatePlanned && s.state != StateInProgress {
		return jury.Juror{}, ErrLinksLocked
	}
	links, err := jury.NewLinks(links)
	if err != nil {
		return jury.Juror{}, err
	}
	prev := s.jurors[i]
	if !prev.LinksDeclaredAt.IsZero() && slices.Equal(prev.Links, links) {
		prev.Links = slices.Clone(prev.Links)
		return prev, nil
	}
	next := prev
	next.Links, next.LinksDeclaredAt = links, now
	var changed []*candidacy.Candidacy
	var recused []string
	for _, c := range s.candidacies {
		_, was := prev.ConflictWith(c.Party())
		link, is := next.ConflictWith(c.Party())
		if is {
			recused = append(recused, c.ID)
		}
		if was == is {
			continue
		}
		if c.Deliberated() {
			err := ErrLinkAfterDeliberation.WithMeta("candidacy", c.ID).WithMeta("juror", subject)
			if is {
				err = err.WithMeta("link_kind", string(link.Kind))
			}
			return jury.Juror{}, err
		}
		changed = append(changed, c)
	}
	s.jurors[i] = next
	s.touch(now)
	s.record(JurorLinksDeclared{SessionID: s.id, Subject: subject, Links: slices.Clone(links), Recused: recused, At: now})
	for _, c := range changed {
		s.record(CandidacyRecusalsChanged{SessionID: s.id, CandidacyID: c.ID, CandidateID: c.CandidateID, Jurors: s.recused(*c), At: now})
	}
	next.Links = slices.Clone(next.Links)
	return next, nil
}
