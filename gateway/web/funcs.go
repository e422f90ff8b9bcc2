package web

import (
	"html/template"

	"github.com/titrepro/titrepro/internal/auth"
)

// templateFuncs are the functions every template may call:
//
//	{{asset "css/app.css"}}         the versioned URL of a static file
//	{{date .T}} {{datetime .T}}     fr-FR dates of a time.Time (Paris)
//	{{civildate "2026-03-02"}}      fr-FR date of a "YYYY-MM-DD" string
//	{{int 12345}} {{decimal 1.5 1}} fr-FR numbers
//	{{role "juror"}}                a role's French name
//	{{kind .Kind}}                  a certificate kind's French name
func templateFuncs(as *assets) template.FuncMap {
	return template.FuncMap{
		"asset":     as.URL,
		"date":      DateFR,
		"datetime":  DateTimeFR,
		"civildate": CivilDateFR,
		"int":       func(n any) string { return IntFR(toInt64(n)) },
		"decimal":   DecimalFR,
		"percent":   PercentFR,
		"role":      func(r auth.Role) string { return RoleLabel(r) },
		"kind":      kindLabel,
	}
}

func toInt64(n any) int64 {
	switch v := n.(type) {
	case int:
		return int64(v)
	case int32:
		return int64(v)
	case int64:
		return v
	case uint32:
		return int64(v)
	case uint64:
		return int64(v)
	default:
		return 0
	}
}
