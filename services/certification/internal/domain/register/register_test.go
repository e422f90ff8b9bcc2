package register

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
)

var now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func date(s string) civildate.Date {
	d, err := civildate.Parse(s)
	if err != nil {
		panic(err)
	}
	return d
}

func agrementIn() AgrementInput {
	return AgrementInput{ID: "AGR-69-2026-001", CentreID: "CENTRE-69-001", TitleID: "TP-00495", TitleVersion: "2008",
		Site: "AFPA Lyon Vénissieux", ValidFrom: "2026-01-01", ValidTo: "2028-12-31"}
}

func TestNewAgrement(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		change   func(*AgrementInput)
		titleEnd civildate.Date
		want     error
		field    string
	}{
		{name: "granted with an open-ended title", change: func(*AgrementInput) {}},
		{name: "R9: ends on the title's last day", change: func(*AgrementInput) {}, titleEnd: date("2028-12-31")},
		{name: "R9: ends after the title", change: func(*AgrementInput) {}, titleEnd: date("2028-12-30"), want: ErrAgrementBeyondTitle},
		{name: "dates reversed", change: func(in *AgrementInput) { in.ValidTo = "2025-12-31" }, field: "agrement.valid_to"},
		{name: "site required", change: func(in *AgrementInput) { in.Site = " " }, field: "agrement.site"},
		{name: "id without slash", change: func(in *AgrementInput) { in.ID = "a/b" }, field: "agrement.id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := agrementIn()
			tt.change(&in)
			a, err := NewAgrement(in, tt.titleEnd, "officer", now)
			switch {
			case tt.field != "":
				var e *apperr.Error
				if !errors.As(err, &e) || len(e.Violations) == 0 || e.Violations[0].Field != tt.field {
					t.Fatalf("err = %v; want a violation of %s", err, tt.field)
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v; want %v", err, tt.want)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if a.State != Granted || a.Version != 1 || a.ValidTo != date("2028-12-31") {
					t.Fatalf("agrément = %+v", a)
				}
			}
		})
	}
}

func habIn() HabilitationInput {
	return HabilitationInput{Number: "HAB-69-0001", JurorSubject: "juror-1", JurorName: "Claire Martin",
		JurorEmail: "claire.martin@example.org", TitleID: "TP-00495", ValidFrom: "2026-01-01", ValidTo: "2030-12-31",
		Category: Professional, ExperienceYears: 5}
}

func TestNewHabilitation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		change   func(*HabilitationInput)
		titleEnd civildate.Date
		want     error
		field    string
	}{
		{name: "R17: three years in the job", change: func(in *HabilitationInput) { in.ExperienceYears = 3 }},
		{name: "R17: three years supervising", change: func(in *HabilitationInput) { in.Category, in.ExperienceYears = Supervisor, 3 }},
		{name: "R17: two years refused", change: func(in *HabilitationInput) { in.ExperienceYears = 2 }, want: ErrExperienceTooShort},
		{name: "R17: two years with a derogation", change: func(in *HabilitationInput) {
			in.ExperienceYears, in.Derogation, in.DerogationReason = 2, true, "métier émergent"
		}},
		{name: "R17: a derogation needs its reason", change: func(in *HabilitationInput) { in.Derogation = true }, field: "habilitation.derogation_reason"},
		{name: "R17: left the job exactly five years before", change: func(in *HabilitationInput) { in.LastPractised = "2021-03-02" }},
		{name: "R17: left the job more than five years before", change: func(in *HabilitationInput) { in.LastPractised = "2021-03-01" }, want: ErrLeftJobTooLong},
		{name: "R17: last practised in the future", change: func(in *HabilitationInput) { in.LastPractised = "2026-03-03" }, field: "habilitation.last_practised"},
		{name: "R17: category required", change: func(in *HabilitationInput) { in.Category = "" }, field: "habilitation.category"},
		{name: "R18: ends on the title's last day", change: func(*HabilitationInput) {}, titleEnd: date("2030-12-31")},
		{name: "R18: ends after the title", change: func(*HabilitationInput) {}, titleEnd: date("2029-12-31"), want: ErrHabilitationBeyondTitle},
		{name: "e-mail required", change: func(in *HabilitationInput) { in.JurorEmail = "claire" }, field: "habilitation.juror_email"},
		{name: "subject me reserved", change: func(in *HabilitationInput) { in.JurorSubject = "me" }, field: "habilitation.juror_subject"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := habIn()
			tt.change(&in)
			h, err := NewHabilitation(in, tt.titleEnd, "officer", now)
			switch {
			case tt.field != "":
				var e *apperr.Error
				if !errors.As(err, &e) || len(e.Violations) == 0 || e.Violations[0].Field != tt.field {
					t.Fatalf("err = %v; want a violation of %s", err, tt.field)
				}
			case tt.want != nil:
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v; want %v", err, tt.want)
				}
			case err != nil:
				t.Fatal(err)
			default:
				if h.State != Granted || !h.SameGrant(h) {
					t.Fatalf("habilitation = %+v", h)
				}
			}
		})
	}
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	a, err := NewAgrement(agrementIn(), civildate.Date{}, "officer", now)
	if err != nil {
		t.Fatal(err)
	}
	if changed, err := a.Withdraw("", "officer", now); changed || err == nil {
		t.Fatalf("withdraw without reason = %v, %v", changed, err)
	}
	if changed, err := a.Withdraw("plateau technique fermé", "officer", now); !changed || err != nil || a.State != Withdrawn || a.Version != 2 {
		t.Fatalf("withdraw = %v, %v, %+v", changed, err, a)
	}
	if changed, err := a.Withdraw("plateau technique fermé", "officer", now); changed || err != nil {
		t.Fatalf("same withdrawal again = %v, %v; want no change", changed, err)
	}
	if _, err := a.Withdraw("autre motif", "officer", now); !errors.Is(err, ErrAlreadyWithdrawn) {
		t.Fatalf("other reason = %v", err)
	}
}

func TestAcceptCharter(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, version string
		want          error
	}{
		{"R23: the current version", CharterVersion, nil},
		{"R23: empty means the current version", "", nil},
		{"R23: an old version is refused", "0", ErrCharterVersion},
	} {
		c, err := AcceptCharter("juror-1", tt.version, now)
		if !errors.Is(err, tt.want) || (err == nil && c.Version != CharterVersion) {
			t.Errorf("%s: %+v, %v", tt.name, c, err)
		}
	}
}
