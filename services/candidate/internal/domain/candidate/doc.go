// Package candidate is the domain of the candidate context: a person who
// seeks a titre professionnel, with civil identity, contact details and the
// access route (training, apprenticeship or VAE) together with its evidence
// (domain.md §6, rules R24–R25).
//
// The package is pure Go. It validates every field at once and reports the
// bad ones as apperr field violations whose paths are those of the public
// API: the resource travels in the request field "candidate" of both the
// create and the update request, so a path reads
// "candidate.birth_place.country_code" and a client can map it onto its form
// directly. Update-mask problems are reported on "update_mask".
//
// Dates are civil dates ("YYYY-MM-DD") of the French calendar: "today" is the
// date in Europe/Paris, whatever the server's time zone.
package candidate
