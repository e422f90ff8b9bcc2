package register

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/civildate"
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

func TestCheckAgrement(t *testing.T) {
	t.Parallel()
	agr := Agrement{ID: "AGR-1", CentreID: "CENTRE-A", TitleID: "TP-00495", TitleVersion: "2008", Site: "AFPA Lyon Vénissieux",
		ValidFrom: day(t, "2026-01-01"), ValidTo: day(t, "2026-12-31"), Granted: true, Version: 1}
	withdrawn := agr
	withdrawn.Granted, withdrawn.Version = false, 2
	otherSite := agr
	otherSite.ID, otherSite.Site = "AGR-2", "AFPA Grenoble"
	tests := []struct {
		name            string
		agrements       []Agrement
		centre, version string
		site            string
		start, end      string
		want            error
	}{
		{"R8: an agrément covering the session", []Agrement{agr}, "CENTRE-A", "2008", "afpa lyon  vénissieux", "2026-06-01", "2026-06-03", nil},
		{"R8: on the agrément's first and last days", []Agrement{agr}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-01-01", "2026-12-31", nil},
		{"R8: no agrément", nil, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", ErrNoAgrement},
		{"R8: another site", []Agrement{otherSite}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", ErrNoAgrement},
		{"R8: another title version", []Agrement{agr}, "CENTRE-A", "2024", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", ErrNoAgrement},
		{"R8: another centre's agrément", []Agrement{agr}, "CENTRE-B", "2008", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", ErrNoAgrement},
		{"R8: the session ends after the agrément", []Agrement{agr}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-12-30", "2027-01-02", ErrNoAgrement},
		{"R8: the session starts before the agrément", []Agrement{agr}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2025-12-31", "2026-01-02", ErrNoAgrement},
		{"R8: a withdrawn agrément", []Agrement{withdrawn}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", ErrNoAgrement},
		{"R8: one agrément of several covers", []Agrement{otherSite, agr}, "CENTRE-A", "2008", "AFPA Lyon Vénissieux", "2026-06-01", "2026-06-03", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckAgrement(tt.agrements, title.Validity{}, tt.centre, "TP-00495", tt.version, tt.site, day(t, tt.start), day(t, tt.end))
			if !errors.Is(err, tt.want) {
				t.Fatalf("CheckAgrement = %v; want %v", err, tt.want)
			}
		})
	}
	// R11: the agrément does not depend on the session type: CheckAgrement
	// takes none, so the same agrément covers titre and CCP sessions.
	t.Run("R11: one agrément covers titre and CCP sessions", func(t *testing.T) {
		for range []title.SessionType{title.SessionTitre, title.SessionCCP} {
			if err := CheckAgrement([]Agrement{agr}, title.Validity{}, "CENTRE-A", "TP-00495", "2008", agr.Site, day(t, "2026-06-01"), day(t, "2026-06-01")); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestCheckJuror(t *testing.T) {
	t.Parallel()
	hab := Habilitation{Number: "HAB-1", JurorSubject: "juror-1", JurorName: "Claire", TitleID: "TP-00495",
		ValidFrom: day(t, "2026-01-01"), ValidTo: day(t, "2027-12-31"), Granted: true, Version: 1}
	trainer := hab
	trainer.Trainer = true
	withdrawn := hab
	withdrawn.Granted = false
	tests := []struct {
		name     string
		h        Habilitation
		subject  string
		accepted bool
		typ      title.SessionType
		want     error
	}{
		{"R16: the juror's own habilitation in force", hab, "juror-1", true, title.SessionTitre, nil},
		{"R16: another juror's habilitation", hab, "juror-2", true, title.SessionTitre, ErrHabilitationOfAnother},
		{"R16: a withdrawn habilitation", withdrawn, "juror-1", true, title.SessionTitre, ErrHabilitationWithdrawn},
		{"R20: a trainer in a session titre", trainer, "juror-1", true, title.SessionTitre, nil},
		{"R20: a trainer in a CCP session", trainer, "juror-1", true, title.SessionCCP, ErrTrainerInCCPSession},
		{"R20: a professional in a CCP session", hab, "juror-1", true, title.SessionCCP, nil},
		{"R23: the charte not accepted", hab, "juror-1", false, title.SessionTitre, ErrCharterNotAccepted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := CheckJuror(tt.h, tt.subject, tt.accepted, tt.typ); !errors.Is(err, tt.want) {
				t.Fatalf("CheckJuror = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestCheckAgrementInTheProlongation(t *testing.T) {
	t.Parallel()
	v := title.Validity{To: day(t, "2026-12-31")}
	toEnd := Agrement{ID: "AGR-1", CentreID: "C", TitleID: "TP-1", TitleVersion: "2015", Site: "Lyon",
		ValidFrom: day(t, "2024-01-01"), ValidTo: day(t, "2026-12-31"), Granted: true}
	shorter := toEnd
	shorter.ValidTo = day(t, "2026-06-30")
	tests := []struct {
		name string
		a    Agrement
		end  string
		want error
	}{
		{"R6: an agrément in force at the title's end covers the délai de prolongation", toEnd, "2027-06-01", nil},
		{"R6: not beyond the délai de prolongation", toEnd, "2028-01-01", ErrNoAgrement},
		{"R8: an agrément that ended before the title does not", shorter, "2027-06-01", ErrNoAgrement},
	}
	for _, tt := range tests {
		if err := CheckAgrement([]Agrement{tt.a}, v, "C", "TP-1", "2015", "Lyon", day(t, tt.end), day(t, tt.end)); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v; want %v", tt.name, err, tt.want)
		}
	}
}
