package candidacy_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func day(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// wantErr fails unless err has reason, and rule when set; an empty reason
// wants nil.
func wantErr(t *testing.T, err error, reason, rule string) {
	t.Helper()
	if reason == "" {
		if err != nil {
			t.Fatalf("err = %v; want nil", err)
		}
		return
	}
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Reason != reason || ae.Rule != rule {
		t.Fatalf("err = %v; want %s (%s)", err, reason, rule)
	}
}

func TestAdjust(t *testing.T) {
	t.Parallel()
	epreuves := []title.EpreuveKind{title.MiseEnSituation, title.EntretienFinal}
	durations := map[title.EpreuveKind]int{title.MiseEnSituation: 240}
	start, today := day(t, "2026-06-01"), day(t, "2026-05-04")
	base := func() candidacy.Adjustment {
		return candidacy.Adjustment{Epreuve: title.MiseEnSituation, ExtraMinutes: 80, AuthorisationRef: "MDPH-69-2026-0042",
			AuthorisedOn: day(t, "2026-04-20")}
	}
	with := func(f func(*candidacy.Adjustment)) candidacy.Adjustment { a := base(); f(&a); return a }
	tests := []struct {
		name         string
		in           candidacy.Adjustment
		reason, rule string
		wantMinutes  int
	}{
		{name: "R46: a third of the épreuve's duration is allowed", in: base(), wantMinutes: 240},
		{name: "R46: more than a third is refused unless exceptional", in: with(func(a *candidacy.Adjustment) { a.ExtraMinutes = 81 }),
			reason: "ADJUSTMENT_EXCEEDS_A_THIRD", rule: "R46"},
		{name: "R46: an exceptional extension with a justification is allowed",
			in: with(func(a *candidacy.Adjustment) {
				a.ExtraMinutes, a.Exceptional, a.Justification = 120, true, "Avis du médecin agréé : fatigabilité sévère."
			}), wantMinutes: 240},
		{name: "R46: an exception needs a justification",
			in:     with(func(a *candidacy.Adjustment) { a.ExtraMinutes, a.Exceptional = 120, true }),
			reason: "INVALID_ARGUMENT"},
		{name: "R46: the authorisation is dated before the session",
			in:     with(func(a *candidacy.Adjustment) { a.AuthorisedOn = day(t, "2026-06-01") }),
			reason: "ADJUSTMENT_NOT_AUTHORISED_BEFORE", rule: "R46"},
		{name: "R46: an authorisation in the future is refused",
			in:     with(func(a *candidacy.Adjustment) { a.AuthorisedOn = day(t, "2026-05-10") }),
			reason: "ADJUSTMENT_NOT_AUTHORISED_BEFORE", rule: "R46"},
		{name: "R46: without the title's duration, the planned duration is required",
			in:     with(func(a *candidacy.Adjustment) { a.Epreuve = title.EntretienFinal; a.ExtraMinutes = 10 }),
			reason: "INVALID_ARGUMENT"},
		{name: "R46: without the title's duration, a third of the planned duration",
			in: with(func(a *candidacy.Adjustment) {
				a.Epreuve, a.ExtraMinutes, a.EpreuveMinutes = title.EntretienFinal, 10, 30
			}), wantMinutes: 30},
		{name: "R46: a third of the planned duration, not more",
			in: with(func(a *candidacy.Adjustment) {
				a.Epreuve, a.ExtraMinutes, a.EpreuveMinutes = title.EntretienFinal, 11, 30
			}), reason: "ADJUSTMENT_EXCEEDS_A_THIRD", rule: "R46"},
		{name: "R46: arrangements without extra time",
			in: with(func(a *candidacy.Adjustment) { a.ExtraMinutes, a.Arrangements = 0, "Salle au rez-de-chaussée." })},
		{name: "R46: the authorisation reference is required",
			in: with(func(a *candidacy.Adjustment) { a.AuthorisationRef = " " }), reason: "INVALID_ARGUMENT"},
		{name: "an épreuve not held in the session is refused",
			in: with(func(a *candidacy.Adjustment) { a.Epreuve = title.QuestionnaireProfession }), reason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := candidacy.New("cy-1", "s-1", candidacy.Registration{CandidateID: "cand-1"}, []string{"CCP1"},
				candidate.Candidate{ID: "cand-1", AccessRoute: candidate.RouteTraining}, candidacy.RequestKey{}, now)
			err := c.Adjust(tt.in, "centre", epreuves, durations, start, today, now)
			if tt.reason == "INVALID_ARGUMENT" {
				if apperr.KindOf(err) != apperr.KindInvalidArgument {
					t.Fatalf("err = %v; want INVALID_ARGUMENT", err)
				}
				return
			}
			wantErr(t, err, tt.reason, tt.rule)
			if err != nil {
				if len(c.Adjustments) != 0 || c.Version != 1 {
					t.Fatalf("a refused adjustment changed the candidacy: %+v", c.Adjustments)
				}
				return
			}
			if len(c.Adjustments) != 1 || c.Adjustments[0].EpreuveMinutes != tt.wantMinutes || c.Adjustments[0].By != "centre" || c.Version != 2 {
				t.Fatalf("adjustments = %+v, version %d", c.Adjustments, c.Version)
			}
		})
	}
}

func TestRecordECF(t *testing.T) {
	t.Parallel()
	today := day(t, "2026-05-04")
	result := func(code string) candidacy.ECFResult {
		return candidacy.ECFResult{CCPCode: code, Obtained: true, AssessedOn: day(t, "2026-04-15")}
	}
	tests := []struct {
		name         string
		route        candidate.AccessRoute
		in           []candidacy.ECFResult
		reason, rule string
		wantMissing  []string
	}{
		{name: "R30: a trainee's results per CCP; the missing ones are named", route: candidate.RouteTraining,
			in: []candidacy.ECFResult{result("CCP3")}, wantMissing: []string{"CCP1"}},
		{name: "R30: an apprentice has ECF results too", route: candidate.RouteApprenticeship,
			in: []candidacy.ECFResult{result("CCP1"), result("CCP3")}},
		{name: "R30: a VAE candidate has no ECF", route: candidate.RouteVAE,
			in: []candidacy.ECFResult{result("CCP1")}, reason: "ECF_NOT_APPLICABLE", rule: "R30"},
		{name: "R30: a CCP outside the scope is refused", route: candidate.RouteTraining,
			in: []candidacy.ECFResult{result("CCP2")}, reason: "INVALID_ARGUMENT"},
		{name: "R30: an assessment in the future is refused", route: candidate.RouteTraining,
			in: []candidacy.ECFResult{{CCPCode: "CCP1", AssessedOn: day(t, "2026-06-01")}}, reason: "INVALID_ARGUMENT"},
		{name: "R30: one result per CCP", route: candidate.RouteTraining,
			in: []candidacy.ECFResult{result("CCP1"), result("CCP1")}, reason: "INVALID_ARGUMENT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := candidacy.New("cy-1", "s-1", candidacy.Registration{CandidateID: "cand-1"}, []string{"CCP1", "CCP3"},
				candidate.Candidate{ID: "cand-1", AccessRoute: tt.route}, candidacy.RequestKey{}, now)
			err := c.RecordECF(tt.in, "centre", today, now)
			if tt.reason == "INVALID_ARGUMENT" {
				if apperr.KindOf(err) != apperr.KindInvalidArgument {
					t.Fatalf("err = %v; want INVALID_ARGUMENT", err)
				}
				return
			}
			wantErr(t, err, tt.reason, tt.rule)
			if err != nil {
				return
			}
			if got := c.MissingECF(); !equal(got, tt.wantMissing) {
				t.Fatalf("MissingECF() = %v; want %v", got, tt.wantMissing)
			}
		})
	}
	t.Run("R49: a VAE candidate lacks no ECF", func(t *testing.T) {
		c := candidacy.New("cy-1", "s-1", candidacy.Registration{CandidateID: "cand-2"}, []string{"CCP1"},
			candidate.Candidate{ID: "cand-2", AccessRoute: candidate.RouteVAE}, candidacy.RequestKey{}, now)
		if got := c.MissingECF(); len(got) != 0 {
			t.Fatalf("MissingECF() = %v", got)
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestAttendance(t *testing.T) {
	t.Parallel()
	epreuves := []title.EpreuveKind{title.MiseEnSituation, title.EntretienFinal}
	c := candidacy.New("cy-1", "s-1", candidacy.Registration{CandidateID: "cand-1"}, []string{"CCP1"},
		candidate.Candidate{ID: "cand-1", AccessRoute: candidate.RouteTraining}, candidacy.RequestKey{}, now)
	if err := c.MarkAttendance([]candidacy.Attendance{{Epreuve: title.EntretienFinal}}, epreuves, "j1", now); err != nil {
		t.Fatal(err)
	}
	if c.AbsentFromSession(epreuves) {
		t.Fatal("R33: absent from one épreuve, not yet from the session")
	}
	if err := c.MarkAttendance([]candidacy.Attendance{{Epreuve: title.MiseEnSituation}}, epreuves, "centre", now); err != nil {
		t.Fatal(err)
	}
	if !c.AbsentFromSession(epreuves) || c.PresentAtSome() {
		t.Fatalf("R33: absent from every épreuve: %+v", c.Attendance)
	}
	if c.Attendance[0].Epreuve != title.MiseEnSituation || c.Attendance[0].By != "centre" {
		t.Fatalf("attendance not in the title's order: %+v", c.Attendance)
	}
	if err := c.MarkAttendance([]candidacy.Attendance{{Epreuve: title.MiseEnSituation, Present: true}}, epreuves, "j1", now); err != nil {
		t.Fatal(err)
	}
	if c.AbsentFromSession(epreuves) || !c.PresentAtSome() || len(c.Attendance) != 2 {
		t.Fatalf("a later mark replaces the earlier one: %+v", c.Attendance)
	}
	err := c.MarkAttendance([]candidacy.Attendance{{Epreuve: title.QuestionnaireProfession}}, epreuves, "j1", now)
	if apperr.KindOf(err) != apperr.KindInvalidArgument {
		t.Fatalf("an épreuve not held = %v", err)
	}
}
