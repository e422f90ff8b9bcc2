package candidate_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

func TestCandidate_Update(t *testing.T) {
	t.Parallel()
	later := now.Add(time.Hour)
	tests := []struct {
		name        string
		initial     func() candidate.Details
		patch       func(d *candidate.Details)
		paths       []string
		at          time.Time                               // zero: an hour after creation
		check       func(t *testing.T, d candidate.Details) // optional, on the result
		wantChanged []string                                // nil: a no-op
	}{
		{name: "email changes", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.Email = "new@example.org" }, paths: []string{"email"},
			check: func(t *testing.T, d candidate.Details) {
				if d.Email != "new@example.org" {
					t.Errorf("email = %q; want new@example.org", d.Email)
				}
			},
			wantChanged: []string{"email"}},
		{name: "fields outside the mask are kept", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.Email, d.BirthName = "new@example.org", "Other" }, paths: []string{"email"},
			check: func(t *testing.T, d candidate.Details) {
				if d.BirthName != "Martin" {
					t.Errorf("birth name = %q; want Martin (not in the mask)", d.BirthName)
				}
			},
			wantChanged: []string{"email"}},
		{name: "same value is a no-op", initial: trainingDetails,
			patch: func(*candidate.Details) {}, paths: []string{"email", "birth_name"}},
		{name: "etag in the mask is ignored (grpc-gateway puts it there)", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.Phone = "+33700000000" }, paths: []string{"etag", "phone"},
			wantChanged: []string{"phone"}},
		{name: "nested leaf from a PATCH body", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.BirthPlace.Commune = "Lille" }, paths: []string{"birth_place.commune"},
			wantChanged: []string{"birth_place.commune"}},
		{name: "France VAE candidature id set by an update", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.FranceVaeCandidatureID = "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71" },
			paths: []string{"france_vae_candidature_id"}, wantChanged: []string{"france_vae_candidature_id"}},
		{name: "optional message cleared", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.PostalAddress = nil }, paths: []string{"postal_address"},
			wantChanged: []string{"postal_address"}},
		{name: "duplicate paths count once", initial: trainingDetails,
			patch: func(d *candidate.Details) { d.UsageName = "" }, paths: []string{"usage_name", "usage_name"},
			wantChanged: []string{"usage_name"}},
		{name: "route switch to VAE with its evidence", initial: trainingDetails,
			patch:       func(d *candidate.Details) { *d = vaeDetails() },
			paths:       []string{"access_route", "training", "vae_admissibility"},
			wantChanged: []string{"access_route", "training", "vae_admissibility"}},
		{name: "subject may be bound once when empty", initial: func() candidate.Details {
			d := trainingDetails()
			d.Subject = ""
			return d
		}, patch: func(d *candidate.Details) { d.Subject = "user-9" }, paths: []string{"subject"},
			wantChanged: []string{"subject"}},
		{name: "age is not re-checked when the birth date does not change", initial: func() candidate.Details {
			d := trainingDetails()
			d.BirthDate = "1926-03-16" // 99 on creation
			return d
		}, patch: func(d *candidate.Details) { d.Email = "old@example.org" }, paths: []string{"email"},
			at: now.AddDate(2, 0, 0), wantChanged: []string{"email"}}, // now 101 years old
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCandidate(t, tt.initial())
			c.PullEvents()
			patch := c.Details()
			tt.patch(&patch)
			when := tt.at
			if when.IsZero() {
				when = later
			}
			if err := c.Update(patch, tt.paths, when); err != nil {
				t.Fatalf("Update() = %v; want nil", err)
			}
			events := c.PullEvents()
			if tt.wantChanged == nil {
				if len(events) != 0 || c.Version() != 1 {
					t.Errorf("events, version = %v, %d; want none, 1 (no-op)", events, c.Version())
				}
				return
			}
			if c.Version() != 2 || c.Etag() != "2" || !c.UpdatedAt().Equal(when) || !c.CreatedAt().Equal(now) {
				t.Errorf("version, etag, updated, created = %d, %s, %v, %v; want 2, \"2\", %v, %v",
					c.Version(), c.Etag(), c.UpdatedAt(), c.CreatedAt(), when, now)
			}
			if len(events) != 1 {
				t.Fatalf("events = %v; want one Updated", events)
			}
			up, ok := events[0].(candidate.Updated)
			if !ok || !slices.Equal(up.ChangedFields, tt.wantChanged) || up.Candidate.Version() != 2 {
				t.Errorf("event = %#v; want Updated changing %v at version 2", events[0], tt.wantChanged)
			}
			if tt.check != nil {
				tt.check(t, c.Details())
			}
		})
	}
}

func TestCandidate_UpdateRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		patch      func(d *candidate.Details)
		paths      []string
		wantFields []string
		wantErr    error
	}{
		{name: "empty mask", paths: nil, wantFields: []string{"update_mask"}},
		{name: "mask of only the etag", paths: []string{"etag"}, wantFields: []string{"update_mask"}},
		{name: "wildcard refused", paths: []string{"*"}, wantFields: []string{"update_mask"}},
		{name: "unknown path", paths: []string{"email", "nickname"}, wantFields: []string{"update_mask"}},
		{name: "output-only paths, each listed", paths: []string{"id", "centre_id", "create_time", "update_time", "vae_admissibility.valid_until"},
			wantFields: []string{"update_mask", "update_mask", "update_mask", "update_mask", "update_mask"}},
		{name: "subject immutable once set", patch: func(d *candidate.Details) { d.Subject = "someone-else" },
			paths: []string{"subject"}, wantFields: []string{"update_mask"}},
		{name: "merged record is validated", patch: func(d *candidate.Details) { d.Email = "bad" },
			paths: []string{"email"}, wantFields: []string{"candidate.email"}},
		{name: "R24: route change without its evidence", patch: func(d *candidate.Details) { d.AccessRoute = candidate.RouteVAE },
			paths: []string{"access_route"}, wantFields: []string{"candidate.training", "candidate.vae_admissibility"}},
		{name: "age re-checked when the birth date changes", patch: func(d *candidate.Details) { d.BirthDate = "2015-01-01" },
			paths: []string{"birth_date"}, wantFields: []string{"candidate.birth_date"}},
		{name: "R25: an expired admissibility cannot be set", patch: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = "2024-01-01"
		}, paths: []string{"access_route", "training", "vae_admissibility"}, wantErr: candidate.ErrVAEAdmissibilityExpired},
		{name: "R25: nested admissibility date change is checked", patch: func(d *candidate.Details) {
			*d = vaeDetails()
			d.VAE.DecisionDate = "2024-01-01"
		}, paths: []string{"access_route", "training", "vae_admissibility.decision_date"}, wantErr: candidate.ErrVAEAdmissibilityExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := newCandidate(t, trainingDetails())
			c.PullEvents()
			before := c.Details()
			patch := c.Details()
			if tt.patch != nil {
				tt.patch(&patch)
			}
			err := c.Update(patch, tt.paths, now)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Update() = %v; want %v", err, tt.wantErr)
				}
			} else if got := violationFields(t, err); !slices.Equal(got, tt.wantFields) {
				t.Errorf("violations = %v; want %v", got, tt.wantFields)
			}
			if c.Version() != 1 || len(c.PullEvents()) != 0 || c.Details().Email != before.Email {
				t.Errorf("a refused update changed the candidate")
			}
		})
	}
}

func TestCandidate_UpdateKeepsAdmissibilityUntouched(t *testing.T) {
	t.Parallel()
	d := vaeDetails()
	c := newCandidate(t, d)
	// Two years later the admissibility has expired (R25), but changing the
	// email does not re-submit the evidence, so it is accepted.
	patch := c.Details()
	patch.Email = "moved@example.org"
	if err := c.Update(patch, []string{"email"}, now.AddDate(2, 0, 0)); err != nil {
		t.Fatalf("Update(email) = %v; want nil", err)
	}
}

func TestCandidate_CheckEtag(t *testing.T) {
	t.Parallel()
	c := newCandidate(t, trainingDetails())
	if err := c.CheckEtag("1"); err != nil {
		t.Errorf("CheckEtag(current) = %v; want nil", err)
	}
	for _, stale := range []string{"0", "2", "", `"1"`} {
		if err := c.CheckEtag(stale); !errors.Is(err, candidate.ErrVersionConflict) {
			t.Errorf("CheckEtag(%q) = %v; want ErrVersionConflict", stale, err)
		}
	}
}
