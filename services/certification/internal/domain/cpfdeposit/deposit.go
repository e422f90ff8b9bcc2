// Package cpfdeposit builds the file a certifier deposits with the Caisse
// des dépôts so that every award reaches the holder's CPF / Passeport de
// compétences (R56), and reads back the processing report the Caisse
// returns for it (docs/cpf-deposit.md).
//
// Everything here is pure: Build turns awards into the deposit's XML, the
// deadline functions compute the three-month limit and the day-80 alert,
// and ParseAcknowledgement reads the "accusé de traitement". Reading the
// awards, storing what was deposited and acknowledged, and sending the file
// belong to the app layer and adapters.
package cpfdeposit

import (
	"encoding/xml"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/titrepro/titrepro/internal/apperr"
)

// Namespace is the namespace of the deposit schema.
const Namespace = "urn:cdc:cpf:pc5:schema:1.0.0"

const xsiNamespace = "http://www.w3.org/2001/XMLSchema-instance"

// Config identifies the certifier with the Caisse. The three identifiers
// are given by the Caisse when the certifier registers; they come from the
// service's configuration, never from the awards.
type Config struct {
	// EmitterClientID is the depositor's client id (emetteur/idClient), 8
	// characters: the certifier itself, or a trusted third party
	// depositing for it.
	EmitterClientID string
	// CertifierClientID is the certifier's client id, 8 characters.
	CertifierClientID string
	// ContractID is the certifier's contract number, 1 to 20 characters.
	ContractID string
	// Depositor is CERTIFICATEUR or TIERS_CONFIANCE; empty leaves the
	// optional element out.
	Depositor string
}

// Sex is the holder's sex as the Caisse records it.
type Sex string

// The two values the schema accepts.
const (
	Male   Sex = "M"
	Female Sex = "F"
)

// Access is how the holder came to the certification (modaliteAcces).
type Access string

// The values of modaliteAcces; AccessUnknown sends it as nil.
const (
	AccessUnknown             Access = ""
	AccessInitialTraining     Access = "FORMATION_INITIALE_HORS_APPRENTISSAGE"
	AccessApprenticeship      Access = "FORMATION_INITIALE_APPRENTISSAGE"
	AccessContinuingTraining  Access = "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"
	AccessProfessionalisation Access = "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION"
	AccessVAE                 Access = "VAE"
	AccessForeignEquivalence  Access = "EQUIVALENCE_DIPLOME_ETRANGER"
	AccessFreeCandidate       Access = "CANDIDAT_LIBRE"
)

var accesses = []Access{AccessInitialTraining, AccessApprenticeship, AccessContinuingTraining,
	AccessProfessionalisation, AccessVAE, AccessForeignEquivalence, AccessFreeCandidate}

// Holder is what the deposit says about the person who holds the award.
// The Caisse matches it to a person ("NIRisation") on the birth name, first
// name, birth date, sex and birth place: a wrong value comes back as a KO
// passage in the acknowledgement.
//
// The candidate record captures the names, the birth date, the birth
// commune's name and the birth country (ISO alpha-2); it does not capture
// the sex, the birth commune's INSEE code nor a three-character country
// code yet, so the caller supplies them.
type Holder struct {
	BirthName string
	UsageName string // empty: sent as nil
	// FirstNames are the first names in civil-status order, 1 to 3.
	FirstNames []string
	// BirthDate is "YYYY-MM-DD".
	BirthDate string
	Sex       Sex
	// BirthInseeCode is the INSEE code of the birth commune (5
	// characters); for a person born abroad, the INSEE code of the
	// country ("99xxx").
	BirthInseeCode string
	BirthCommune   string // optional label
	// BirthCountryCode is the three-character code of the birth country;
	// empty leaves it out.
	BirthCountryCode string
	BirthCountry     string // optional label
}

// Award is one titre (or certificate) to deposit: one passage.
type Award struct {
	// ID is titrepro's award id; the passage's idTechnique derives from
	// it (IDTechnique).
	ID string
	// RNCPID is the certification's RNCP code ("RNCP37274").
	RNCPID string
	// AwardDate is the date of award, "YYYY-MM-DD" (dateDebutValidite).
	AwardDate string
	Access    Access
	// ExamStart and ExamEnd are the session's dates, "YYYY-MM-DD";
	// optional.
	ExamStart, ExamEnd string
	// ExamCentrePostalCode is optional.
	ExamCentrePostalCode string
	Holder               Holder
}

// idTechniquePrefix marks titrepro's passages; it makes the idTechnique
// readable in the Caisse's portal without changing its stability.
const idTechniquePrefix = "TP-"

// IDTechnique is the passage id of an award: the same award always gets the
// same id, so that a passage deposited again (after a KO, or in a second
// export) is recognised by the Caisse ("existe déjà en base") rather than
// recorded twice.
func IDTechnique(awardID string) string { return idTechniquePrefix + awardID }

// AwardID is the award id of a passage id, and false when the passage id was
// not made by IDTechnique.
func AwardID(idTechnique string) (string, bool) {
	id, ok := strings.CutPrefix(idTechnique, idTechniquePrefix)
	if !ok || id == "" {
		return "", false
	}
	return id, true
}

var (
	datePattern    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	rncpPattern    = regexp.MustCompile(`^RNCP\d+$`)
	inseePattern   = regexp.MustCompile(`^(\d{5}|2[AB]\d{3})$`)
	countryPattern = regexp.MustCompile(`^[0-9A-Z]{3}$`)
)

// Build returns the deposit file for awards: one certification element per
// RNCP code, in code order, each with its passages in idTechnique order, so
// that the same awards give the same file. fluxID (1 to 50 characters)
// identifies the file and comes back in the acknowledgement; at is the
// file's timestamp. It refuses, naming every bad field at once, an award or
// a configuration the Caisse's schema would reject.
func Build(cfg Config, fluxID string, at time.Time, awards []Award) ([]byte, error) {
	var v apperr.Violations
	validateConfig(&v, cfg)
	checkLen(&v, "flux_id", fluxID, 1, 50)
	if len(awards) == 0 {
		v.Add("awards", "a deposit needs at least one award")
	}
	seen := map[string]bool{}
	for i, a := range awards {
		validateAward(&v, fmt.Sprintf("awards[%d]", i), a)
		if seen[a.ID] && a.ID != "" {
			v.Add(fmt.Sprintf("awards[%d].id", i), "award "+a.ID+" appears twice in the deposit")
		}
		seen[a.ID] = true
	}
	if err := v.Err(); err != nil {
		return nil, err.(*apperr.Error).WithRule("R56")
	}

	byCode := map[string][]Award{}
	for _, a := range awards {
		byCode[a.RNCPID] = append(byCode[a.RNCPID], a)
	}
	codes := make([]string, 0, len(byCode))
	for c := range byCode {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	f := flux{
		XSI:       xsiNamespace,
		IDFlux:    fluxID,
		Timestamp: at.Format("2006-01-02T15:04:05-07:00"),
		Emitter: emitter{
			ClientID: cfg.EmitterClientID,
			Certifier: certifier{
				ClientID:   cfg.CertifierClientID,
				ContractID: cfg.ContractID,
			},
		},
	}
	for _, code := range codes {
		list := byCode[code]
		slices.SortFunc(list, func(a, b Award) int { return strings.Compare(IDTechnique(a.ID), IDTechnique(b.ID)) })
		c := certification{Type: "RNCP", Code: code, Depositor: cfg.Depositor}
		for _, a := range list {
			c.Passages = append(c.Passages, toPassage(a))
		}
		f.Emitter.Certifier.Certifications = append(f.Emitter.Certifier.Certifications, c)
	}
	out, err := xml.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("cpfdeposit: marshal: %w", err)
	}
	return append([]byte(xml.Header), append(out, '\n')...), nil
}

func validateConfig(v *apperr.Violations, cfg Config) {
	checkExactLen(v, "config.emitter_client_id", cfg.EmitterClientID, 8)
	checkExactLen(v, "config.certifier_client_id", cfg.CertifierClientID, 8)
	checkLen(v, "config.contract_id", cfg.ContractID, 1, 20)
	if cfg.Depositor != "" && cfg.Depositor != "CERTIFICATEUR" && cfg.Depositor != "TIERS_CONFIANCE" {
		v.Add("config.depositor", "must be CERTIFICATEUR or TIERS_CONFIANCE")
	}
}

func validateAward(v *apperr.Violations, p string, a Award) {
	checkLen(v, p+".id", a.ID, 1, 255-len(idTechniquePrefix))
	if !rncpPattern.MatchString(a.RNCPID) || len(a.RNCPID) > 100 {
		v.Add(p+".rncp_id", "is required, as RNCP followed by digits")
	}
	checkDate(v, p+".award_date", a.AwardDate, true)
	if a.Access != AccessUnknown && !slices.Contains(accesses, a.Access) {
		v.Add(p+".access", "unknown access route "+strconv.Quote(string(a.Access)))
	}
	checkDate(v, p+".exam_start", a.ExamStart, false)
	checkDate(v, p+".exam_end", a.ExamEnd, false)
	if a.ExamCentrePostalCode != "" {
		checkLen(v, p+".exam_centre_postal_code", a.ExamCentrePostalCode, 1, 9)
	}
	h, hp := a.Holder, p+".holder"
	checkLen(v, hp+".birth_name", h.BirthName, 1, 60)
	if h.UsageName != "" {
		checkLen(v, hp+".usage_name", h.UsageName, 1, 60)
	}
	if len(h.FirstNames) == 0 || len(h.FirstNames) > 3 {
		v.Add(hp+".first_names", "is required: one to three first names")
	}
	for i, n := range h.FirstNames {
		checkLen(v, fmt.Sprintf("%s.first_names[%d]", hp, i), n, 1, 60)
	}
	if checkDate(v, hp+".birth_date", h.BirthDate, true) {
		if y, _ := strconv.Atoi(h.BirthDate[:4]); y < 1900 || y > 2099 {
			v.Add(hp+".birth_date", "the year must be between 1900 and 2099")
		}
	}
	if h.Sex != Male && h.Sex != Female {
		v.Add(hp+".sex", "is required: M or F")
	}
	if !inseePattern.MatchString(h.BirthInseeCode) {
		v.Add(hp+".birth_insee_code", "is required: the INSEE code of the birth commune, 5 characters")
	}
	if h.BirthCommune != "" {
		checkLen(v, hp+".birth_commune", h.BirthCommune, 1, 60)
	}
	if h.BirthCountryCode != "" && !countryPattern.MatchString(h.BirthCountryCode) {
		v.Add(hp+".birth_country_code", "must be 3 characters")
	}
	if h.BirthCountry != "" {
		checkLen(v, hp+".birth_country", h.BirthCountry, 1, 60)
	}
}

func checkLen(v *apperr.Violations, field, s string, lo, hi int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && lo > 0:
		v.Add(field, "is required")
	case n < lo || n > hi:
		v.Add(field, fmt.Sprintf("must be %d to %d characters, has %d", lo, hi, n))
	}
}

func checkExactLen(v *apperr.Violations, field, s string, want int) {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		v.Add(field, "is required")
	case n != want:
		v.Add(field, fmt.Sprintf("must be %d characters, has %d", want, n))
	}
}

// checkDate reports whether s is a valid date; an empty optional date is
// not reported, but is not valid either.
func checkDate(v *apperr.Violations, field, s string, required bool) bool {
	if s == "" {
		if required {
			v.Add(field, "is required")
		}
		return false
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil || !datePattern.MatchString(s) {
		v.Add(field, "must be a date YYYY-MM-DD")
		return false
	}
	return true
}

func toPassage(a Award) passage {
	h := a.Holder
	t := holder{
		BirthName:  h.BirthName,
		UsageName:  nillable(h.UsageName),
		FirstName1: h.FirstNames[0],
		BirthYear:  h.BirthDate[:4],
		BirthMonth: nillable(strings.TrimPrefix(h.BirthDate[5:7], "0")),
		BirthDay:   nillable(strings.TrimPrefix(h.BirthDate[8:10], "0")),
		Sex:        string(h.Sex),
		Commune:    commune{Insee: &inseeCode{Code: h.BirthInseeCode}},
		CommuneLbl: h.BirthCommune,
		CountryCd:  h.BirthCountryCode,
		CountryLbl: h.BirthCountry,
	}
	if len(h.FirstNames) > 1 {
		t.FirstName2 = h.FirstNames[1]
	}
	if len(h.FirstNames) > 2 {
		t.FirstName3 = h.FirstNames[2]
	}
	p := passage{
		IDTechnique:    IDTechnique(a.ID),
		Obtention:      "PAR_ADMISSION",
		Certified:      true,
		ExamStart:      a.ExamStart,
		ExamEnd:        a.ExamEnd,
		ExamPostalCode: a.ExamCentrePostalCode,
		ValidFrom:      a.AwardDate,
		ValidUntil:     nilValue(), // a titre professionnel does not expire
		LanguageLevel:  false,
		DigitalLevel:   false,
		Scoring:        nilValue(),
		Mention:        nilValue(),
		Registration:   registration{Access: nillable(string(a.Access))},
		Identification: identification{Holder: &t},
	}
	return p
}

// nillableValue is an element the schema requires but lets be xsi:nil.
type nillableValue struct {
	Nil   string `xml:"xsi:nil,attr,omitempty"`
	Value string `xml:",chardata"`
}

func nillable(s string) nillableValue {
	if s == "" {
		return nilValue()
	}
	return nillableValue{Value: s}
}

func nilValue() nillableValue { return nillableValue{Nil: "true"} }

type flux struct {
	XMLName   xml.Name `xml:"urn:cdc:cpf:pc5:schema:1.0.0 flux"`
	XSI       string   `xml:"xmlns:xsi,attr"`
	IDFlux    string   `xml:"idFlux"`
	Timestamp string   `xml:"horodatage"`
	Emitter   emitter  `xml:"emetteur"`
}

type emitter struct {
	ClientID  string    `xml:"idClient"`
	Certifier certifier `xml:"certificateurs>certificateur"`
}

type certifier struct {
	ClientID       string          `xml:"idClient"`
	ContractID     string          `xml:"idContrat"`
	Certifications []certification `xml:"certifications>certification"`
}

type certification struct {
	Type      string    `xml:"type"`
	Code      string    `xml:"code"`
	Depositor string    `xml:"natureDeposant,omitempty"`
	Passages  []passage `xml:"passageCertifications>passageCertification"`
}

type passage struct {
	IDTechnique    string         `xml:"idTechnique"`
	Obtention      string         `xml:"obtentionCertification"`
	Certified      bool           `xml:"donneeCertifiee"`
	ExamStart      string         `xml:"dateDebutExamen,omitempty"`
	ExamEnd        string         `xml:"dateFinExamen,omitempty"`
	ExamPostalCode string         `xml:"codePostalCentreExamen,omitempty"`
	ValidFrom      string         `xml:"dateDebutValidite"`
	ValidUntil     nillableValue  `xml:"dateFinValidite"`
	LanguageLevel  bool           `xml:"presenceNiveauLangueEuro"`
	DigitalLevel   bool           `xml:"presenceNiveauNumeriqueEuro"`
	Scoring        nillableValue  `xml:"scoring"`
	Mention        nillableValue  `xml:"mentionValidee"`
	Registration   registration   `xml:"modalitesInscription"`
	Identification identification `xml:"identificationTitulaire"`
}

type registration struct {
	Access nillableValue `xml:"modaliteAcces"`
}

type identification struct {
	Holder *holder `xml:"titulaire"`
}

type holder struct {
	BirthName  string        `xml:"nomNaissance"`
	UsageName  nillableValue `xml:"nomUsage"`
	FirstName1 string        `xml:"prenom1"`
	FirstName2 string        `xml:"prenom2,omitempty"`
	FirstName3 string        `xml:"prenom3,omitempty"`
	BirthYear  string        `xml:"anneeNaissance"`
	BirthMonth nillableValue `xml:"moisNaissance"`
	BirthDay   nillableValue `xml:"jourNaissance"`
	Sex        string        `xml:"sexe"`
	Commune    commune       `xml:"codeCommuneNaissance"`
	CommuneLbl string        `xml:"libelleCommuneNaissance,omitempty"`
	CountryCd  string        `xml:"codePaysNaissance,omitempty"`
	CountryLbl string        `xml:"libellePaysNaissance,omitempty"`
}

type commune struct {
	Insee *inseeCode `xml:"codeInseeNaissance"`
}

type inseeCode struct {
	Code string `xml:"codeInsee"`
}
