package title

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/civildate"
)

func day(t *testing.T, s string) civildate.Date {
	t.Helper()
	if s == "" {
		return civildate.Date{}
	}
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestValidityCheckSession(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                   string
		from, to, prolongation string
		start, end, declaredOn string
		want                   error
	}{
		{name: "R6: open-ended title", from: "2008-12-18", start: "2026-06-01", end: "2026-06-03", declaredOn: "2026-01-01"},
		{name: "R6: before the title is in force", from: "2026-07-01", start: "2026-06-01", end: "2026-06-03", declaredOn: "2026-01-01", want: ErrNotYetValid},
		{name: "R6: within validity", to: "2026-12-31", start: "2026-06-01", end: "2026-06-03", declaredOn: "2026-01-01"},
		{name: "R6: ends on the last day of validity", to: "2026-06-03", start: "2026-06-01", end: "2026-06-03", declaredOn: "2026-06-03"},
		{name: "R6: in the prolongation year, declared before the end", to: "2026-06-30", start: "2027-06-01", end: "2027-06-30", declaredOn: "2026-06-30"},
		{name: "R6: in the prolongation year, declared after the end", to: "2026-06-30", start: "2027-01-10", end: "2027-01-12", declaredOn: "2026-07-01", want: ErrExpired},
		{name: "R6: after the prolongation year", to: "2026-06-30", start: "2027-06-30", end: "2027-07-01", declaredOn: "2026-01-01", want: ErrExpired},
		{name: "R6: the catalogue's own prolongation end", to: "2026-06-30", prolongation: "2026-12-31", start: "2027-01-02", end: "2027-01-03", declaredOn: "2026-01-01", want: ErrExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := Validity{From: day(t, tt.from), To: day(t, tt.to), ProlongationEnd: day(t, tt.prolongation)}
			if err := v.CheckSession(day(t, tt.start), day(t, tt.end), day(t, tt.declaredOn)); !errors.Is(err, tt.want) {
				t.Fatalf("CheckSession = %v; want %v", err, tt.want)
			}
		})
	}
}
