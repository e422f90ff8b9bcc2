// Package credential issues titrepro's awards as W3C Verifiable
// Credentials (Data Model 2.0) in the Open Badges 3.0 vocabulary, secured
// as compact JWS (VC-JOSE-COSE, EdDSA) with the certification key ring,
// with a did:web document describing the issuer and a Bitstring Status
// List (W3C, statusPurpose "revocation") telling verifiers which awards
// are no longer in force (docs/credentials.md, ADR 0026).
//
// A certificate gives one credential per CCP it prints, and for a titre
// one more for the titre itself. They are built from the stored
// certificate alone, and signed at each download: Ed25519 is
// deterministic, so the same certificate and key always give the same
// bytes.
package credential

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// The fixed parts of every credential.
const (
	// ContextV2 is the W3C Verifiable Credentials Data Model 2.0 context.
	ContextV2 = "https://www.w3.org/ns/credentials/v2"
	// ContextOB3 is the Open Badges 3.0 context.
	ContextOB3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	// SchemaOB3 is the 1EdTech JSON schema an Open Badges 3.0 credential
	// validates against; SchemaType names the way to use it.
	SchemaOB3  = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	SchemaType = "1EdTechJsonSchemaValidator2019"
	// TitreID is the last segment of a titre credential's id; a CCP
	// credential's is the CCP code.
	TitreID = "titre"
	// IssuerName is the issuer's name in every credential.
	IssuerName = "Ministère chargé de l'emploi — titres professionnels (titrepro)"
	// LevelFramework is the framework of the levels of the titles.
	LevelFramework = "Cadre national des certifications professionnelles"
)

// Kind is the kind of a credential.
type Kind string

// The kinds of credential.
const (
	// KindTitre is the credential of a titre professionnel: every CCP
	// held.
	KindTitre Kind = "TITRE"
	// KindCcp is the credential of one CCP.
	KindCcp Kind = "CCP"
)

// Issuer is what the credentials say of their issuer and where they are
// published, all derived from the public address of titrepro.
type Issuer struct {
	BaseURL string // the public address, e.g. "https://titrepro.example.fr", no trailing slash
	DID     string // did:web of BaseURL's host
}

// ErrBadPublicURL reports a public address a did:web cannot be made of.
var ErrBadPublicURL = errors.New("credential: the public URL must be an absolute http(s) URL with a host")

// NewIssuer returns the issuer of the public address publicURL: its DID is
// did:web:<host>, the port percent-encoded ("localhost%3A8080"), resolved
// at <scheme>://<host>/.well-known/did.json.
func NewIssuer(publicURL string) (Issuer, error) {
	u, err := url.Parse(strings.TrimRight(publicURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Issuer{}, ErrBadPublicURL
	}
	host := strings.ReplaceAll(strings.ToLower(u.Host), ":", "%3A")
	return Issuer{BaseURL: u.Scheme + "://" + u.Host + strings.TrimRight(u.Path, "/"), DID: "did:web:" + host}, nil
}

// VerificationMethod is the id of the verification method of the key
// keyID in the DID document: what a JWS names in its kid header.
func (i Issuer) VerificationMethod(keyID string) string { return i.DID + "#" + keyID }

// StatusListURL is the address of the status list credential of purpose
// (StatusPurposeRevocation).
func (i Issuer) StatusListURL(purpose string) string {
	return i.BaseURL + "/v1/credentials/status/" + purpose
}

// CredentialID is the id of a certificate's credential, which is also the
// address the holder downloads it from: name is TitreID or a CCP code.
func (i Issuer) CredentialID(n certificate.Number, name string) string {
	return i.BaseURL + "/v1/certificates/" + url.PathEscape(string(n)) + "/credentials/" + url.PathEscape(name)
}

// VerificationPage is the public verification page of a certificate.
func (i Issuer) VerificationPage(n certificate.Number) string {
	return i.BaseURL + "/verifier/" + url.PathEscape(string(n))
}

// achievementID is the id of the achievement of a title version (ccp "")
// or of one of its CCPs: the public catalogue entry of the title.
func (i Issuer) achievementID(code, version, ccp string) string {
	id := i.BaseURL + "/v1/titles/" + url.PathEscape(code) + "?version=" + url.QueryEscape(version)
	if ccp != "" {
		id += "#" + url.PathEscape(ccp)
	}
	return id
}

// Unsigned is a credential before it is secured: its kind, the CCP it is
// about (KindCcp), its id, and its JSON document.
type Unsigned struct {
	Kind     Kind
	CcpCode  string
	ID       string
	Document map[string]any
}

// Build returns the credentials of c: one per CCP it prints, in order, and
// for a titre the titre's first. title is the title version as published
// in the catalogue, zero when it is no longer there (the NSF and RNCP
// codes are then left out). The status index is c's (allocated at issue).
func Build(i Issuer, c certificate.Certificate, title catalogue.TitleVersion) ([]Unsigned, error) {
	if c.StatusIndex < 0 {
		return nil, fmt.Errorf("credential: certificate %s has no status index", c.Number)
	}
	if c.IssuedAt.IsZero() {
		return nil, fmt.Errorf("credential: certificate %s has no issue instant", c.Number)
	}
	var out []Unsigned
	ccpIDs := make([]string, 0, len(c.Ccps))
	for _, k := range c.Ccps {
		ccpIDs = append(ccpIDs, i.CredentialID(c.Number, k.Code))
	}
	if c.Kind == certificate.Titre {
		id := i.CredentialID(c.Number, TitreID)
		doc := envelope(i, c, id, "Titre professionnel — "+c.TitleLabel)
		doc["credentialSubject"] = subject(c, titreAchievement(i, c, title))
		evidence := []any{certificateEvidence(i, c)}
		for n, k := range c.Ccps {
			evidence = append(evidence, map[string]any{
				"id": ccpIDs[n], "type": []string{"Evidence"},
				"name":        k.Code + " — " + k.Label,
				"description": "Credential of the CCP " + k.Code + " held for this titre (session " + k.SessionID + ", jury of " + k.JuryDate + ").",
			})
		}
		doc["evidence"] = evidence
		out = append(out, Unsigned{Kind: KindTitre, ID: id, Document: doc})
	}
	for n, k := range c.Ccps {
		doc := envelope(i, c, ccpIDs[n], k.Code+" — "+k.Label)
		doc["credentialSubject"] = subject(c, ccpAchievement(i, c, title, k))
		evidence := []any{certificateEvidence(i, c)}
		if c.Kind == certificate.Titre {
			evidence = append(evidence, map[string]any{
				"id": i.CredentialID(c.Number, TitreID), "type": []string{"Evidence"},
				"name":        "Titre professionnel — " + c.TitleLabel,
				"description": "Credential of the titre this CCP is part of.",
			})
		}
		doc["evidence"] = evidence
		out = append(out, Unsigned{Kind: KindCcp, CcpCode: k.Code, ID: ccpIDs[n], Document: doc})
	}
	return out, nil
}

// envelope is the part every credential of c shares.
func envelope(i Issuer, c certificate.Certificate, id, name string) map[string]any {
	listURL := i.StatusListURL(StatusPurposeRevocation)
	index := strconv.FormatInt(c.StatusIndex, 10)
	return map[string]any{
		"@context": []string{ContextV2, ContextOB3},
		"id":       id,
		"type":     []string{"VerifiableCredential", "OpenBadgeCredential"},
		"name":     name,
		"issuer": map[string]any{
			"id": i.DID, "type": []string{"Profile"}, "name": IssuerName, "url": i.BaseURL,
		},
		"validFrom": c.IssuedAt.UTC().Truncate(time.Second).Format(time.RFC3339),
		"credentialStatus": map[string]any{
			"id":                   listURL + "#" + index,
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        StatusPurposeRevocation,
			"statusListIndex":      index,
			"statusListCredential": listURL,
		},
		"credentialSchema": []any{map[string]any{"id": SchemaOB3, "type": SchemaType}},
	}
}

// subject is the holder, named as printed on the certificate, with their
// birth date: what an employer matches against an identity document.
func subject(c certificate.Certificate, achievement map[string]any) map[string]any {
	return map[string]any{
		"type": []string{"AchievementSubject"},
		"identifier": []any{
			map[string]any{"type": "IdentityObject", "identityType": "name", "hashed": false, "identityHash": c.Holder.HolderName()},
			map[string]any{"type": "IdentityObject", "identityType": "ext:birthDate", "hashed": false, "identityHash": c.Holder.BirthDate},
		},
		"achievement": achievement,
	}
}

// certificateEvidence points to the certificate the credential is issued
// from: its public verification page, by number.
func certificateEvidence(i Issuer, c certificate.Certificate) map[string]any {
	what := "Titre professionnel"
	if c.Kind == certificate.Livret {
		what = "Livret de certification"
	}
	return map[string]any{
		"id": i.VerificationPage(c.Number), "type": []string{"Evidence"},
		"name":        what + " n° " + string(c.Number),
		"description": "The certificate this credential is issued from, awarded by the jury of " + c.JuryDate + " (session " + c.SessionID + ").",
	}
}

func titreAchievement(i Issuer, c certificate.Certificate, title catalogue.TitleVersion) map[string]any {
	a := map[string]any{
		"id":              i.achievementID(c.TitleCode, c.TitleVersion, ""),
		"type":            []string{"Achievement"},
		"achievementType": "Certification",
		"name":            c.TitleLabel,
		"description":     fmt.Sprintf("Titre professionnel de niveau %d du ministère chargé de l'emploi (%s, version %s).", c.TitleLevel, c.TitleCode, c.TitleVersion),
		"criteria": map[string]any{"narrative": "Every certificat de compétences professionnelles (CCP) of the title held, " +
			"awarded by a jury of a session of validation: " + strings.Join(c.CcpCodes(), ", ") + "."},
		"humanCode":  c.TitleCode,
		"version":    c.TitleVersion,
		"inLanguage": "fr",
		"alignment":  []any{levelAlignment(c.TitleLevel)},
	}
	if ids := otherIdentifiers(title); len(ids) > 0 {
		a["otherIdentifier"] = ids
	}
	if title.NSFLabel != "" {
		a["fieldOfStudy"] = title.NSFLabel
	}
	return a
}

func ccpAchievement(i Issuer, c certificate.Certificate, title catalogue.TitleVersion, k certificate.Ccp) map[string]any {
	a := map[string]any{
		"id":              i.achievementID(c.TitleCode, c.TitleVersion, k.Code),
		"type":            []string{"Achievement"},
		"achievementType": "Certificate",
		"name":            k.Label,
		"description": fmt.Sprintf("Certificat de compétences professionnelles %s of the titre professionnel %s (%s, version %s, niveau %d).",
			k.Code, c.TitleLabel, c.TitleCode, c.TitleVersion, c.TitleLevel),
		"criteria":   map[string]any{"narrative": "Awarded by the jury of " + k.JuryDate + " (session " + k.SessionID + ")."},
		"humanCode":  c.TitleCode + "/" + k.Code,
		"version":    c.TitleVersion,
		"inLanguage": "fr",
		// The CCP is part of its titre: an alignment to the titre's
		// achievement, and to the level of the title.
		"alignment": []any{
			map[string]any{
				"type": []string{"Alignment"}, "targetName": c.TitleLabel, "targetUrl": i.achievementID(c.TitleCode, c.TitleVersion, ""),
				"targetCode": c.TitleCode, "targetFramework": "Titres professionnels du ministère chargé de l'emploi",
				"targetType": "ceterms:Credential", "targetDescription": "The titre professionnel this CCP is a part of.",
			},
			levelAlignment(c.TitleLevel),
		},
	}
	if ids := otherIdentifiers(title); len(ids) > 0 {
		a["otherIdentifier"] = ids
	}
	return a
}

// levelAlignment places a title in the national framework of levels
// (décret n° 2019-14).
func levelAlignment(level int) map[string]any {
	return map[string]any{
		"type": []string{"Alignment"}, "targetName": "Niveau " + strconv.Itoa(level), "targetCode": strconv.Itoa(level),
		"targetFramework": LevelFramework, "targetType": "ext:Level",
		"targetUrl": "https://www.legifrance.gouv.fr/loda/id/JORFTEXT000037964754",
	}
}

// otherIdentifiers are the title's RNCP and NSF codes, when known.
func otherIdentifiers(t catalogue.TitleVersion) []any {
	var out []any
	if t.RNCPID != "" {
		out = append(out, map[string]any{"type": "IdentifierEntry", "identifier": t.RNCPID, "identifierType": "ext:RNCP"})
	}
	if t.NSF != "" {
		out = append(out, map[string]any{"type": "IdentifierEntry", "identifier": t.NSF, "identifierType": "ext:NSF"})
	}
	return out
}
