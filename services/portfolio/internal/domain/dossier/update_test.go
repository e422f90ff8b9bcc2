package dossier_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
)

func TestNewValidatesAndAssignsExampleIDs(t *testing.T) {
	t.Parallel()
	c := complete()
	c.Examples[1].ID = "ex1" // kept; the others get the next free ids
	d := newDossier(t, c)
	var ids []string
	for _, e := range d.Content().Examples {
		ids = append(ids, e.ID)
	}
	if !slices.Equal(ids, []string{"ex2", "ex1", "ex3"}) {
		t.Errorf("example ids = %v; want [ex2 ex1 ex3]", ids)
	}
	if d.Version() != 1 || d.Etag() != "1" {
		t.Errorf("version = %d, etag %q", d.Version(), d.Etag())
	}
	if d.Content().Sworn.SignedAt.IsZero() {
		t.Errorf("a complete sworn statement has a sign time")
	}
}

func TestUpdateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		paths  []string
		edit   func(c *dossier.Content)
		fields []string
	}{
		{"unknown activity type", []string{"examples"}, func(c *dossier.Content) { c.Examples[0].CCPCode = "CCP9" },
			[]string{"dossier.examples[0].ccp_code"}},
		{"example title required", []string{"examples"}, func(c *dossier.Content) { c.Examples[2].Title = " " },
			[]string{"dossier.examples[2].title"}},
		{"R36: period ending before it starts", []string{"examples"}, func(c *dossier.Content) {
			c.Examples[0].Context.PeriodFrom, c.Examples[0].Context.PeriodTo = "2024-01-01", "2023-01-01"
		}, []string{"dossier.examples[0].context.period_to"}},
		{"malformed date", []string{"examples"}, func(c *dossier.Content) { c.Examples[0].Context.PeriodFrom = "01/02/2023" },
			[]string{"dossier.examples[0].context.period_from"}},
		{"R35: four examples for an activity type", []string{"examples"}, func(c *dossier.Content) {
			c.Examples = append(c.Examples, example("CCP2", "b"), example("CCP2", "c"), example("CCP2", "d"))
		}, []string{"dossier.examples"}},
		{"duplicate example ids", []string{"examples"}, func(c *dossier.Content) {
			c.Examples[0].ID, c.Examples[1].ID = "same", "same"
		}, []string{"dossier.examples[1].id"}},
		{"control characters in a title", []string{"examples"}, func(c *dossier.Content) { c.Examples[0].Title = "a\x00b" },
			[]string{"dossier.examples[0].title"}},
		{"R38: sworn date in the future", []string{"sworn_statement.date"}, func(c *dossier.Content) { c.Sworn.Date = "2027-01-01" },
			[]string{"dossier.sworn_statement.date"}},
		{"qualification title required", []string{"prior_qualifications"}, func(c *dossier.Content) { c.Qualifications[0].Title = "" },
			[]string{"dossier.prior_qualifications[0].title"}},
		{"wildcard mask", []string{"*"}, func(*dossier.Content) {}, []string{"update_mask"}},
		{"empty mask", nil, func(*dossier.Content) {}, []string{"update_mask"}},
		{"output-only path", []string{"documents"}, func(*dossier.Content) {}, []string{"update_mask"}},
		{"output-only leaf", []string{"cover.access_mode"}, func(*dossier.Content) {}, []string{"update_mask"}},
		{"R42: the cover is never typed", []string{"cover"}, func(*dossier.Content) {}, []string{"update_mask"}},
		{"immutable path", []string{"title_version"}, func(*dossier.Content) {}, []string{"update_mask"}},
		{"unknown path", []string{"examples.tasks"}, func(*dossier.Content) {}, []string{"update_mask"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDossier(t, complete())
			c := d.Content()
			tt.edit(&c)
			err := d.Update(c, tt.paths, tsgeri, now)
			if err == nil {
				t.Fatalf("Update() = nil; want InvalidArgument on %v", tt.fields)
			}
			if got := fields(t, err); !slices.Equal(got, tt.fields) {
				t.Errorf("fields = %v; want %v (%v)", got, tt.fields, err)
			}
			if d.Version() != 1 {
				t.Errorf("a refused update changed the version to %d", d.Version())
			}
		})
	}
}

func TestUpdateReplacesListsAndSignsTheStatement(t *testing.T) {
	t.Parallel()
	d := newDossier(t, dossier.Content{})
	if !d.Content().Sworn.SignedAt.IsZero() {
		t.Fatalf("an empty statement has no sign time")
	}
	c := complete()
	later := now.Add(time.Hour)
	if err := d.Update(c, []string{"examples", "sworn_statement", "etag"}, tsgeri, later); err != nil {
		t.Fatalf("Update() = %v", err)
	}
	got := d.Content()
	if len(got.Examples) != 3 || got.Qualifications != nil {
		t.Errorf("content after update = %+v", got)
	}
	if !got.Sworn.SignedAt.Equal(later) {
		t.Errorf("sign time = %v; want %v", got.Sworn.SignedAt, later)
	}
	if d.Version() != 2 {
		t.Errorf("version = %d; want 2", d.Version())
	}

	// Sending the same again changes nothing.
	if err := d.Update(d.Content(), []string{"examples"}, tsgeri, later.Add(time.Hour)); err != nil {
		t.Fatalf("Update(same) = %v", err)
	}
	if d.Version() != 2 {
		t.Errorf("a no-op update bumped the version to %d", d.Version())
	}

	// Editing the place re-signs; clearing it un-signs.
	c = d.Content()
	c.Sworn.Place = "Paris"
	if err := d.Update(c, []string{"sworn_statement.place"}, tsgeri, later.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !d.Content().Sworn.SignedAt.Equal(later.Add(2 * time.Hour)) {
		t.Errorf("sign time after a new place = %v", d.Content().Sworn.SignedAt)
	}
	c.Sworn.Place = ""
	if err := d.Update(c, []string{"sworn_statement.place"}, tsgeri, later.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if !d.Content().Sworn.SignedAt.IsZero() {
		t.Errorf("an incomplete statement keeps a sign time")
	}

	// Lists are replaced as a whole: sending two examples keeps two.
	c = d.Content()
	c.Examples = c.Examples[:2]
	if err := d.Update(c, []string{"examples"}, tsgeri, later); err != nil {
		t.Fatal(err)
	}
	if n := len(d.Content().Examples); n != 2 {
		t.Errorf("examples after replacing with 2 = %d", n)
	}
}

func TestEtag(t *testing.T) {
	t.Parallel()
	d := newDossier(t, complete())
	if err := d.CheckEtag("1"); err != nil {
		t.Errorf("CheckEtag(current) = %v", err)
	}
	if err := d.CheckEtag("0"); !errors.Is(err, dossier.ErrVersionConflict) {
		t.Errorf("CheckEtag(stale) = %v; want DOSSIER_VERSION_CONFLICT", err)
	}
}
