package catalogue

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

var (
	codePattern       = regexp.MustCompile(`^TP-\d{5}$`)
	nsfPattern        = regexp.MustCompile(`^\d{3}[a-z]?$`)
	romePattern       = regexp.MustCompile(`^[A-N]\d{4}$`)
	legacyROMEPattern = regexp.MustCompile(`^\d{5}$`)
	rncpPattern       = regexp.MustCompile(`^RNCP\d+$`)
	oldLevels         = []string{"I", "II", "III", "IV", "V"}
)

// Validate checks the title version against the format and the rules of
// docs/domain.md (R1, R43). It returns nil or an ErrInvalidTitleVersion whose
// Violations name every bad field.
func (t TitleVersion) Validate() error {
	if vs := validate(t); len(vs) > 0 {
		return invalidError(vs)
	}
	return nil
}

// validate returns every violation of t, in document order.
func validate(t TitleVersion) []violation {
	var vs violations
	switch {
	case t.Code == "":
		vs.add("code", "", "is required")
	case !codePattern.MatchString(t.Code):
		vs.add("code", "", "must match TP-NNNNN (5 digits), got %s", quote(t.Code))
	}
	vs.require("version", t.Version)
	vs.require("label", t.Label)
	if t.Level < 1 || t.Level > 8 {
		vs.add("level", "", "must be a level of the cadre national, 1 to 8, got %d", t.Level)
	}
	if t.LevelOld != "" && !slices.Contains(oldLevels, t.LevelOld) {
		vs.add("level_old", "", "must be one of I, II, III, IV, V, got %s", quote(t.LevelOld))
	}
	if t.NSF != "" && !nsfPattern.MatchString(t.NSF) {
		vs.add("nsf", "", "must be an NSF code such as 326u, got %s", quote(t.NSF))
	}
	for i, r := range t.ROME {
		if !romePattern.MatchString(r) {
			vs.add(fmt.Sprintf("rome[%d]", i), "", "must be a ROME code such as M1801, got %s", quote(r))
		}
	}
	for i, r := range t.LegacyROME {
		if !legacyROMEPattern.MatchString(r) {
			vs.add(fmt.Sprintf("legacy_rome[%d]", i), "", "must be a 5-digit ROME v2 code, got %s", quote(r))
		}
	}
	if t.RNCPID != "" && !rncpPattern.MatchString(t.RNCPID) {
		vs.add("rncp_id", "", "must look like RNCP1234, got %s", quote(t.RNCPID))
	}
	for i, b := range t.LegalBases {
		vs.require(fmt.Sprintf("legal_bases[%d]", i), b)
	}
	vs = append(vs, validateDates(t)...)
	if !t.Status.Valid() {
		vs.add("status", "", "must be one of ACTIVE, EXTENDED, REVISED, CLOSED, IN_PROLONGATION, got %s", quote(string(t.Status)))
	}
	vs = append(vs, validateCCPs(t.CCPs)...)
	vs = append(vs, validateEpreuves(t.Epreuves)...)
	return vs
}

// violations collects the problems of one title.
type violations []violation

func (vs *violations) add(field, rule, format string, args ...any) {
	*vs = append(*vs, violation{field: field, rule: rule, msg: fmt.Sprintf(format, args...)})
}

// require reports field when s is blank.
func (vs *violations) require(field, s string) {
	if strings.TrimSpace(s) == "" {
		vs.add(field, "", "is required")
	}
}

func validateDates(t TitleVersion) []violation {
	var vs violations
	dateOnly := func(field string, d time.Time) bool {
		if d.IsZero() {
			return false
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			vs.add(field, "", "must be a calendar date (UTC midnight)")
			return false
		}
		return true
	}
	from := dateOnly("valid_from", t.ValidFrom)
	to := dateOnly("valid_to", t.ValidTo)
	end := dateOnly("prolongation_end", t.ProlongationEnd)
	if t.ValidFrom.IsZero() {
		vs.add("valid_from", "", "is required")
	}
	if from && to && t.ValidTo.Before(t.ValidFrom) {
		vs.add("valid_to", "", "must not be before valid_from")
	}
	if end && t.ValidTo.IsZero() {
		vs.add("prolongation_end", "", "needs valid_to: the délai de prolongation follows the end of validity")
	}
	if end && to && !t.ProlongationEnd.After(t.ValidTo) {
		vs.add("prolongation_end", "", "must be after valid_to")
	}
	return vs
}

func quote(s string) string { return strconv.Quote(s) }
