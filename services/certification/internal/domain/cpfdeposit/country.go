package cpfdeposit

import "golang.org/x/text/language"

// CountryAlpha3 returns the ISO 3166-1 alpha-3 code of an alpha-2 country
// code ("FR" → "FRA"), the three-character code the deposit's optional
// codePaysNaissance takes; "" when the code is not a country golang.org/x/text
// knows (its table follows CLDR, kept up to date with ISO 3166), so that
// the optional element is left out rather than wrong.
func CountryAlpha3(alpha2 string) string {
	if len(alpha2) != 2 {
		return ""
	}
	r, err := language.ParseRegion(alpha2)
	if err != nil || !r.IsCountry() {
		return ""
	}
	iso3 := r.ISO3()
	if len(iso3) != 3 || iso3 == "ZZZ" {
		return ""
	}
	return iso3
}
