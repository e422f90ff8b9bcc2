// Package evaluation holds one juror's evaluation of one candidacy: a
// verdict and an observation per competence of the candidacy's scope and
// per épreuve (domain.md §19.5). An evaluation is complete when every
// competence of the scope has a verdict; the deliberation needs every
// juror's evaluation complete (R49).
package evaluation

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// Limits of an evaluation.
const (
	maxItems       = 1000
	maxObservation = 4000
)

// Verdict is a juror's finding on one competence; the empty Verdict is a
// note kept without a verdict yet.
type Verdict string

// The verdicts.
const (
	Mastered    Verdict = "MASTERED"
	NotMastered Verdict = "NOT_MASTERED"
	NotObserved Verdict = "NOT_OBSERVED"
)

// Item is the verdict on one competence at one épreuve.
type Item struct {
	CompetenceCode string
	Epreuve        title.EpreuveKind // empty only when the title lists no épreuve for the session type
	Verdict        Verdict
	Observation    string
}

// Evaluation is one juror's evaluation of one candidacy. Version 0 is an
// evaluation never written.
type Evaluation struct {
	CandidacyID  string
	JurorSubject string
	Items        []Item
	Version      int64
	UpdatedAt    time.Time
}

// Frame is what a candidacy may be evaluated on: the competences of its
// scope and the épreuves of its session type, both in the title's order.
type Frame struct {
	SessionType title.SessionType
	Competences []string
	Epreuves    []title.EpreuveKind
}

// FrameOf returns the frame of a candidacy with scope, in a session of type
// st on title t.
func FrameOf(t title.Title, st title.SessionType, scope []string) Frame {
	return Frame{SessionType: st, Competences: t.Competences(scope), Epreuves: t.EpreuvesFor(st)}
}

// ErrVersionConflict: the etag sent is not the evaluation's current one.
var ErrVersionConflict = apperr.New(apperr.KindAborted, "EVALUATION_VERSION_CONFLICT",
	"the evaluation changed since it was read; get it again and retry with its new etag")

// Etag is the evaluation's opaque version tag: its version in decimal.
func (e Evaluation) Etag() string { return strconv.FormatInt(e.Version, 10) }

// CheckEtag accepts the current etag, and an empty etag for an evaluation
// never written (a create that must not overwrite).
func (e Evaluation) CheckEtag(etag string) error {
	switch {
	case etag == "" && e.Version == 0:
		return nil
	case etag == "":
		return ErrVersionConflict.WithMessage("the evaluation exists: send its etag to change it")
	case etag != e.Etag():
		return ErrVersionConflict
	}
	return nil
}

// Replace sets the items, already checked with Check, as a new version.
func (e *Evaluation) Replace(items []Item, now time.Time) {
	e.Items = slices.Clone(items)
	e.Version++
	e.UpdatedAt = now
}

// Missing returns the competences of f without a verdict in e, in order.
func (e Evaluation) Missing(f Frame) []string {
	var missing []string
	for _, c := range f.Competences {
		if !slices.ContainsFunc(e.Items, func(it Item) bool { return it.CompetenceCode == c && it.Verdict != "" }) {
			missing = append(missing, c)
		}
	}
	return missing
}

// Complete reports whether every competence of f has a verdict in e.
func (e Evaluation) Complete(f Frame) bool { return len(e.Missing(f)) == 0 }

// Check validates items against f and returns them with trimmed
// observations. Each item names a competence of the scope and an épreuve of
// the session type (required when the title lists some); the entretien
// final belongs to sessions titre only (R43); a (competence, épreuve) pair
// appears once. Every bad item is reported at once.
func Check(f Frame, items []Item) ([]Item, error) {
	if len(items) > maxItems {
		return nil, apperr.Invalid(apperr.FieldViolation{Field: "evaluation.items", Description: fmt.Sprintf("at most %d items", maxItems)})
	}
	var v apperr.Violations
	r43 := false
	bad := v.Add
	type key struct {
		c string
		e title.EpreuveKind
	}
	seen := map[key]bool{}
	out := make([]Item, 0, len(items))
	for i, it := range items {
		field := fmt.Sprintf("evaluation.items[%d]", i)
		if !slices.Contains(f.Competences, it.CompetenceCode) {
			bad(field+".competence_code", fmt.Sprintf("%q is not a competence of the candidacy's CCPs", it.CompetenceCode))
		}
		switch {
		case it.Epreuve == title.EntretienFinal && f.SessionType == title.SessionCCP:
			bad(field+".epreuve", "a session CCP has no entretien final (R43)")
			r43 = true
		case it.Epreuve == "" && len(f.Epreuves) > 0:
			bad(field+".epreuve", "required: one of "+joinKinds(f.Epreuves))
		case it.Epreuve != "" && len(f.Epreuves) > 0 && !slices.Contains(f.Epreuves, it.Epreuve):
			bad(field+".epreuve", fmt.Sprintf("%q is not held in this session; one of %s", it.Epreuve, joinKinds(f.Epreuves)))
		case it.Epreuve != "" && !it.Epreuve.Valid():
			bad(field+".epreuve", fmt.Sprintf("unknown épreuve %q", it.Epreuve))
		}
		switch it.Verdict {
		case "", Mastered, NotMastered, NotObserved:
		default:
			bad(field+".verdict", "MASTERED, NOT_MASTERED or NOT_OBSERVED")
		}
		it.Observation = strings.TrimSpace(it.Observation)
		if utf8.RuneCountInString(it.Observation) > maxObservation {
			bad(field+".observation", fmt.Sprintf("at most %d characters", maxObservation))
		}
		k := key{it.CompetenceCode, it.Epreuve}
		if seen[k] {
			bad(field, fmt.Sprintf("%s at %s is already evaluated by an earlier item", it.CompetenceCode, it.Epreuve))
		}
		seen[k] = true
		out = append(out, it)
	}
	if len(v) > 0 {
		err := apperr.Invalid(v...)
		if r43 {
			return nil, err.WithRule("R43")
		}
		return nil, err
	}
	return out, nil
}

func joinKinds(ks []title.EpreuveKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// Report is an evaluation with the competences it still lacks a verdict
// on.
type Report struct {
	Evaluation
	Missing []string
}

// Report returns e with what it lacks in frame f.
func (e Evaluation) Report(f Frame) Report { return Report{Evaluation: e, Missing: e.Missing(f)} }
