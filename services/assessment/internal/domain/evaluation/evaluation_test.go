package evaluation_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

var now = time.Date(2026, 6, 2, 10, 0, 0, 0, time.UTC)

func tsgeri() title.Title {
	return title.Title{
		ID: "TP-00495", Version: "2008",
		CCPs: []title.CCP{
			{Code: "CCP1", Competences: []string{"CCP1-C1", "CCP1-C2"}},
			{Code: "CCP2", Competences: []string{"CCP2-C1"}},
		},
		Epreuves: []title.Epreuve{
			{Kind: title.MiseEnSituation, SessionTypes: []title.SessionType{title.SessionTitre, title.SessionCCP}},
			{Kind: title.EntretienFinal, SessionTypes: []title.SessionType{title.SessionTitre, title.SessionCCP}}, // a faulty referential
		},
	}
}

func item(c string, e title.EpreuveKind, v evaluation.Verdict) evaluation.Item {
	return evaluation.Item{CompetenceCode: c, Epreuve: e, Verdict: v}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	msp, ef := title.MiseEnSituation, title.EntretienFinal
	tests := []struct {
		name       string
		st         title.SessionType
		items      []evaluation.Item
		wantFields []string
		wantRule   string
	}{
		{"items on the scope's competences and the session's épreuves", title.SessionTitre,
			[]evaluation.Item{item("CCP1-C1", msp, evaluation.Mastered), item("CCP1-C1", ef, evaluation.NotObserved)}, nil, ""},
		{"R43: the entretien final is refused in a session CCP, whatever the referential says", title.SessionCCP,
			[]evaluation.Item{item("CCP1-C1", ef, evaluation.Mastered)}, []string{"evaluation.items[0].epreuve"}, "R43"},
		{"R43: the entretien final is an épreuve of the session titre", title.SessionTitre,
			[]evaluation.Item{item("CCP1-C2", ef, evaluation.Mastered)}, nil, ""},
		{"competence outside the scope", title.SessionTitre,
			[]evaluation.Item{item("CCP2-C1", msp, evaluation.Mastered)}, []string{"evaluation.items[0].competence_code"}, ""},
		{"épreuve required when the title lists some", title.SessionTitre,
			[]evaluation.Item{item("CCP1-C1", "", evaluation.Mastered)}, []string{"evaluation.items[0].epreuve"}, ""},
		{"épreuve not held in the title", title.SessionTitre,
			[]evaluation.Item{item("CCP1-C1", title.PresentationProjet, evaluation.Mastered)}, []string{"evaluation.items[0].epreuve"}, ""},
		{"unknown verdict and repeated pair", title.SessionTitre,
			[]evaluation.Item{item("CCP1-C1", msp, "GOOD"), item("CCP1-C1", msp, evaluation.Mastered)},
			[]string{"evaluation.items[0].verdict", "evaluation.items[1]"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := evaluation.FrameOf(tsgeri(), tt.st, []string{"CCP1"})
			_, err := evaluation.Check(f, tt.items)
			if tt.wantFields == nil {
				if err != nil {
					t.Fatalf("Check() = %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
				t.Fatalf("Check() = %v; want InvalidArgument", err)
			}
			var fields []string
			for _, v := range ae.Violations {
				fields = append(fields, v.Field)
			}
			if !slices.Equal(fields, tt.wantFields) || ae.Rule != tt.wantRule {
				t.Fatalf("violations %v rule %q; want %v rule %q", fields, ae.Rule, tt.wantFields, tt.wantRule)
			}
		})
	}
}

func TestCompleteness(t *testing.T) {
	t.Parallel()
	f := evaluation.FrameOf(tsgeri(), title.SessionTitre, []string{"CCP1", "CCP2"})
	e := evaluation.Evaluation{}
	if got := e.Missing(f); !slices.Equal(got, []string{"CCP1-C1", "CCP1-C2", "CCP2-C1"}) {
		t.Fatalf("R49: Missing() of an empty evaluation = %v", got)
	}
	items, err := evaluation.Check(f, []evaluation.Item{
		item("CCP1-C1", title.MiseEnSituation, evaluation.Mastered),
		item("CCP1-C2", title.MiseEnSituation, ""), // a note without verdict does not count
		item("CCP2-C1", title.EntretienFinal, evaluation.NotMastered),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Replace(items, now)
	if got := e.Missing(f); !slices.Equal(got, []string{"CCP1-C2"}) || e.Complete(f) {
		t.Fatalf("R49: Missing() = %v; want [CCP1-C2]", got)
	}
	items[1].Verdict = evaluation.NotObserved
	e.Replace(items, now)
	if !e.Complete(f) || e.Version != 2 {
		t.Fatalf("R49: complete evaluation reported incomplete: %v (version %d)", e.Missing(f), e.Version)
	}
}

func TestCheckEtag(t *testing.T) {
	t.Parallel()
	fresh := evaluation.Evaluation{}
	written := evaluation.Evaluation{Version: 3}
	tests := []struct {
		name string
		e    evaluation.Evaluation
		etag string
		ok   bool
	}{
		{"first write without etag", fresh, "", true},
		{"first write with etag 0", fresh, "0", true},
		{"current etag", written, "3", true},
		{"stale etag", written, "2", false},
		{"no etag on an existing evaluation", written, "", false},
	}
	for _, tt := range tests {
		err := tt.e.CheckEtag(tt.etag)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, evaluation.ErrVersionConflict)) {
			t.Errorf("%s: CheckEtag(%q) = %v", tt.name, tt.etag, err)
		}
		if err != nil && apperr.KindOf(err) != apperr.KindAborted {
			t.Errorf("%s: kind %v; want Aborted", tt.name, apperr.KindOf(err))
		}
	}
}

func TestCount(t *testing.T) {
	t.Parallel()
	msp, ef := title.MiseEnSituation, title.EntretienFinal
	titre := evaluation.FrameOf(tsgeri(), title.SessionTitre, []string{"CCP1", "CCP2"}) // 3 competences × 2 épreuves
	bare := tsgeri()
	bare.Epreuves = nil
	noEpreuve := evaluation.FrameOf(bare, title.SessionTitre, []string{"CCP1"}) // 2 competences, one column
	tests := []struct {
		name  string
		frame evaluation.Frame
		items []evaluation.Item
		want  evaluation.Count
	}{
		{"nothing written", titre, nil, evaluation.Count{Competences: 3, Cells: 6}},
		{"R49: a note without verdict counts for nothing", titre,
			[]evaluation.Item{item("CCP1-C1", msp, "")}, evaluation.Count{Competences: 3, Cells: 6}},
		{"R49: a competence is assessed once it has a verdict at one épreuve", titre,
			[]evaluation.Item{item("CCP1-C1", msp, evaluation.Mastered), item("CCP1-C1", ef, evaluation.NotObserved)},
			evaluation.Count{Competences: 3, Assessed: 1, Cells: 6, Scored: 2}},
		{"R49: complete with cells left empty", titre,
			[]evaluation.Item{item("CCP1-C1", msp, evaluation.Mastered), item("CCP1-C2", ef, evaluation.NotMastered), item("CCP2-C1", msp, evaluation.NotObserved)},
			evaluation.Count{Competences: 3, Assessed: 3, Cells: 6, Scored: 3}},
		{"a title without épreuves for the session type: one column", noEpreuve,
			[]evaluation.Item{item("CCP1-C2", "", evaluation.Mastered)},
			evaluation.Count{Competences: 2, Assessed: 1, Cells: 2, Scored: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			items, err := evaluation.Check(tt.frame, tt.items)
			if err != nil {
				t.Fatal(err)
			}
			e := evaluation.Evaluation{}
			e.Replace(items, now)
			got := e.Count(tt.frame)
			if got != tt.want {
				t.Fatalf("Count() = %+v; want %+v", got, tt.want)
			}
			if complete := got.Assessed == got.Competences; complete != e.Complete(tt.frame) {
				t.Fatalf("Count() says complete %v, Complete() %v", complete, e.Complete(tt.frame))
			}
		})
	}
}
