package sqlstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// The JSON documents have their own types with explicit keys, so that
// renaming a domain field cannot silently change the stored format.
type (
	contentDoc struct {
		Examples       []exampleDoc       `json:"examples"`
		Qualifications []qualificationDoc `json:"prior_qualifications"`
		Sworn          swornDoc           `json:"sworn_statement"`
	}
	exampleDoc struct {
		ID             string `json:"id"`
		CCPCode        string `json:"ccp_code"`
		Title          string `json:"title"`
		Tasks          string `json:"tasks"`
		Means          string `json:"means"`
		Collaborators  string `json:"collaborators"`
		Organisation   string `json:"organisation"`
		Unit           string `json:"unit"`
		PeriodFrom     string `json:"period_from"`
		PeriodTo       string `json:"period_to"`
		AdditionalInfo string `json:"additional_info"`
	}
	qualificationDoc struct {
		Title     string `json:"title"`
		Authority string `json:"authority"`
		Date      string `json:"date"`
	}
	swornDoc struct {
		SignerName string     `json:"signer_name"`
		Place      string     `json:"place"`
		Date       string     `json:"date"`
		SignedAt   *time.Time `json:"signed_at,omitempty"`
	}
	coverDoc struct {
		BirthName  string      `json:"birth_name"`
		UsageName  string      `json:"usage_name"`
		GivenNames []string    `json:"given_names"`
		Address    *addressDoc `json:"address,omitempty"`
		TitleLabel string      `json:"title_label"`
		AccessMode string      `json:"access_mode"`
	}
	addressDoc struct {
		Lines       []string `json:"lines"`
		PostalCode  string   `json:"postal_code"`
		Locality    string   `json:"locality"`
		CountryCode string   `json:"country_code"`
	}
	activityTypeDoc struct {
		CCPCode string `json:"ccp_code"`
		Order   int    `json:"order"`
		Label   string `json:"label"`
	}
)

func encodeContent(c dossier.Content) (string, error) {
	doc := contentDoc{Examples: []exampleDoc{}, Qualifications: []qualificationDoc{}}
	for _, e := range c.Examples {
		doc.Examples = append(doc.Examples, exampleDoc{
			ID: e.ID, CCPCode: e.CCPCode, Title: e.Title, Tasks: e.Tasks, Means: e.Means,
			Collaborators: e.Collaborators, Organisation: e.Context.Organisation, Unit: e.Context.Unit,
			PeriodFrom: e.Context.PeriodFrom, PeriodTo: e.Context.PeriodTo, AdditionalInfo: e.AdditionalInfo,
		})
	}
	for _, q := range c.Qualifications {
		doc.Qualifications = append(doc.Qualifications, qualificationDoc(q))
	}
	doc.Sworn = swornDoc{SignerName: c.Sworn.SignerName, Place: c.Sworn.Place, Date: c.Sworn.Date}
	if !c.Sworn.SignedAt.IsZero() {
		at := c.Sworn.SignedAt.UTC()
		doc.Sworn.SignedAt = &at
	}
	return encode(doc)
}

func decodeContent(s string) (dossier.Content, error) {
	var doc contentDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return dossier.Content{}, fmt.Errorf("content: %w", err)
	}
	var c dossier.Content
	for _, e := range doc.Examples {
		c.Examples = append(c.Examples, dossier.Example{
			ID: e.ID, CCPCode: e.CCPCode, Title: e.Title, Tasks: e.Tasks, Means: e.Means, Collaborators: e.Collaborators,
			Context: dossier.PracticeContext{
				Organisation: e.Organisation, Unit: e.Unit, PeriodFrom: e.PeriodFrom, PeriodTo: e.PeriodTo,
			},
			AdditionalInfo: e.AdditionalInfo,
		})
	}
	for _, q := range doc.Qualifications {
		c.Qualifications = append(c.Qualifications, dossier.Qualification(q))
	}
	c.Sworn = dossier.SwornStatement{SignerName: doc.Sworn.SignerName, Place: doc.Sworn.Place, Date: doc.Sworn.Date}
	if doc.Sworn.SignedAt != nil {
		c.Sworn.SignedAt = doc.Sworn.SignedAt.UTC()
	}
	return c, nil
}

func encodeCover(c dossier.Cover) (string, error) {
	doc := coverDoc{
		BirthName: c.BirthName, UsageName: c.UsageName, GivenNames: nonNil(c.GivenNames),
		TitleLabel: c.TitleLabel, AccessMode: string(c.AccessMode), Address: addressDocOf(c.Address),
	}
	return encode(doc)
}

func decodeCover(s string) (dossier.Cover, error) {
	var doc coverDoc
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return dossier.Cover{}, fmt.Errorf("cover: %w", err)
	}
	return dossier.Cover{
		BirthName: doc.BirthName, UsageName: doc.UsageName, GivenNames: emptyToNil(doc.GivenNames),
		Address: doc.Address.address(), TitleLabel: doc.TitleLabel, AccessMode: dossier.AccessMode(doc.AccessMode),
	}, nil
}

func addressDocOf(a *refdata.PostalAddress) *addressDoc {
	if a == nil {
		return nil
	}
	return &addressDoc{Lines: nonNil(a.Lines), PostalCode: a.PostalCode, Locality: a.Locality, CountryCode: a.CountryCode}
}

func (d *addressDoc) address() *refdata.PostalAddress {
	if d == nil {
		return nil
	}
	return &refdata.PostalAddress{Lines: emptyToNil(d.Lines), PostalCode: d.PostalCode, Locality: d.Locality, CountryCode: d.CountryCode}
}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func emptyToNil[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// documentColumns are read by every document query, in scanDocument's
// order.
const documentColumns = `id, file_name, content_type, size_bytes, sha256, kind, created_at`

func scanDocument(s scanner) (dossier.Document, error) {
	var (
		doc  dossier.Document
		kind string
	)
	if err := s.Scan(&doc.ID, &doc.FileName, &doc.ContentType, &doc.Size, &doc.SHA256, &kind, &doc.CreatedAt); err != nil {
		return dossier.Document{}, err
	}
	doc.Kind = dossier.Kind(kind)
	doc.CreatedAt = doc.CreatedAt.UTC()
	return doc, nil
}
