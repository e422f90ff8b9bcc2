package dossier

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// Snapshot is a dossier frozen for a session (R41). Nothing changes it once
// taken; the repository has no way to update one.
type Snapshot struct {
	ID           string
	DossierID    string
	CandidateID  string
	SessionID    string
	CandidacyID  string
	TitleID      string
	TitleVersion string
	Cover        Cover
	Content      Content
	Documents    []Document
	ManifestHash string // hex SHA-256 of Manifest()
	SubmittedAt  time.Time
}

// Document returns the frozen document with this id.
func (s *Snapshot) Document(id string) (Document, bool) {
	i := slices.IndexFunc(s.Documents, func(doc Document) bool { return doc.ID == id })
	if i < 0 {
		return Document{}, false
	}
	return s.Documents[i], true
}

// SubmitInput is what a submission needs besides the draft.
type SubmitInput struct {
	SnapshotID string
	Session    refdata.Session
	Candidacy  refdata.Candidacy // the owner's candidacy in Session
	Title      refdata.Title
	Cover      Cover // CoverOf the owner and the title
	// Schedule is the session's latest schedule (R40); zero while none
	// reached the service.
	Schedule refdata.Schedule
}

// Submit freezes the draft for in.Session at instant now, onto
// in.Candidacy. The candidacy must be the dossier's candidate's in that
// session (ErrCandidacyUnknown otherwise), the session held for the
// dossier's title version, and the dossier complete for it
// (CheckComplete). The draft itself is not changed: the candidate keeps
// editing it, and the snapshot stays as it was (R41).
func (d *Dossier) Submit(in SubmitInput, now time.Time) (*Snapshot, error) {
	if in.SnapshotID == "" {
		return nil, errors.New("dossier: empty snapshot id")
	}
	if err := d.CheckSubmission(in, now); err != nil {
		return nil, err
	}
	s := &Snapshot{
		ID:           in.SnapshotID,
		DossierID:    d.id,
		CandidateID:  d.candidateID,
		SessionID:    in.Session.ID,
		CandidacyID:  in.Candidacy.ID,
		TitleID:      d.titleID,
		TitleVersion: d.titleVersion,
		Cover:        in.Cover,
		Content:      d.content.Clone(),
		Documents:    slices.Clone(d.documents),
		SubmittedAt:  storedTime(now),
	}
	hash, err := s.ComputeManifestHash()
	if err != nil {
		return nil, err
	}
	s.ManifestHash = hash
	return s, nil
}

// ManifestFormat names the canonical encoding of Manifest; a change of the
// encoding gets a new name so that old hashes stay verifiable.
const ManifestFormat = "titrepro.portfolio.manifest.v1"

// The manifest types fix the field names and order of the canonical
// encoding: JSON of these structs, as encoding/json writes it (keys in
// declaration order, no insignificant white space, UTF-8).
type (
	manifestDoc struct {
		Format              string             `json:"format"`
		DossierID           string             `json:"dossier_id"`
		CandidateID         string             `json:"candidate_id"`
		TitleID             string             `json:"title_id"`
		TitleVersion        string             `json:"title_version"`
		Cover               manifestCover      `json:"cover"`
		Examples            []manifestExample  `json:"examples"`
		PriorQualifications []manifestQualif   `json:"prior_qualifications"`
		SwornStatement      manifestSworn      `json:"sworn_statement"`
		Documents           []manifestDocument `json:"documents"`
	}
	manifestCover struct {
		BirthName   string   `json:"birth_name"`
		UsageName   string   `json:"usage_name"`
		GivenNames  []string `json:"given_names"`
		Lines       []string `json:"address_lines"`
		PostalCode  string   `json:"postal_code"`
		Locality    string   `json:"locality"`
		CountryCode string   `json:"country_code"`
		TitleLabel  string   `json:"title_label"`
		AccessMode  string   `json:"access_mode"`
	}
	manifestExample struct {
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
	manifestQualif struct {
		Title     string `json:"title"`
		Authority string `json:"authority"`
		Date      string `json:"date"`
	}
	manifestSworn struct {
		SignerName string `json:"signer_name"`
		Place      string `json:"place"`
		Date       string `json:"date"`
	}
	manifestDocument struct {
		ID          string `json:"id"`
		FileName    string `json:"file_name"`
		ContentType string `json:"content_type"`
		Size        int64  `json:"size_bytes"`
		SHA256      string `json:"sha256"`
		Kind        string `json:"kind"`
	}
)

// Manifest returns the canonical encoding of what the snapshot freezes
// (R41): the dossier and title identity, the cover, the examples in their
// order, the prior qualifications, the sworn statement, and every
// document's id, name, type, size, SHA-256 and kind sorted by id. Times,
// the session and the candidacy are left out: the same content submitted
// for two sessions has the same manifest.
func (s *Snapshot) Manifest() ([]byte, error) {
	m := manifestDoc{
		Format:              ManifestFormat,
		DossierID:           s.DossierID,
		CandidateID:         s.CandidateID,
		TitleID:             s.TitleID,
		TitleVersion:        s.TitleVersion,
		Cover:               manifestCover{BirthName: s.Cover.BirthName, UsageName: s.Cover.UsageName, TitleLabel: s.Cover.TitleLabel, AccessMode: string(s.Cover.AccessMode)},
		Examples:            []manifestExample{},
		PriorQualifications: []manifestQualif{},
		SwornStatement:      manifestSworn{s.Content.Sworn.SignerName, s.Content.Sworn.Place, s.Content.Sworn.Date},
		Documents:           []manifestDocument{},
	}
	m.Cover.GivenNames = append([]string{}, s.Cover.GivenNames...)
	m.Cover.Lines = []string{}
	if a := s.Cover.Address; a != nil {
		m.Cover.Lines = append(m.Cover.Lines, a.Lines...)
		m.Cover.PostalCode, m.Cover.Locality, m.Cover.CountryCode = a.PostalCode, a.Locality, a.CountryCode
	}
	for _, e := range s.Content.Examples {
		m.Examples = append(m.Examples, manifestExample{
			ID: e.ID, CCPCode: e.CCPCode, Title: e.Title, Tasks: e.Tasks, Means: e.Means,
			Collaborators: e.Collaborators, Organisation: e.Context.Organisation, Unit: e.Context.Unit,
			PeriodFrom: e.Context.PeriodFrom, PeriodTo: e.Context.PeriodTo, AdditionalInfo: e.AdditionalInfo,
		})
	}
	for _, q := range s.Content.Qualifications {
		m.PriorQualifications = append(m.PriorQualifications, manifestQualif(q))
	}
	for _, doc := range s.Documents {
		m.Documents = append(m.Documents, manifestDocument{
			ID: doc.ID, FileName: doc.FileName, ContentType: doc.ContentType, Size: doc.Size,
			SHA256: doc.SHA256, Kind: string(doc.Kind),
		})
	}
	slices.SortFunc(m.Documents, func(a, b manifestDocument) int { return strings.Compare(a.ID, b.ID) })
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("dossier: encode manifest: %w", err)
	}
	return b, nil
}

// ComputeManifestHash returns the hex SHA-256 of Manifest().
func (s *Snapshot) ComputeManifestHash() (string, error) {
	b, err := s.Manifest()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// VerifyManifest reports whether the stored ManifestHash matches the
// snapshot's content.
func (s *Snapshot) VerifyManifest() (bool, error) {
	h, err := s.ComputeManifestHash()
	return err == nil && h == s.ManifestHash, err
}

// CheckSubmission runs every check of Submit but makes nothing: the
// candidacy is the dossier owner's in that session, the session is held
// for the dossier's title version, and the dossier is complete
// (CheckComplete). A candidate checks a dossier this way before submitting
// it (validate_only).
func (d *Dossier) CheckSubmission(in SubmitInput, now time.Time) error {
	if in.Candidacy.ID == "" || in.Candidacy.SessionID != in.Session.ID || in.Candidacy.CandidateID != d.candidateID {
		return ErrCandidacyUnknown.WithMeta("session_id", in.Session.ID)
	}
	if in.Session.TitleID != d.titleID || in.Session.TitleVersion != d.titleVersion {
		return ErrSessionTitleMismatch.WithMessage(fmt.Sprintf(
			"session %s is held for title %s version %s, the dossier is for %s version %s",
			in.Session.ID, in.Session.TitleID, in.Session.TitleVersion, d.titleID, d.titleVersion))
	}
	if err := checkDeadline(in, now); err != nil {
		return err
	}
	return d.CheckComplete(RequiredActivityTypes(in.Title, in.Session), in.Cover, now)
}
