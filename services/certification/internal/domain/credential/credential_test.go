package credential

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

func testCertificate(kind certificate.Kind, ccps ...string) certificate.Certificate {
	c := certificate.Certificate{
		Number: "TP-2026-000042-K", Kind: kind, CandidateID: "cand-1",
		Holder:    certificate.Holder{BirthName: "MARTIN", GivenNames: []string{"Léa"}, BirthDate: "1990-04-02"},
		TitleCode: "TP-00495", TitleVersion: "2008", TitleLabel: "Secrétaire assistant", TitleLevel: 4,
		SessionID: "S-1", JuryDate: "2026-06-30", IssueDate: "2026-07-01",
		IssuedAt: time.Date(2026, 7, 1, 8, 30, 15, 999, time.UTC), StatusIndex: 7, Status: certificate.Issued,
	}
	for _, k := range ccps {
		c.Ccps = append(c.Ccps, certificate.Ccp{Code: k, Label: "Activité " + k, SessionID: "S-1", JuryDate: "2026-06-30"})
	}
	return c
}

func TestNewIssuer(t *testing.T) {
	for _, tc := range []struct {
		url, did, base string
		err            bool
	}{
		{url: "https://titrepro.example.fr", did: "did:web:titrepro.example.fr", base: "https://titrepro.example.fr"},
		{url: "https://titrepro.example.fr/", did: "did:web:titrepro.example.fr", base: "https://titrepro.example.fr"},
		{url: "http://localhost:8080", did: "did:web:localhost%3A8080", base: "http://localhost:8080"},
		{url: "http://127.0.0.1:41234", did: "did:web:127.0.0.1%3A41234", base: "http://127.0.0.1:41234"},
		{url: "ftp://x", err: true},
		{url: "localhost:8080", err: true},
		{url: "", err: true},
	} {
		i, err := NewIssuer(tc.url)
		if tc.err {
			if err == nil {
				t.Errorf("NewIssuer(%q) = %+v, want an error", tc.url, i)
			}
			continue
		}
		if err != nil || i.DID != tc.did || i.BaseURL != tc.base {
			t.Errorf("NewIssuer(%q) = %+v, %v; want %s at %s", tc.url, i, err, tc.did, tc.base)
		}
	}
}

func TestBuildTitreAndCcpsLinked(t *testing.T) {
	iss, _ := NewIssuer("https://titrepro.example.fr")
	title := catalogue.TitleVersion{RNCPID: "RNCP1234", NSF: "324t", NSFLabel: "Secrétariat, bureautique"}
	creds, err := Build(iss, testCertificate(certificate.Titre, "CCP1", "CCP2"), title)
	if err != nil {
		t.Fatal(err)
	}
	if len(creds) != 3 || creds[0].Kind != KindTitre || creds[1].CcpCode != "CCP1" || creds[2].CcpCode != "CCP2" {
		t.Fatalf("credentials = %+v, want the titre then CCP1, CCP2", creds)
	}
	base := "https://titrepro.example.fr/v1/certificates/TP-2026-000042-K/credentials/"
	for n, want := range []string{base + "titre", base + "CCP1", base + "CCP2"} {
		if creds[n].ID != want || creds[n].Document["id"] != want {
			t.Errorf("credential %d id = %s, want %s", n, creds[n].ID, want)
		}
	}
	titre := roundTrip(t, creds[0].Document)
	if got := pick(titre, "evidence"); !strings.Contains(got, base+"CCP1") || !strings.Contains(got, base+"CCP2") ||
		!strings.Contains(got, "https://titrepro.example.fr/verifier/TP-2026-000042-K") {
		t.Errorf("titre evidence = %s, want the certificate and both CCP credentials", got)
	}
	ach := pick(titre, "credentialSubject")
	for _, want := range []string{`"achievementType":"Certification"`, `"name":"Secrétaire assistant"`, `"identifier":"RNCP1234"`,
		`"identifier":"324t"`, `"targetCode":"4"`, `"identityHash":"MARTIN Léa"`, `"identityHash":"1990-04-02"`} {
		if !strings.Contains(ach, want) {
			t.Errorf("titre subject lacks %s: %s", want, ach)
		}
	}
	if titre["validFrom"] != "2026-07-01T08:30:15Z" {
		t.Errorf("validFrom = %v, want the issue instant", titre["validFrom"])
	}
	status := pick(titre, "credentialStatus")
	for _, want := range []string{`"type":"BitstringStatusListEntry"`, `"statusPurpose":"revocation"`, `"statusListIndex":"7"`,
		`"statusListCredential":"https://titrepro.example.fr/v1/credentials/status/revocation"`} {
		if !strings.Contains(status, want) {
			t.Errorf("credentialStatus lacks %s: %s", want, status)
		}
	}
	ccp := roundTrip(t, creds[1].Document)
	if got := pick(ccp, "evidence"); !strings.Contains(got, base+"titre") || !strings.Contains(got, "/verifier/TP-2026-000042-K") {
		t.Errorf("CCP evidence = %s, want the certificate and the titre credential", got)
	}
	if got := pick(ccp, "credentialSubject"); !strings.Contains(got, `"targetType":"ceterms:Credential"`) ||
		!strings.Contains(got, `"targetUrl":"https://titrepro.example.fr/v1/titles/TP-00495?version=2008"`) {
		t.Errorf("CCP achievement is not aligned to its titre: %s", got)
	}
}

func TestBuildRefusesCertificateWithoutStatusIndex(t *testing.T) {
	iss, _ := NewIssuer("https://titrepro.example.fr")
	c := testCertificate(certificate.Titre, "CCP1")
	c.StatusIndex = -1
	if _, err := Build(iss, c, catalogue.TitleVersion{}); err == nil {
		t.Error("Build accepted a certificate without status index")
	}
}

func TestSecureIsDeterministicAndVerifiesWithTheDIDKey(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	signer, err := certificate.NewSigner(ed25519.NewKeyFromSeed(seed))
	if err != nil {
		t.Fatal(err)
	}
	seed[0] = 1
	retired := ed25519.NewKeyFromSeed(seed).Public().(ed25519.PublicKey)
	iss, _ := NewIssuer("http://localhost:8080")
	creds, _ := Build(iss, testCertificate(certificate.Titre, "CCP1"), catalogue.TitleVersion{})
	a, err := Secure(signer, iss, creds[0].Document)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Secure(signer, iss, creds[0].Document)
	if a != b {
		t.Error("the same credential signed twice differs")
	}
	obj, err := jose.ParseSigned(a, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	h := obj.Signatures[0].Protected
	if h.Algorithm != "EdDSA" || h.ExtraHeaders["typ"] != TypHeader || h.ExtraHeaders["cty"] != CtyHeader ||
		h.KeyID != "did:web:localhost%3A8080#"+signer.KeyID() {
		t.Errorf("header = %+v", h)
	}
	ring := certificate.NewKeyring(signer.PublicKey(), retired)
	did := roundTrip(t, DIDDocument(iss, ring))
	if vms := did["verificationMethod"].([]any); len(vms) != 2 || len(did["assertionMethod"].([]any)) != 2 {
		t.Fatalf("DID document = %v, want both keys of the ring", did)
	}
	pub, ok := keyOf(iss, ring, h.KeyID)
	if !ok {
		t.Fatalf("kid %s is not in the DID document", h.KeyID)
	}
	payload, err := obj.Verify(pub)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(payload, &got); err != nil || got["id"] != creds[0].ID {
		t.Errorf("payload = %s, %v", payload, err)
	}
	// Another name in the payload: the signature no longer matches.
	parts := strings.Split(a, ".")
	var doc map[string]any
	_ = json.Unmarshal(payload, &doc)
	doc["name"] = "Titre professionnel — Autre"
	forged, _ := json.Marshal(doc)
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString(forged) + "." + parts[2]
	o, err := jose.ParseSigned(tampered, []jose.SignatureAlgorithm{jose.EdDSA})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Verify(pub); err == nil {
		t.Error("a tampered credential verifies")
	}
}

func TestStatusListEncodingDecodesBack(t *testing.T) {
	for _, tc := range []struct {
		name string
		next int64
		set  []int64
		bits int64
	}{
		{"empty", 0, nil, MinStatusListBits},
		{"first and last bits", 10, []int64{0, 9, MinStatusListBits - 1}, MinStatusListBits},
		{"grows by whole lists", MinStatusListBits + 1, []int64{MinStatusListBits}, 2 * MinStatusListBits},
	} {
		t.Run(tc.name, func(t *testing.T) {
			enc, err := EncodeStatusList(StatusListBits(tc.next), tc.set)
			if err != nil {
				t.Fatal(err)
			}
			if enc[0] != 'u' {
				t.Errorf("encodedList %q is not multibase base64url", enc[:8])
			}
			got, size, err := DecodeStatusList(enc, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if size != tc.bits || !slices.Equal(got, tc.set) {
				t.Errorf("decoded %d bits with %v set, want %d with %v", size, got, tc.bits, tc.set)
			}
		})
	}
	// Bit 0 is the left-most bit of the first byte.
	enc, _ := EncodeStatusList(8, []int64{0})
	if set, _, _ := DecodeStatusList(enc, 1); !slices.Equal(set, []int64{0}) {
		t.Errorf("bit 0 decoded as %v", set)
	}
	if _, err := EncodeStatusList(MinStatusListBits, []int64{MinStatusListBits}); err == nil {
		t.Error("an index outside the list was encoded")
	}
	if _, _, err := DecodeStatusList("zabc", 10); err == nil {
		t.Error("a non-base64url multibase list decoded")
	}
}

func TestStatusListCredential(t *testing.T) {
	iss, _ := NewIssuer("https://titrepro.example.fr")
	doc, err := StatusList(iss, 3, []int64{2, 1}, time.Date(2026, 7, 2, 10, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	js := roundTrip(t, doc)
	sub := js["credentialSubject"].(map[string]any)
	if sub["statusPurpose"] != "revocation" || sub["type"] != "BitstringStatusList" ||
		js["id"] != "https://titrepro.example.fr/v1/credentials/status/revocation" {
		t.Errorf("status list = %v", js)
	}
	set, size, err := DecodeStatusList(sub["encodedList"].(string), 1<<20)
	if err != nil || size != MinStatusListBits || !slices.Equal(set, []int64{1, 2}) {
		t.Errorf("encodedList decodes to %v of %d bits (%v)", set, size, err)
	}
}

func roundTrip(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func pick(doc map[string]any, key string) string {
	b, _ := json.Marshal(doc[key])
	return strings.ReplaceAll(string(b), `\u0026`, "&")
}

// keyOf returns the public key of a verification method id of i, as a
// verifier finds it in the DID document.
func keyOf(i Issuer, keys certificate.Keyring, kid string) (ed25519.PublicKey, bool) {
	for id, pub := range keys {
		if i.VerificationMethod(id) == kid {
			return pub, true
		}
	}
	return nil, false
}

// TestBuildCredentialsOfEachKindOfCertificate: what each kind of
// certificate gives, in order, and how its credentials link.
func TestBuildCredentialsOfEachKindOfCertificate(t *testing.T) {
	iss, _ := NewIssuer("https://titrepro.example.fr")
	base := "https://titrepro.example.fr/v1/certificates/TP-2026-000042-K/credentials/"
	known := catalogue.TitleVersion{RNCPID: "RNCP1234", NSF: "324t"}
	for _, tc := range []struct {
		name        string
		c           certificate.Certificate
		title       catalogue.TitleVersion
		wantIDs     []string
		wantTypes   []string // achievementType of each
		wantLinks   [][]string
		identifiers bool
	}{
		{
			name: "titre: the titre's then each CCP's", c: testCertificate(certificate.Titre, "CCP1", "CCP2"), title: known,
			wantIDs:   []string{base + "titre", base + "CCP1", base + "CCP2"},
			wantTypes: []string{"Certification", "Certificate", "Certificate"},
			wantLinks: [][]string{{base + "CCP1", base + "CCP2"}, {base + "titre"}, {base + "titre"}}, identifiers: true,
		},
		{
			name: "livret: each CCP held, no titre", c: testCertificate(certificate.Livret, "CCP1", "CCP3"), title: known,
			wantIDs: []string{base + "CCP1", base + "CCP3"}, wantTypes: []string{"Certificate", "Certificate"},
			wantLinks: [][]string{nil, nil}, identifiers: true,
		},
		{
			name: "title no longer in the catalogue: no RNCP nor NSF", c: testCertificate(certificate.Titre, "CCP1"),
			wantIDs: []string{base + "titre", base + "CCP1"}, wantTypes: []string{"Certification", "Certificate"},
			wantLinks: [][]string{{base + "CCP1"}, {base + "titre"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds, err := Build(iss, tc.c, tc.title)
			if err != nil {
				t.Fatal(err)
			}
			if len(creds) != len(tc.wantIDs) {
				t.Fatalf("%d credentials, want %d", len(creds), len(tc.wantIDs))
			}
			for n, c := range creds {
				doc := roundTrip(t, c.Document)
				if c.ID != tc.wantIDs[n] {
					t.Errorf("credential %d id = %s, want %s", n, c.ID, tc.wantIDs[n])
				}
				ach := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
				if ach["achievementType"] != tc.wantTypes[n] {
					t.Errorf("%s: achievementType %v, want %s", c.ID, ach["achievementType"], tc.wantTypes[n])
				}
				if _, has := ach["otherIdentifier"]; has != tc.identifiers {
					t.Errorf("%s: otherIdentifier present = %v, want %v", c.ID, has, tc.identifiers)
				}
				evidence := pick(doc, "evidence")
				if !strings.Contains(evidence, "https://titrepro.example.fr/verifier/TP-2026-000042-K") {
					t.Errorf("%s: no link to its certificate: %s", c.ID, evidence)
				}
				for _, link := range tc.wantLinks[n] {
					if !strings.Contains(evidence, `"id":"`+link+`"`) {
						t.Errorf("%s: no link to %s: %s", c.ID, link, evidence)
					}
				}
				if tc.c.Kind == certificate.Livret && strings.Contains(evidence, "/credentials/titre") {
					t.Errorf("%s: a livret's CCP links a titre credential", c.ID)
				}
				if doc["validFrom"] != "2026-07-01T08:30:15Z" || !strings.Contains(pick(doc, "credentialStatus"), `"statusListIndex":"7"`) {
					t.Errorf("%s: validFrom %v, status %s", c.ID, doc["validFrom"], pick(doc, "credentialStatus"))
				}
			}
		})
	}
}

// TestCredentialSignedBeforeARotationVerifies: after a key rotation the
// DID document still lists the retired key, which verifies the
// credentials it signed; new credentials carry the new key.
func TestCredentialSignedBeforeARotationVerifies(t *testing.T) {
	seed := make([]byte, ed25519.SeedSize)
	before, _ := certificate.NewSigner(ed25519.NewKeyFromSeed(seed))
	seed[0] = 9
	after, _ := certificate.NewSigner(ed25519.NewKeyFromSeed(seed))
	iss, _ := NewIssuer("https://titrepro.example.fr")
	creds, _ := Build(iss, testCertificate(certificate.Titre, "CCP1"), catalogue.TitleVersion{})
	old, err := Secure(before, iss, creds[0].Document)
	if err != nil {
		t.Fatal(err)
	}
	renewed, _ := Secure(after, iss, creds[0].Document)
	ring := certificate.NewKeyring(after.PublicKey(), before.PublicKey()) // as loadKeyring: current + retired
	for _, jws := range []string{old, renewed} {
		obj, err := jose.ParseSigned(jws, []jose.SignatureAlgorithm{jose.EdDSA})
		if err != nil {
			t.Fatal(err)
		}
		pub, ok := keyOf(iss, ring, obj.Signatures[0].Protected.KeyID)
		if !ok {
			t.Fatalf("kid %s not in the DID document", obj.Signatures[0].Protected.KeyID)
		}
		if _, err := obj.Verify(pub); err != nil {
			t.Errorf("credential of kid %s: %v", obj.Signatures[0].Protected.KeyID, err)
		}
	}
	if old == renewed {
		t.Error("the new key signs the same bytes as the old one")
	}
}
