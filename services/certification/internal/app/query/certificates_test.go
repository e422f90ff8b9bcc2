package query_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// Numbers with valid check symbols (computed independently).
const (
	annesTitre  = certificate.Number("TP-2026-0000-0001-7")
	annesLivret = certificate.Number("TP-2026-0000-0002-8")
	bobsLivret  = certificate.Number("TP-2026-0000-0003-9")
)

// certificatesDB holds Anne (two records bound to sub-anne: cand-anne with
// a titre and a livret, cand-anne-2 with nothing) and Bob (a livret).
func certificatesDB(t *testing.T) (*sqldb.DB, *certificate.Signer) {
	t.Helper()
	db := sqliteDB(t)
	ctx := context.Background()
	for _, h := range []holder.Holder{
		{CandidateID: "cand-anne", Subject: "sub-anne", BirthName: "Martin", SourceVersion: 1, UpdatedAt: time.Now()},
		{CandidateID: "cand-anne-2", Subject: "sub-anne", BirthName: "Martin", SourceVersion: 1, UpdatedAt: time.Now()},
		{CandidateID: "cand-bob", Subject: "sub-bob", BirthName: "Durand", SourceVersion: 1, UpdatedAt: time.Now()},
	} {
		if _, err := sqlstore.NewHolderRepository(db).Upsert(ctx, h); err != nil {
			t.Fatalf("Upsert: %v", err)
		}
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatalf("key: %v", err)
	}
	signer, err := certificate.NewSigner(key)
	if err != nil {
		t.Fatalf("signer: %v", err)
	}
	certs := []certificate.Certificate{
		{Number: annesTitre, Kind: certificate.Titre, CandidateID: "cand-anne", SessionID: "s2"},
		{Number: annesLivret, Kind: certificate.Livret, CandidateID: "cand-anne", SessionID: "s1"},
		{Number: bobsLivret, Kind: certificate.Livret, CandidateID: "cand-bob", SessionID: "s1"},
	}
	err = sqlstore.NewValidationStore(db, outbox.New(db)).InValidation(ctx, func(ctx context.Context, u command.ValidationUnit) error {
		for _, c := range certs {
			c.Holder = certificate.Holder{BirthName: "Martin", GivenNames: []string{"Anne"}, BirthDate: "1990-05-17"}
			c.TitleCode, c.TitleVersion, c.TitleLabel, c.TitleLevel = "TP-00001", "2024", "Titre", 5
			c.Ccps = []certificate.Ccp{{Code: "CCP1", Label: "Activité 1", SessionID: "s1", JuryDate: "2026-03-01"}}
			c.JuryDate, c.IssueDate, c.IssuedAt, c.Status = "2026-03-01", "2026-03-05", time.Now(), certificate.Issued
			if err := signer.Sign(&c); err != nil {
				return err
			}
			if err := u.Issue(ctx, c); err != nil {
				return err
			}
		}
		_, err := u.Hold(ctx, award.HeldCcp{CandidateID: "cand-anne", TitleCode: "TP-00001", TitleVersion: "2024",
			CcpCode: "CCP1", SessionID: "s1", JuryDate: "2026-03-01"}, time.Now())
		return err
	})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return db, signer
}

func TestGetCertificateAuthorisation(t *testing.T) {
	t.Parallel()
	db, _ := certificatesDB(t)
	h := query.NewGetCertificateHandler(sqlstore.NewCertificateRepository(db), sqlstore.NewHolderRepository(db))
	tests := []struct {
		name       string
		ctx        context.Context
		number     string
		wantKind   apperr.Kind
		wantReason string
	}{
		{name: "the holder reads their certificate", ctx: as("sub-anne", auth.RoleCandidate), number: string(annesTitre)},
		{name: "the holder may type it in lower case without hyphens", ctx: as("sub-anne", auth.RoleCandidate), number: "tp2026000000017"},
		{name: "ministry reads any certificate", ctx: as("officer", auth.RoleMinistry), number: string(bobsLivret)},
		{name: "admin reads any certificate", ctx: as("root", auth.RoleAdmin), number: string(annesLivret)},
		{name: "another candidate is denied", ctx: as("sub-bob", auth.RoleCandidate), number: string(annesTitre),
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "candidate: an unknown number is denied, not revealed", ctx: as("sub-bob", auth.RoleCandidate), number: "TP-2026-0000-0000-6",
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "ministry: an unknown number is not found", ctx: as("officer", auth.RoleMinistry), number: "TP-2026-0000-0000-6",
			wantKind: apperr.KindNotFound, wantReason: "CERTIFICATE_NOT_FOUND"},
		{name: "a centre may not read certificates", ctx: as("centre-user", auth.RoleCentre), number: string(annesTitre),
			wantKind: apperr.KindPermissionDenied, wantReason: "PERMISSION_DENIED"},
		{name: "a mistyped number is invalid", ctx: as("officer", auth.RoleMinistry), number: "TP-2026-0000-0001-8",
			wantKind: apperr.KindInvalidArgument, wantReason: "INVALID_ARGUMENT"},
		{name: "no token", ctx: context.Background(), number: string(annesTitre),
			wantKind: apperr.KindUnauthenticated, wantReason: "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := h.Handle(tt.ctx, query.GetCertificate{Number: tt.number})
			if tt.wantReason != "" {
				requireKind(t, err, tt.wantKind, tt.wantReason)
				return
			}
			if err != nil || got.Number == "" {
				t.Fatalf("Handle() = %+v, %v", got, err)
			}
		})
	}
}

func TestListCertificates(t *testing.T) {
	t.Parallel()
	db, _ := certificatesDB(t)
	h := query.NewListCertificatesHandler(sqlstore.NewCertificateRepository(db), sqlstore.NewHolderRepository(db))
	tests := []struct {
		name       string
		ctx        context.Context
		candidate  string
		want       string
		wantReason string
	}{
		{name: "a candidate lists their own", ctx: as("sub-anne", auth.RoleCandidate), want: fmt.Sprint([]certificate.Number{annesTitre, annesLivret})},
		{name: "a candidate names one of their records", ctx: as("sub-anne", auth.RoleCandidate), candidate: "cand-anne-2", want: "[]"},
		{name: "a candidate without records lists nothing", ctx: as("sub-nobody", auth.RoleCandidate), want: "[]"},
		{name: "a candidate may not name another person", ctx: as("sub-bob", auth.RoleCandidate), candidate: "cand-anne", wantReason: "PERMISSION_DENIED"},
		{name: "ministry lists everyone's", ctx: as("officer", auth.RoleMinistry), want: fmt.Sprint([]certificate.Number{annesTitre, annesLivret, bobsLivret})},
		{name: "ministry lists one person's", ctx: as("officer", auth.RoleMinistry), candidate: "cand-bob", want: fmt.Sprint([]certificate.Number{bobsLivret})},
		{name: "a juror may not list certificates", ctx: as("juror", auth.RoleJuror), wantReason: "PERMISSION_DENIED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got []certificate.Number
			token := ""
			for range 5 {
				page, err := h.Handle(tt.ctx, query.ListCertificates{PageSize: 1, PageToken: token, CandidateID: tt.candidate})
				if tt.wantReason != "" {
					requireKind(t, err, apperr.KindPermissionDenied, tt.wantReason)
					return
				}
				if err != nil {
					t.Fatalf("Handle: %v", err)
				}
				for _, c := range page.Certificates {
					got = append(got, c.Number)
				}
				if token = page.NextPageToken; token == "" {
					break
				}
			}
			if fmt.Sprint(got) != tt.want && !(tt.want == "[]" && len(got) == 0) {
				t.Fatalf("listed %v; want %s", got, tt.want)
			}
		})
	}
	t.Run("a page token is bound to its caller", func(t *testing.T) {
		t.Parallel()
		page, err := h.Handle(as("officer", auth.RoleMinistry), query.ListCertificates{PageSize: 1})
		if err != nil || page.NextPageToken == "" {
			t.Fatalf("first page = %+v, %v", page, err)
		}
		_, err = h.Handle(as("sub-anne", auth.RoleCandidate), query.ListCertificates{PageSize: 1, PageToken: page.NextPageToken})
		requireKind(t, err, apperr.KindInvalidArgument, "INVALID_PAGE_TOKEN")
	})
}

func TestVerifyCertificate(t *testing.T) {
	t.Parallel()
	db, signer := certificatesDB(t)
	if _, err := db.ExecContext(context.Background(), `UPDATE certificates SET holder_birth_name = 'Dupont' WHERE number = $1`, string(bobsLivret)); err != nil {
		t.Fatalf("tamper: %v", err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	otherSigner, _ := certificate.NewSigner(otherKey)
	tests := []struct {
		name          string
		keys          certificate.Keyring
		number        string
		wantValid     bool
		wantSignature bool
		wantFound     bool
		wantReason    string
	}{
		{"a genuine certificate is valid, without a token", signer.Keyring(), string(annesTitre), true, true, true, ""},
		{"typed loosely", signer.Keyring(), " tp-2026-oooo-ooo1-7 ", true, true, true, ""},
		{"a tampered row: the signature does not verify", signer.Keyring(), string(bobsLivret), false, false, true, query.ReasonSignatureInvalid},
		{"signed with a key the authority does not hold", otherSigner.Keyring(), string(annesTitre), false, false, true, query.ReasonKeyUnknown},
		{"a mistyped number", signer.Keyring(), "TP-2026-0000-0001-8", false, false, false, query.ReasonNumberMalformed},
		{"an unknown number", signer.Keyring(), "TP-2026-0000-0000-6", false, false, false, query.ReasonNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := query.NewVerifyCertificateHandler(sqlstore.NewCertificateRepository(db), tt.keys, sqlstore.NewDecisionStore(db, nil))
			v, err := h.Handle(context.Background(), query.VerifyCertificate{Number: tt.number})
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if v.Valid != tt.wantValid || v.SignatureValid != tt.wantSignature || v.Found != tt.wantFound || v.Reason != tt.wantReason {
				t.Fatalf("Handle() = valid %v signature %v found %v reason %q; want %v %v %v %q",
					v.Valid, v.SignatureValid, v.Found, v.Reason, tt.wantValid, tt.wantSignature, tt.wantFound, tt.wantReason)
			}
			if tt.wantReason != "" && v.Message == "" {
				t.Fatal("a verdict without a message")
			}
		})
	}
}

func TestGetRecordListsCcpsAndCertificates(t *testing.T) {
	t.Parallel()
	db, _ := certificatesDB(t)
	h := query.NewGetRecordHandler(sqlstore.NewHolderRepository(db), sqlstore.NewRecordRepository(db), sqlstore.NewCertificateRepository(db),
		sqlstore.NewResultRepository(db))
	rec, err := h.Handle(as("sub-anne", auth.RoleCandidate), query.GetRecord{CandidateID: "cand-anne"})
	if err != nil {
		t.Fatalf("Handle: %v", err)
	}
	if len(rec.Held) != 1 || rec.Held[0].CcpCode != "CCP1" || rec.Held[0].SessionID != "s1" {
		t.Fatalf("held = %+v; want CCP1 from s1", rec.Held)
	}
	if fmt.Sprint(rec.Certificates) != fmt.Sprint([]certificate.Number{annesTitre, annesLivret}) {
		t.Fatalf("certificates = %v", rec.Certificates)
	}
}
