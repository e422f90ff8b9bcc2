package certification_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"

	"github.com/titrepro/titrepro/services/certification"
)

// importYAML is a title version that is not shipped in referentiels/.
const importYAML = `code: TP-09999
version: "2026"
label: Titre importé
level: 4
valid_from: 2026-01-01
status: ACTIVE
ccps:
  - code: CCP1
    order: 1
    label: Activité 1
    competences:
      - code: CCP1-C1
        label: Compétence 1
epreuves:
  - kind: ENTRETIEN_FINAL
    session_types: [TITRE]
`

func code(err error) codes.Code { return status.Code(err) }

func TestCatalogueIsPublic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.start(t)

	resp, err := svc.client.ListTitles(t.Context(), &certificationv1.ListTitlesRequest{})
	if err != nil {
		t.Fatalf("ListTitles without token: %v", err)
	}
	var tsgeri *certificationv1.Title
	for _, tt := range resp.GetTitles() {
		if tt.GetId() == "TP-00495" {
			tsgeri = tt
		}
	}
	if tsgeri == nil {
		t.Fatalf("ListTitles() = %v; want TP-00495", resp.GetTitles())
	}
	competences := 0
	for _, c := range tsgeri.GetCcps() {
		competences += len(c.GetCompetences())
	}
	if len(tsgeri.GetCcps()) != 3 || competences != 20 {
		t.Fatalf("TP-00495 has %d CCPs and %d competences; want 3 and 20", len(tsgeri.GetCcps()), competences)
	}
	if tsgeri.GetShortLabel() != "TSGERI" || tsgeri.GetStatus() != certificationv1.TitleStatus_TITLE_STATUS_ACTIVE ||
		tsgeri.GetContentHash() == "" || tsgeri.GetPublishTime() == nil {
		t.Fatalf("TP-00495 = %v", tsgeri)
	}

	got, err := svc.client.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-00495"})
	if err != nil || got.GetTitle().GetVersion() != "2008" {
		t.Fatalf("GetTitle(TP-00495) = %v, %v; want version 2008", got, err)
	}
	_, err = svc.client.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-00495", Version: "1999"})
	if code(err) != codes.NotFound {
		t.Fatalf("GetTitle(unknown version) = %v; want NotFound", err)
	}
	_, err = svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: "x"})
	if code(err) != codes.Unauthenticated {
		t.Fatalf("GetRecord without token = %v; want Unauthenticated", err)
	}
}

func TestImportTitle(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.start(t)
	req := &certificationv1.ImportTitleRequest{ReferentielYaml: importYAML, SourceName: "tp-09999.yaml"}

	denied := []struct {
		name string
		call func() error
		want codes.Code
	}{
		{"without token", func() error { _, err := svc.client.ImportTitle(t.Context(), req); return err }, codes.Unauthenticated},
		{"by a centre", func() error {
			_, err := svc.client.ImportTitle(t.Context(), req, e.as(t, "centre-user", auth.RoleCentre))
			return err
		}, codes.PermissionDenied},
	}
	for _, d := range denied {
		if err := d.call(); code(err) != d.want {
			t.Fatalf("ImportTitle %s = %v; want %v", d.name, err, d.want)
		}
	}

	ministry := e.as(t, "officer", auth.RoleMinistry)
	resp, err := svc.client.ImportTitle(t.Context(), req, ministry)
	if err != nil || !resp.GetCreated() || resp.GetTitle().GetId() != "TP-09999" {
		t.Fatalf("ImportTitle by ministry = %v, %v; want TP-09999 created", resp, err)
	}
	again, err := svc.client.ImportTitle(t.Context(), req, ministry)
	if err != nil || again.GetCreated() {
		t.Fatalf("ImportTitle again = %v, %v; want not created", again, err)
	}
	changed := &certificationv1.ImportTitleRequest{ReferentielYaml: strings.Replace(importYAML, "Titre importé", "Titre changé", 1)}
	if _, err := svc.client.ImportTitle(t.Context(), changed, ministry); code(err) != codes.FailedPrecondition {
		t.Fatalf("ImportTitle with other content = %v; want FailedPrecondition", err)
	}
	tooBig := &certificationv1.ImportTitleRequest{ReferentielYaml: importYAML + "# " + strings.Repeat("x", 1<<20) + "\n"}
	if _, err := svc.client.ImportTitle(t.Context(), tooBig, ministry); code(err) != codes.InvalidArgument {
		t.Fatalf("ImportTitle over 1 MiB = %v; want InvalidArgument", err)
	}

	eventually(t, "TitleVersionPublished of the import in TITREPRO_CERTIFICATION", func() error {
		if n := countTitleEvents(e.titleEvents(t), "TP-09999", "2026"); n != 1 {
			return fmt.Errorf("%d events for TP-09999", n)
		}
		return nil
	})
	if n := countTitleEvents(e.titleEvents(t), "TP-00495", "2008"); n != 1 {
		t.Fatalf("%d events for TP-00495; want 1", n)
	}
	if _, err := svc.client.GetTitle(t.Context(), &certificationv1.GetTitleRequest{TitleId: "TP-09999"}); err != nil {
		t.Fatalf("GetTitle(imported) = %v", err)
	}
}

// TestRestartPublishesNoSecondEvent restarts the service on the same
// database: the catalogue is already there, so the load publishes nothing.
func TestRestartPublishesNoSecondEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	first := e.start(t)
	eventually(t, "first start publishes TP-00495", func() error {
		if n := countTitleEvents(e.titleEvents(t), "TP-00495", "2008"); n != 1 {
			return fmt.Errorf("%d events", n)
		}
		return nil
	})
	first.stop()

	second := e.start(t)
	// The relay publishes in commit order: once the import's event is in the
	// stream, any event the restart had written would be there too.
	req := &certificationv1.ImportTitleRequest{ReferentielYaml: importYAML}
	if _, err := second.client.ImportTitle(t.Context(), req, e.as(t, "officer", auth.RoleMinistry)); err != nil {
		t.Fatalf("ImportTitle: %v", err)
	}
	eventually(t, "import event published", func() error {
		if n := countTitleEvents(e.titleEvents(t), "TP-09999", "2026"); n != 1 {
			return fmt.Errorf("%d events", n)
		}
		return nil
	})
	if n := countTitleEvents(e.titleEvents(t), "TP-00495", "2008"); n != 1 {
		t.Fatalf("%d events for TP-00495 after a restart; want 1", n)
	}
}

func TestNewRefusesBadReferentials(t *testing.T) {
	t.Parallel()
	seed, err := os.ReadFile("../../referentiels/tp-00495-tsgeri.yaml")
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	tests := []struct {
		name  string
		first fstestFS // loaded by a first, successful start; nil for none
		refs  fstestFS
		want  []string
	}{
		{
			name: "broken YAML names file, line and field",
			refs: fstestFS{"broken.yaml": strings.Replace(importYAML, "level: 4", "level: quatre", 1)},
			want: []string{"broken.yaml:4: level"},
		},
		{
			name:  "a published version changed on disk names file and version",
			first: fstestFS{"tp-00495-tsgeri.yaml": string(seed)},
			refs:  fstestFS{"tp-00495-tsgeri.yaml": strings.Replace(string(seed), "status: ACTIVE", "status: CLOSED", 1)},
			want:  []string{"tp-00495-tsgeri.yaml", "TP-00495 version 2008", "TITLE_VERSION_IMMUTABLE"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			if tt.first != nil {
				svc, err := e.newService(t, tt.first.fs())
				if err != nil {
					t.Fatalf("first New: %v", err)
				}
				if err := svc.Close(); err != nil {
					t.Fatalf("Close: %v", err)
				}
			}
			_, err := e.newService(t, tt.refs.fs())
			if err == nil {
				t.Fatal("New() = nil error; want the service to refuse to start")
			}
			t.Logf("New() refused: %v", err)
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("New() error %q does not contain %q", err, w)
				}
			}
		})
	}
}

type fstestFS map[string]string

func (m fstestFS) fs() fstest.MapFS {
	out := fstest.MapFS{}
	for name, data := range m {
		out[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return out
}

func TestHolderProjection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.start(t)
	ministry := e.as(t, "officer", auth.RoleMinistry)
	const id = "0198c0de-0000-7000-8000-0000000000aa"
	getRecord := func() (*certificationv1.CertificationRecord, error) {
		resp, err := svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: id}, ministry)
		return resp.GetRecord(), err
	}

	e.publishCandidate(t, "titrepro.candidate.v1.candidate_registered",
		registered("ev-1", id, "sub-anne", 1, "Martin"), "ev-1", "ev-1", id)
	eventually(t, "record appears", func() error {
		_, err := getRecord()
		return err
	})
	rec, _ := getRecord()
	h := rec.GetHolder()
	if rec.GetCandidateId() != id || h.GetBirthName() != "Martin" || h.GetSubject() != "sub-anne" ||
		strings.Join(h.GetGivenNames(), " ") != "Anne Marie" || h.GetBirthCommune() != "Lyon" ||
		h.GetBirthCountryCode() != "FR" || h.GetBirthDate() != "1990-05-17" || h.GetSourceVersion() != 1 {
		t.Fatalf("record = %v", rec)
	}

	// The person reads their own record; another candidate may not, and
	// an unknown id looks the same to them.
	if _, err := svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: id},
		e.as(t, "sub-anne", auth.RoleCandidate)); err != nil {
		t.Fatalf("GetRecord by the holder = %v", err)
	}
	for _, other := range []string{id, "unknown"} {
		_, err := svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: other},
			e.as(t, "sub-bob", auth.RoleCandidate))
		if code(err) != codes.PermissionDenied {
			t.Fatalf("GetRecord(%s) by another candidate = %v; want PermissionDenied", other, err)
		}
	}
	if _, err := svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: "unknown"}, ministry); code(err) != codes.NotFound {
		t.Fatalf("GetRecord(unknown) by ministry = %v; want NotFound", err)
	}

	// The same event again, past JetStream's de-duplication (another
	// Nats-Msg-Id), then version 3, then version 2 arriving late.
	e.publishCandidate(t, "titrepro.candidate.v1.candidate_registered",
		registered("ev-1", id, "sub-anne", 1, "Martin"), "ev-1", "ev-1-redelivered", id)
	e.publishCandidate(t, "titrepro.candidate.v1.candidate_updated",
		updated("ev-3", id, "sub-anne", 3, "Durand"), "ev-3", "ev-3", id)
	last := e.publishCandidate(t, "titrepro.candidate.v1.candidate_updated",
		updated("ev-2", id, "sub-anne", 2, "Petit"), "ev-2", "ev-2", id)
	e.waitProcessed(t, last)

	rec, err := getRecord()
	if err != nil || rec.GetHolder().GetSourceVersion() != 3 || rec.GetHolder().GetBirthName() != "Durand" {
		t.Fatalf("record after out-of-order events = %v, %v; want version 3 (Durand)", rec, err)
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cfg, err := certification.LoadConfig(env(nil))
	if err != nil {
		t.Fatalf("LoadConfig(defaults) = %v", err)
	}
	want := certification.Config{GRPCAddr: "127.0.0.1:9094", DatabaseURL: "sqlite://var/certification.db",
		ShutdownTimeout: certification.DefaultShutdownTimeout, ReferentielsDir: "referentiels",
		SigningKeyFile: "var/certificate-ed25519.pem", RetiredKeysFile: "var/certificate-keys-retired.json",
		PublicURL: "http://localhost:8080", AppealDeadlineMonths: 2}
	if cfg != want {
		t.Fatalf("LoadConfig(defaults) = %+v; want %+v", cfg, want)
	}
	cfg, err = certification.LoadConfig(env(map[string]string{
		"GRPC_ADDR": ":1", "DATABASE_URL": "postgres://x", "SHUTDOWN_TIMEOUT": "3s", "REFERENTIELS_DIR": "/srv/refs",
		"CERTIFICATE_KEY_FILE": "/srv/keys/cert.pem", "CERTIFICATE_RETIRED_KEYS_FILE": "/srv/keys/retired.json",
		"PUBLIC_URL": "https://titrepro.example.fr/"}))
	if err != nil || cfg.GRPCAddr != ":1" || cfg.DatabaseURL != "postgres://x" || cfg.ShutdownTimeout.String() != "3s" ||
		cfg.ReferentielsDir != "/srv/refs" || cfg.SigningKeyFile != "/srv/keys/cert.pem" || cfg.RetiredKeysFile != "/srv/keys/retired.json" ||
		cfg.PublicURL != "https://titrepro.example.fr" {
		t.Fatalf("LoadConfig(set) = %+v, %v", cfg, err)
	}
	_, err = certification.LoadConfig(env(map[string]string{"SHUTDOWN_TIMEOUT": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "SHUTDOWN_TIMEOUT") {
		t.Fatalf("LoadConfig(bad timeout) = %v; want an error naming SHUTDOWN_TIMEOUT", err)
	}
	_, err = certification.LoadConfig(env(map[string]string{"SHUTDOWN_TIMEOUT": "-1s"}))
	if err == nil {
		t.Fatal("LoadConfig(negative timeout) = nil error")
	}
}

func TestR61_AppealDeadlineIsConfigured(t *testing.T) {
	t.Parallel()
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "APPEAL_DEADLINE_MONTHS" {
				return v
			}
			return ""
		}
	}
	for _, tt := range []struct {
		value string
		want  int
		bad   bool
	}{
		{"", 2, false}, {"4", 4, false}, {"1", 1, false}, {"24", 24, false},
		{"0", 0, true}, {"25", 0, true}, {"two", 0, true}, {"-2", 0, true},
	} {
		cfg, err := certification.LoadConfig(env(tt.value))
		switch {
		case tt.bad && (err == nil || !strings.Contains(err.Error(), "APPEAL_DEADLINE_MONTHS")):
			t.Errorf("APPEAL_DEADLINE_MONTHS=%q: %v; want an error naming it", tt.value, err)
		case !tt.bad && (err != nil || cfg.AppealDeadlineMonths != tt.want):
			t.Errorf("APPEAL_DEADLINE_MONTHS=%q: %d, %v; want %d", tt.value, cfg.AppealDeadlineMonths, err, tt.want)
		}
	}
}
