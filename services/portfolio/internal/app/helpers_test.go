package app_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/blobstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/portfolio/internal/app"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/command"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

var now = time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)

var (
	alice    = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleCandidate}}
	bob      = auth.Principal{Subject: "bob@idp", Roles: []auth.Role{auth.RoleCandidate}}
	nobody   = auth.Principal{Subject: "nobody@idp", Roles: []auth.Role{auth.RoleCandidate}}
	centre1  = auth.Principal{Subject: "c1-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C1"}
	centre2  = auth.Principal{Subject: "c2-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "C2"}
	juror1   = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
	juror2   = auth.Principal{Subject: "juror-2", Roles: []auth.Role{auth.RoleJuror}}
	ministry = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
)

var tsgeri = refdata.Title{
	ID: "TP-00495", Version: "2008", Label: "Technicien supérieur gestionnaire exploitant de ressources informatiques",
	ActivityTypes: []refdata.ActivityType{
		{CCPCode: "CCP1", Order: 1, Label: "A"}, {CCPCode: "CCP2", Order: 2, Label: "B"}, {CCPCode: "CCP3", Order: 3, Label: "C"},
	},
	PublishedAt: now.Add(-time.Hour),
}

// limits of the tests: small, so that the limit tests stay fast.
var limits = command.UploadLimits{Dossier: dossier.Limits{MaxDocumentBytes: 1 << 20, MaxDossierBytes: 3 << 20, MaxDocuments: 10}}

// env is an application over a SQLite database and a file blob store,
// with the projections seeded: candidates alice (VAE) and bob, title
// TSGERI, session s1 of centre C1 with juror-1 and CCP session s2 of
// centre C2 with juror-2.
type env struct {
	app   app.Application
	db    *sqldb.DB
	blobs *blobstore.Store
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	db := dbtest.Engine{Name: dbtest.SQLite}.Open(t)
	for _, m := range []func(context.Context, *sqldb.DB) error{sqlstore.Migrate, outbox.Migrate} {
		if err := m(ctx, db); err != nil {
			t.Fatalf("migrate: %v", err)
		}
	}
	blobs, err := blobstore.Open(context.Background(), "file://"+filepath.Join(t.TempDir(), "blobs"), blobstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = blobs.Close() })
	cands, titles, sessions := sqlstore.NewCandidates(db), sqlstore.NewTitles(db), sqlstore.NewSessions(db)
	for _, c := range []refdata.Candidate{
		{ID: "cand-alice", Subject: "alice@idp", BirthName: "Durand", GivenNames: []string{"Camille"}, Route: refdata.RouteVAE, Version: 1,
			Address: &refdata.PostalAddress{Lines: []string{"1 rue"}, PostalCode: "69001", Locality: "Lyon", CountryCode: "FR"}},
		{ID: "cand-bob", Subject: "bob@idp", BirthName: "Martin", GivenNames: []string{"Bob"}, Route: refdata.RouteTraining, Version: 1},
	} {
		must(t, func() error { _, err := cands.Upsert(ctx, c); return err })
	}
	must(t, func() error { _, err := titles.Insert(ctx, tsgeri); return err })
	for _, s := range []refdata.Session{
		{ID: "s1", CentreID: "C1", Type: refdata.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008", CCPCodes: []string{"CCP1", "CCP2", "CCP3"}},
		{ID: "s2", CentreID: "C2", Type: refdata.SessionCCP, TitleID: "TP-00495", TitleVersion: "2008", CCPCodes: []string{"CCP3"}},
	} {
		must(t, func() error { _, err := sessions.Insert(ctx, s); return err })
	}
	must(t, func() error {
		_, err := sessions.ApplyJuror(ctx, refdata.JurorChange{SessionID: "s1", Subject: "juror-1", Assigned: true, At: now})
		return err
	})
	must(t, func() error {
		_, err := sessions.ApplyJuror(ctx, refdata.JurorChange{SessionID: "s2", Subject: "juror-2", Assigned: true, At: now})
		return err
	})
	candidacies := sqlstore.NewCandidacies(db)
	for _, c := range []refdata.Candidacy{
		{ID: "cy-1", SessionID: "s1", CandidateID: "cand-alice"},
		{ID: "cy-2", SessionID: "s2", CandidateID: "cand-alice"},
		{ID: "cy-bob", SessionID: "s1", CandidateID: "cand-bob"},
	} {
		must(t, func() error { _, err := candidacies.Insert(ctx, c); return err })
	}
	a := app.New(app.Deps{
		Dossiers: sqlstore.NewDossierRepository(db, outbox.New(db)), Contents: blobs,
		Candidates: cands, Titles: titles, Sessions: sessions, Candidacies: candidacies, Limits: limits,
		Schedules: sqlstore.NewSchedules(db), Now: func() time.Time { return now },
	})
	return &env{app: a, db: db, blobs: blobs}
}

func must(t testing.TB, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatal(err)
	}
}

func as(p auth.Principal) context.Context { return auth.WithPrincipal(context.Background(), p) }

func example(ccp string) dossier.Example {
	return dossier.Example{
		CCPCode: ccp, Title: "Example " + ccp, Tasks: "Tasks", Means: "Means", Collaborators: "Team",
		Context: dossier.PracticeContext{Organisation: "ACME", Unit: "IT", PeriodFrom: "2023-01-01", PeriodTo: "2024-01-01"},
	}
}

func completeContent() dossier.Content {
	return dossier.Content{
		Examples: []dossier.Example{example("CCP1"), example("CCP2"), example("CCP3")},
		Sworn:    dossier.SwornStatement{SignerName: "Camille Durand", Place: "Lyon", Date: "2026-03-01"},
	}
}

// create makes alice's dossier with c.
func (e *env) create(t testing.TB, c dossier.Content) *dossier.Dossier {
	t.Helper()
	d, err := e.app.Commands.CreateDossier.Handle(as(alice), command.CreateDossier{TitleID: "TP-00495", TitleVersion: "2008", Content: c})
	if err != nil {
		t.Fatalf("CreateDossier() = %v", err)
	}
	return d
}

func (e *env) upload(ctx context.Context, dossierID, name string, content []byte) (dossier.Document, error) {
	_, doc, err := e.app.Commands.UploadDocument.Handle(ctx, command.UploadDocument{
		DossierID: dossierID, FileName: name, Kind: dossier.KindIllustrative, Content: bytes.NewReader(content),
	})
	return doc, err
}

// keys returns every key of the blob store.
func (e *env) keys(t testing.TB) []string {
	t.Helper()
	k, err := e.blobs.Keys(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func reasonOf(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Reason
	}
	return ""
}

func read(t testing.TB, r io.ReadCloser) []byte {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
