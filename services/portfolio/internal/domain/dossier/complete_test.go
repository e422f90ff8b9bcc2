package dossier_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

func TestCheckComplete(t *testing.T) {
	t.Parallel()
	cover := dossier.CoverOf(owner, tsgeri)
	ccpSession := refdata.Session{ID: "s2", Type: refdata.SessionCCP, TitleID: "TP-00495", TitleVersion: "2008", CCPCodes: []string{"CCP3"}}
	tests := []struct {
		name       string
		edit       func(c *dossier.Content)
		session    refdata.Session
		cover      func(c *dossier.Cover)
		wantRule   string   // "" = complete
		wantFields []string // sorted
	}{
		{name: "a complete dossier may be submitted", edit: func(*dossier.Content) {}},
		{
			name:     "R35: an activity type without example is refused",
			edit:     func(c *dossier.Content) { c.Examples = c.Examples[:2] },
			wantRule: "R35", wantFields: []string{"examples"},
		},
		{
			name:     "R35: no example at all names every activity type",
			edit:     func(c *dossier.Content) { c.Examples = nil },
			wantRule: "R35", wantFields: []string{"examples"},
		},
		{
			name: "R35: three examples for one activity type are accepted",
			edit: func(c *dossier.Content) {
				c.Examples = append(c.Examples, example("CCP1", "Second"), example("CCP1", "Third"))
			},
		},
		{
			name: "R35: four examples for one activity type are refused",
			edit: func(c *dossier.Content) {
				c.Examples = append(c.Examples, example("CCP1", "2"), example("CCP1", "3"), example("CCP1", "4"))
			},
			wantRule: "R35", wantFields: []string{"examples"},
		},
		{
			name:    "R35: a CCP session needs only its CCP's activity type",
			edit:    func(c *dossier.Content) { c.Examples = c.Examples[2:] },
			session: ccpSession,
		},
		{
			name:     "R35: a CCP session still needs an example for its CCP",
			edit:     func(c *dossier.Content) { c.Examples = c.Examples[:2] },
			session:  ccpSession,
			wantRule: "R35", wantFields: []string{"examples"},
		},
		{
			name: "R36: tasks, means and collaborators are required",
			edit: func(c *dossier.Content) {
				c.Examples[1].Tasks, c.Examples[1].Means, c.Examples[1].Collaborators = "", "", ""
			},
			wantRule:   "R36",
			wantFields: []string{"examples[1].collaborators", "examples[1].means", "examples[1].tasks"},
		},
		{
			name:     "R36: the context organisation, unit and period are required",
			edit:     func(c *dossier.Content) { c.Examples[0].Context = dossier.PracticeContext{} },
			wantRule: "R36",
			wantFields: []string{"examples[0].context.organisation", "examples[0].context.period_from",
				"examples[0].context.period_to", "examples[0].context.unit"},
		},
		{
			name:     "R36: a period ending before it starts is refused",
			edit:     func(c *dossier.Content) { c.Examples[2].Context.PeriodTo = "2022-12-31" },
			wantRule: "R36", wantFields: []string{"examples[2].context.period_to"},
		},
		{
			name: "R36: additional information is optional",
			edit: func(c *dossier.Content) { c.Examples[0].AdditionalInfo = "" },
		},
		{
			name:     "R38: the sworn statement must be completed",
			edit:     func(c *dossier.Content) { c.Sworn = dossier.SwornStatement{} },
			wantRule: "R38",
			wantFields: []string{"sworn_statement.date", "sworn_statement.place",
				"sworn_statement.signer_name"},
		},
		{
			name:     "R38: a missing place alone is refused",
			edit:     func(c *dossier.Content) { c.Sworn.Place = "" },
			wantRule: "R38", wantFields: []string{"sworn_statement.place"},
		},
		{
			name:     "R42: a cover without access mode is refused",
			edit:     func(*dossier.Content) {},
			cover:    func(c *dossier.Cover) { c.AccessMode = dossier.AccessModeUnknown },
			wantRule: "R42", wantFields: []string{"cover.access_mode"},
		},
		{
			name: "every broken rule is reported, the first one as the rule",
			edit: func(c *dossier.Content) {
				c.Examples = c.Examples[:1]
				c.Examples[0].Means = ""
				c.Sworn.SignerName = ""
			},
			wantRule:   "R35",
			wantFields: []string{"examples", "examples[0].means", "sworn_statement.signer_name"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := complete()
			tt.edit(&c)
			// The draft may hold anything well formed; build it directly
			// so that malformed-at-update cases (4 examples) reach the check.
			d := dossier.UnmarshalDossierFromDatabase("dos-1", owner.ID, "TP-00495", "2008", c, nil, 1, now, now)
			session := tt.session
			if session.ID == "" {
				session = sessionTitre
			}
			cv := cover
			if tt.cover != nil {
				tt.cover(&cv)
			}
			err := d.CheckComplete(dossier.RequiredActivityTypes(tsgeri, session), cv, now)
			if tt.wantRule == "" {
				if err != nil {
					t.Fatalf("CheckComplete() = %v; want nil", err)
				}
				return
			}
			if !errors.Is(err, dossier.ErrIncomplete) {
				t.Fatalf("CheckComplete() = %v; want DOSSIER_INCOMPLETE", err)
			}
			ae := appErr(t, err)
			if ae.Kind != apperr.KindFailedPrecondition {
				t.Errorf("kind = %v; want FailedPrecondition", ae.Kind)
			}
			if ae.Rule != tt.wantRule {
				t.Errorf("rule = %q; want %q", ae.Rule, tt.wantRule)
			}
			if got := fields(t, err); !slices.Equal(got, tt.wantFields) {
				t.Errorf("fields = %v; want %v", got, tt.wantFields)
			}
		})
	}
}

func TestCheckCompleteR38SwornDateInTheFuture(t *testing.T) {
	t.Parallel()
	c := complete()
	c.Sworn.Date = "2026-03-11"
	d := dossier.UnmarshalDossierFromDatabase("dos-1", owner.ID, "TP-00495", "2008", c, nil, 1, now, now)
	err := d.CheckComplete(tsgeri.CCPCodes(), dossier.CoverOf(owner, tsgeri), now)
	if ae := appErr(t, err); ae.Rule != "R38" {
		t.Fatalf("CheckComplete() rule = %q; want R38 (%v)", ae.Rule, err)
	}
	// The next day in Paris it is fine.
	if err := d.CheckComplete(tsgeri.CCPCodes(), dossier.CoverOf(owner, tsgeri), now.Add(24*time.Hour)); err != nil {
		t.Fatalf("CheckComplete(next day) = %v", err)
	}
}
