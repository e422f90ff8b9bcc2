package dossier_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// TestSubmitByTheDeadline: a dossier is submitted at the latest on the
// session's dossier deadline, a day in Paris, and never to a cancelled
// session (R40).
func TestSubmitByTheDeadline(t *testing.T) {
	t.Parallel()
	paris := time.FixedZone("CEST", 2*3600)
	planned := sessionTitre
	planned.StartDate = "2026-06-01"
	tests := []struct {
		name     string
		schedule refdata.Schedule
		session  refdata.Session
		at       time.Time
		wantErr  error
	}{
		{"R40: submitted before the deadline", refdata.Schedule{DossierDeadline: "2026-05-25", Version: 1}, planned,
			time.Date(2026, 5, 20, 12, 0, 0, 0, paris), nil},
		{"R40: submitted on the last minute of the deadline, Paris time", refdata.Schedule{DossierDeadline: "2026-05-25", Version: 1}, planned,
			time.Date(2026, 5, 25, 23, 59, 0, 0, paris), nil},
		{"R40: submitted the day after the deadline is refused", refdata.Schedule{DossierDeadline: "2026-05-25", Version: 1}, planned,
			time.Date(2026, 5, 26, 0, 1, 0, 0, paris), dossier.ErrDeadlinePassed},
		{"R40: a postponed deadline takes the later day", refdata.Schedule{DossierDeadline: "2026-06-15", Version: 3}, planned,
			time.Date(2026, 6, 10, 9, 0, 0, 0, paris), nil},
		{"R40: without a schedule, the first day as planned bounds the deadline", refdata.Schedule{}, planned,
			time.Date(2026, 6, 2, 9, 0, 0, 0, paris), dossier.ErrDeadlinePassed},
		{"R40: a cancelled session takes no dossier", refdata.Schedule{DossierDeadline: "2026-05-25", Cancelled: true, Version: 4}, planned,
			time.Date(2026, 5, 20, 9, 0, 0, 0, paris), dossier.ErrSessionCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := newDossier(t, complete())
			in := dossier.SubmitInput{SnapshotID: "snap-1", Session: tt.session, Candidacy: ownCandidacy, Title: tsgeri,
				Cover: dossier.CoverOf(owner, tsgeri), Schedule: tt.schedule}
			_, err := d.Submit(in, tt.at)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Submit() = %v", err)
				}
				return
			}
			var ae *apperr.Error
			if !errors.Is(err, tt.wantErr) || !errors.As(err, &ae) || ae.Rule != "R40" || ae.Kind != apperr.KindFailedPrecondition {
				t.Fatalf("Submit() = %v; want %v naming R40", err, tt.wantErr)
			}
			if check := d.CheckSubmission(in, tt.at); !errors.Is(check, tt.wantErr) {
				t.Fatalf("CheckSubmission() = %v; want %v as Submit", check, tt.wantErr)
			}
		})
	}
}
