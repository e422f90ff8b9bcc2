package web

import (
	"testing"
	"time"
)

func TestFrenchFormats(t *testing.T) {
	t.Parallel()
	summer := time.Date(2026, 7, 1, 12, 5, 0, 0, time.UTC) // 14 h 05 in Paris (UTC+2)
	winter := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct{ got, want string }{
		{DateFR(summer), "1er juillet 2026"},
		{DateTimeFR(summer), "1er juillet 2026 à 14\u00a0h\u00a005"},
		{DateFR(winter), "1er janvier 2027"}, // already the next day in Paris
		{DateFR(time.Time{}), ""},
		{CivilDateFR("2026-03-02"), "2 mars 2026"},
		{CivilDateFR("2026-08-15"), "15 août 2026"},
		{CivilDateFR("not a date"), "not a date"},
		{IntFR(0), "0"},
		{IntFR(999), "999"},
		{IntFR(1234), "1\u202f234"},
		{IntFR(-1234567), "-1\u202f234\u202f567"},
		{DecimalFR(1234.5, 1), "1\u202f234,5"},
		{DecimalFR(-0.25, 2), "-0,25"},
		{DecimalFR(12, 0), "12"},
		{PercentFR(0.125, 1), "12,5\u00a0%"},
	} {
		if c.got != c.want {
			t.Errorf("got %q; want %q", c.got, c.want)
		}
	}
}
