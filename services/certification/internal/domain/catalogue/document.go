package catalogue

import "time"

// document is the serialised form of a TitleVersion: the schema of the YAML
// files and, with the same field names, of the canonical JSON that is hashed
// and stored. Dates are "YYYY-MM-DD" strings so that both forms read the same.
// Optional fields are omitted when empty so that adding one later does not
// change the hash of the versions that do not use it.
type document struct {
	Code            string       `yaml:"code" json:"code"`
	Version         string       `yaml:"version" json:"version"`
	Label           string       `yaml:"label" json:"label"`
	ShortLabel      string       `yaml:"short_label" json:"short_label,omitempty"`
	Level           int          `yaml:"level" json:"level"`
	LevelOld        string       `yaml:"level_old" json:"level_old,omitempty"`
	NSF             string       `yaml:"nsf" json:"nsf,omitempty"`
	NSFLabel        string       `yaml:"nsf_label" json:"nsf_label,omitempty"`
	ROME            []string     `yaml:"rome" json:"rome,omitempty"`
	LegacyROME      []string     `yaml:"legacy_rome" json:"legacy_rome,omitempty"`
	RNCPID          string       `yaml:"rncp_id" json:"rncp_id,omitempty"`
	ArreteRef       string       `yaml:"arrete_ref" json:"arrete_ref,omitempty"`
	LegalBases      []string     `yaml:"legal_bases" json:"legal_bases,omitempty"`
	Certifier       string       `yaml:"certifier" json:"certifier,omitempty"`
	ValidFrom       string       `yaml:"valid_from" json:"valid_from,omitempty"`
	ValidTo         string       `yaml:"valid_to" json:"valid_to,omitempty"`
	ProlongationEnd string       `yaml:"prolongation_end" json:"prolongation_end,omitempty"`
	Status          string       `yaml:"status" json:"status"`
	CCPs            []ccpDoc     `yaml:"ccps" json:"ccps,omitempty"`
	Epreuves        []epreuveDoc `yaml:"epreuves" json:"epreuves,omitempty"`
}

type ccpDoc struct {
	Code        string          `yaml:"code" json:"code"`
	Order       int             `yaml:"order" json:"order"`
	Label       string          `yaml:"label" json:"label"`
	Competences []competenceDoc `yaml:"competences" json:"competences,omitempty"`
}

type competenceDoc struct {
	Code     string   `yaml:"code" json:"code"`
	Label    string   `yaml:"label" json:"label"`
	Criteria []string `yaml:"criteria" json:"criteria,omitempty"`
}

type epreuveDoc struct {
	Kind            string   `yaml:"kind" json:"kind"`
	Label           string   `yaml:"label" json:"label,omitempty"`
	SessionTypes    []string `yaml:"session_types" json:"session_types,omitempty"`
	DurationMinutes *int     `yaml:"duration_minutes" json:"duration_minutes,omitempty"`
}

// toTitle converts the document; the only failures are malformed dates.
func (d document) toTitle() (TitleVersion, []violation) {
	var vs []violation
	date := func(field, s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			vs = append(vs, violation{field: field, msg: "must be a date YYYY-MM-DD, got " + quote(s)})
		}
		return v
	}
	t := TitleVersion{
		Code: d.Code, Version: d.Version, Label: d.Label, ShortLabel: d.ShortLabel,
		Level: d.Level, LevelOld: d.LevelOld, NSF: d.NSF, NSFLabel: d.NSFLabel,
		ROME: d.ROME, LegacyROME: d.LegacyROME, RNCPID: d.RNCPID,
		ArreteRef: d.ArreteRef, LegalBases: d.LegalBases, Certifier: d.Certifier,
		ValidFrom:       date("valid_from", d.ValidFrom),
		ValidTo:         date("valid_to", d.ValidTo),
		ProlongationEnd: date("prolongation_end", d.ProlongationEnd),
		Status:          TitleStatus(d.Status),
	}
	for _, c := range d.CCPs {
		ccp := Ccp{Code: c.Code, Order: c.Order, Label: c.Label}
		for _, k := range c.Competences {
			ccp.Competences = append(ccp.Competences, Competence{Code: k.Code, Label: k.Label, Criteria: k.Criteria})
		}
		t.CCPs = append(t.CCPs, ccp)
	}
	for _, e := range d.Epreuves {
		ep := Epreuve{Kind: EpreuveKind(e.Kind), Label: e.Label, DurationMinutes: e.DurationMinutes}
		for _, s := range e.SessionTypes {
			ep.SessionTypes = append(ep.SessionTypes, SessionType(s))
		}
		t.Epreuves = append(t.Epreuves, ep)
	}
	return t, vs
}

// toDocument is the inverse of toTitle.
func toDocument(t TitleVersion) document {
	date := func(v time.Time) string {
		if v.IsZero() {
			return ""
		}
		return v.Format(time.DateOnly)
	}
	d := document{
		Code: t.Code, Version: t.Version, Label: t.Label, ShortLabel: t.ShortLabel,
		Level: t.Level, LevelOld: t.LevelOld, NSF: t.NSF, NSFLabel: t.NSFLabel,
		ROME: t.ROME, LegacyROME: t.LegacyROME, RNCPID: t.RNCPID,
		ArreteRef: t.ArreteRef, LegalBases: t.LegalBases, Certifier: t.Certifier,
		ValidFrom: date(t.ValidFrom), ValidTo: date(t.ValidTo), ProlongationEnd: date(t.ProlongationEnd),
		Status: string(t.Status),
	}
	for _, c := range t.CCPs {
		cd := ccpDoc{Code: c.Code, Order: c.Order, Label: c.Label}
		for _, k := range c.Competences {
			cd.Competences = append(cd.Competences, competenceDoc{Code: k.Code, Label: k.Label, Criteria: k.Criteria})
		}
		d.CCPs = append(d.CCPs, cd)
	}
	for _, e := range t.Epreuves {
		ed := epreuveDoc{Kind: string(e.Kind), Label: e.Label, DurationMinutes: e.DurationMinutes}
		for _, s := range e.SessionTypes {
			ed.SessionTypes = append(ed.SessionTypes, string(s))
		}
		d.Epreuves = append(d.Epreuves, ed)
	}
	return d
}
