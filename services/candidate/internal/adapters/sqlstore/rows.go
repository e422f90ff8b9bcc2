package sqlstore

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
)

// candidateColumns are read by every query, in scanCandidate's order.
const candidateColumns = `id, subject, centre_id, birth_name, usage_name, given_names, birth_date,
	birth_commune, birth_country_code, email, phone, postal_address, access_route, training,
	vae_admissibility, version, created_at, updated_at, sex, birth_insee_code, france_vae_candidature_id`

// The JSON documents have their own types with explicit keys, so that
// renaming a domain field cannot silently change the stored format.
type addressDoc struct {
	Lines       []string `json:"lines"`
	PostalCode  string   `json:"postal_code"`
	Locality    string   `json:"locality"`
	CountryCode string   `json:"country_code"`
}

type trainingDoc struct {
	Organisation      string   `json:"organisation"`
	OrganisationSIRET string   `json:"organisation_siret"`
	StartDate         string   `json:"start_date"`
	EndDate           string   `json:"end_date"`
	TitleID           string   `json:"title_id,omitempty"`
	CCPCodes          []string `json:"ccp_codes,omitempty"`
}

type admissibilityDoc struct {
	DecisionDate string `json:"decision_date"`
	DecidedBy    string `json:"decided_by"`
	Reference    string `json:"reference"`
}

// row is a candidate as its columns hold it.
type row struct {
	givenNames    string
	postalAddress sql.NullString
	training      sql.NullString
	admissibility sql.NullString
}

// columnsOf returns the stored form of the nested parts of d.
func columnsOf(d candidate.Details) (row, error) {
	var r row
	names := d.GivenNames
	if names == nil {
		names = []string{}
	}
	b, err := json.Marshal(names)
	if err != nil {
		return row{}, err
	}
	r.givenNames = string(b)
	if a := d.PostalAddress; a != nil {
		if r.postalAddress, err = jsonColumn(addressDoc{a.Lines, a.PostalCode, a.Locality, a.CountryCode}); err != nil {
			return row{}, err
		}
	}
	if t := d.Training; t != nil {
		if r.training, err = jsonColumn(trainingDoc{t.Organisation, t.OrganisationSIRET, t.StartDate, t.EndDate, t.TitleID, t.CCPCodes}); err != nil {
			return row{}, err
		}
	}
	if v := d.VAE; v != nil {
		if r.admissibility, err = jsonColumn(admissibilityDoc{v.DecisionDate, v.DecidedBy, v.Reference}); err != nil {
			return row{}, err
		}
	}
	return r, nil
}

func jsonColumn(v any) (sql.NullString, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return sql.NullString{}, err
	}
	return sql.NullString{String: string(b), Valid: true}, nil
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanCandidate(s scanner) (*candidate.Candidate, error) {
	var (
		id, centreID, route string
		d                   candidate.Details
		r                   row
		version             int64
		createdAt           time.Time
		updatedAt           time.Time
	)
	err := s.Scan(&id, &d.Subject, &centreID, &d.BirthName, &d.UsageName, &r.givenNames, &d.BirthDate,
		&d.BirthPlace.Commune, &d.BirthPlace.CountryCode, &d.Email, &d.Phone, &r.postalAddress, &route,
		&r.training, &r.admissibility, &version, &createdAt, &updatedAt,
		&d.Sex, &d.BirthPlace.InseeCode, &d.FranceVaeCandidatureID)
	if err != nil {
		return nil, err
	}
	d.AccessRoute = candidate.AccessRoute(route)
	if err := json.Unmarshal([]byte(r.givenNames), &d.GivenNames); err != nil {
		return nil, fmt.Errorf("candidate %s: given_names: %w", id, err)
	}
	if len(d.GivenNames) == 0 {
		d.GivenNames = nil
	}
	if r.postalAddress.Valid {
		var a addressDoc
		if err := json.Unmarshal([]byte(r.postalAddress.String), &a); err != nil {
			return nil, fmt.Errorf("candidate %s: postal_address: %w", id, err)
		}
		d.PostalAddress = &candidate.PostalAddress{Lines: a.Lines, PostalCode: a.PostalCode, Locality: a.Locality, CountryCode: a.CountryCode}
	}
	if r.training.Valid {
		var t trainingDoc
		if err := json.Unmarshal([]byte(r.training.String), &t); err != nil {
			return nil, fmt.Errorf("candidate %s: training: %w", id, err)
		}
		d.Training = &candidate.TrainingEnrolment{
			Organisation: t.Organisation, OrganisationSIRET: t.OrganisationSIRET, StartDate: t.StartDate, EndDate: t.EndDate,
			TitleID: t.TitleID, CCPCodes: t.CCPCodes,
		}
	}
	if r.admissibility.Valid {
		var v admissibilityDoc
		if err := json.Unmarshal([]byte(r.admissibility.String), &v); err != nil {
			return nil, fmt.Errorf("candidate %s: vae_admissibility: %w", id, err)
		}
		d.VAE = &candidate.VAEAdmissibility{DecisionDate: v.DecisionDate, DecidedBy: v.DecidedBy, Reference: v.Reference}
	}
	return candidate.UnmarshalCandidateFromDatabase(id, centreID, d, version, createdAt, updatedAt), nil
}
