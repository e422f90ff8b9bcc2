package notice

import (
	"fmt"
	"time"
	_ "time/tzdata" // Europe/Paris even on a host without a zone database
)

var paris = mustParis()

func mustParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic("notice: Europe/Paris: " + err.Error())
	}
	return loc
}

var (
	frenchDays   = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	frenchMonths = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
		"septembre", "octobre", "novembre", "décembre"}
)

// FrenchDate writes a civil date "YYYY-MM-DD" the French way: "lundi
// 1er juin 2026", "mardi 16 juin 2026". A malformed date is returned as is.
func FrenchDate(civil string) string {
	d, err := time.Parse(time.DateOnly, civil)
	if err != nil {
		return civil
	}
	return frenchDay(d)
}

func frenchDay(d time.Time) string {
	day := fmt.Sprint(d.Day())
	if d.Day() == 1 {
		day = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", frenchDays[d.Weekday()], day, frenchMonths[d.Month()-1], d.Year())
}

// FrenchTime writes an instant as a date and time in Paris: "vendredi
// 3 juillet 2026 à 14 h 05".
func FrenchTime(t time.Time) string {
	p := t.In(paris)
	return fmt.Sprintf("%s à %d h %02d", frenchDay(p), p.Hour(), p.Minute())
}

// FrenchPeriod writes a session's days: "le lundi 15 juin 2026" for one
// day, "du lundi 15 juin 2026 au mardi 16 juin 2026" for several.
func FrenchPeriod(start, end string) string {
	if end == "" || end == start {
		return "le " + FrenchDate(start)
	}
	return "du " + FrenchDate(start) + " au " + FrenchDate(end)
}
