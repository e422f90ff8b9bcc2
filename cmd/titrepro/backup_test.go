package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// downloadDocument reads a snapshot's document through the REST gateway.
func downloadDocument(t *testing.T, w *workflow, dossierID, snapshotID, documentID string) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", w.c.base+"/v1/dossiers/"+dossierID+"/documents/"+documentID+"/content?snapshot_id="+snapshotID, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+w.tokens[asCandidate])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("download = %d, %v: %s", resp.StatusCode, err, body)
	}
	return body
}

// eventIDs returns the ce-id of every message of a stream.
func eventIDs(t *testing.T, cfg config, stream string) map[string]bool {
	t.Helper()
	ids := map[string]bool{}
	for _, m := range streamMessages(t, cfg, stream) {
		ids[m.Header.Get("ce-id")] = true
	}
	return ids
}

// A backup taken while the server runs, mid-workflow and under writes,
// restores into a new data folder on which the all-in-one finds every
// record, serves every document with the same bytes, still verifies every
// certificate, and carries on with the workflow: the events of the
// restored outboxes are published again and the consumers skip what they
// had applied.
func TestBackupRestoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)

	// Finished: a titre and its certificate.
	w1 := newTestWorkflow(t, s)
	done, err := runFullSession(ctx, w1)
	if err != nil {
		t.Fatal(err)
	}
	// Mid-workflow: a second candidate's dossier is submitted for a
	// session whose jury has not met.
	w2 := newTestWorkflow(t, s)
	candidate2, err := w2.registerCandidate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	session2, err := w2.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	if err != nil {
		t.Fatal(err)
	}
	candidacy2, err := w2.registerCandidacy(ctx, session2, candidate2, nil)
	if err != nil {
		t.Fatal(err)
	}
	dossier2, err := w2.prepareDossier(ctx, candidate2)
	if err != nil {
		t.Fatal(err)
	}
	snapshot2, err := w2.submitDossier(ctx, dossier2, session2, candidacy2)
	if err != nil {
		t.Fatal(err)
	}
	doc := snapshot2.GetContent().GetDocuments()[0]
	content := downloadDocument(t, w2, dossier2, snapshot2.GetId(), doc.GetId())
	streams := []string{"TITREPRO_CANDIDATE", "TITREPRO_ASSESSMENT", "TITREPRO_PORTFOLIO", "TITREPRO_CERTIFICATION"}
	before := map[string]map[string]bool{}
	for _, st := range streams {
		before[st] = eventIDs(t, cfg, st)
	}

	// Candidates keep registering while the backup runs.
	stopLoad := make(chan struct{})
	var load sync.WaitGroup
	var loadErr error
	load.Go(func() {
		for {
			select {
			case <-stopLoad:
				return
			default:
			}
			w := newTestWorkflow(t, s)
			if _, err := w.registerCandidate(ctx); err != nil {
				loadErr = err
				return
			}
		}
	})
	backupDir := filepath.Join(t.TempDir(), "backup")
	err = backup(ctx, cfg, []string{backupDir}, io.Discard)
	close(stopLoad)
	load.Wait()
	if err != nil {
		t.Fatalf("backup of the running server: %v", err)
	}
	if loadErr != nil {
		t.Fatalf("a write failed during the backup: %v", loadErr)
	}
	sums, err := os.ReadFile(filepath.Join(backupDir, manifestName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"  candidate.db\n", "  certification.db\n", "  assessment.db\n", "  portfolio.db\n",
		"  certificate-ed25519.pem\n", "  blobs/sha256/" + doc.GetSha256() + "\n"} {
		if !strings.Contains(string(sums), want) {
			t.Errorf("%s lacks %q:\n%s", manifestName, want, sums)
		}
	}
	if strings.Contains(string(sums), "jetstream") || strings.Contains(string(sums), "-wal") {
		t.Errorf("%s holds the JetStream store or a WAL file:\n%s", manifestName, sums)
	}

	// Restore refuses a folder that is not empty, and touches nothing.
	if err := restore(ctx, cfg, []string{backupDir}, io.Discard); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into the live data folder = %v; want a refusal", err)
	}
	restored := cfg
	restored.DataDir = filepath.Join(t.TempDir(), "restored")
	if err := restore(ctx, restored, []string{backupDir}, io.Discard); err != nil {
		t.Fatalf("restore: %v", err)
	}

	// The restored data folder replaces the lost one, on the same host.
	s.stop()
	s = startServer(t, restored)
	for _, w := range []*workflow{w1, w2} {
		w.c = newRESTClient(s.base, nil)
	}

	for _, c := range []struct {
		w  *workflow
		id string
	}{{w1, done.candidateID}, {w2, candidate2}} {
		if err := c.w.call(ctx, asCandidate, "GET", "/v1/candidates/"+c.id, nil, &candidatev1.GetCandidateResponse{}); err != nil {
			t.Errorf("candidate %s after restore: %v", c.id, err)
		}
	}
	gotSnap := &portfoliov1.GetSnapshotResponse{}
	if err := w2.call(ctx, asCandidate, "GET", "/v1/dossiers/"+dossier2+"/snapshots/"+snapshot2.GetId(), nil, gotSnap); err != nil ||
		gotSnap.GetSnapshot().GetManifestHash() != snapshot2.GetManifestHash() {
		t.Fatalf("snapshot after restore = %v, %v", gotSnap.GetSnapshot(), err)
	}
	after := downloadDocument(t, w2, dossier2, snapshot2.GetId(), doc.GetId())
	if sum := sha256.Sum256(after); !bytes.Equal(after, content) || hex.EncodeToString(sum[:]) != doc.GetSha256() {
		t.Fatalf("document after restore differs: %d bytes, want %d", len(after), len(content))
	}
	if v, err := w1.verify(ctx, done.certificate); err != nil || !v.GetValid() || !v.GetSignatureValid() {
		t.Fatalf("certificate %s after restore = %v, %v; want valid", done.certificate, v, err)
	}

	// Every event of the backup is in the rebuilt streams, under its id.
	if err := waitFor(ctx, "the restored outboxes to be published again", func() (bool, error) {
		for _, st := range streams {
			now := eventIDs(t, restored, st)
			for id := range before[st] {
				if !now[id] {
					return false, nil
				}
			}
		}
		return true, nil
	}); err != nil {
		t.Fatal(err)
	}

	// The workflow carries on where the backup left it.
	scope := w2.ccpCodes()
	if err := w2.open(ctx, session2); err != nil {
		t.Fatal(err)
	}
	if err := w2.evaluate(ctx, session2, candidacy2, scope, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.deliberate(ctx, session2, candidacy2, scope, nil); err != nil {
		t.Fatal(err)
	}
	minutes, err := w2.signMinutes(ctx, session2)
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.validate(ctx, session2, minutes.GetContentHash()); err != nil {
		t.Fatal(err)
	}
	certs, err := w2.certificates(ctx, candidate2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if certs[0].GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE {
		t.Fatalf("certificate after restore = %v; want a titre", certs[0])
	}
	if v, err := w2.verify(ctx, certs[0].GetNumber()); err != nil || !v.GetValid() {
		t.Fatalf("new certificate = %v, %v; want valid", v, err)
	}
	// Candidate 1 still holds exactly one certificate: nothing applied twice.
	again, err := w1.certificates(ctx, done.candidateID, 1)
	if err != nil || len(again) != 1 {
		t.Fatalf("candidate 1 certificates after restore = %v, %v; want exactly one", again, err)
	}
}

// Restore checks the whole backup before writing anything: a changed,
// missing or extra file, or no manifest, refuses it.
func TestRestoreRefusesABackupThatDoesNotMatchItsManifest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	makeBackup := func(t *testing.T) string {
		dir := t.TempDir()
		files := map[string]string{"candidate.db": "db bytes", "certificate-ed25519.pem": "key", "blobs/sha256/x": "content"}
		var m manifest
		for rel, data := range files {
			p := filepath.Join(dir, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
				t.Fatal(err)
			}
			if rel != "candidate.db" { // not a real database: keep restore off it
				if err := m.add(dir, rel); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := os.Remove(filepath.Join(dir, "candidate.db")); err != nil {
			t.Fatal(err)
		}
		if err := m.write(dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	tests := []struct {
		name   string
		damage func(dir string) error
		want   string
	}{
		{"a changed file", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "certificate-ed25519.pem"), []byte("KEY"), 0o600)
		}, "the manifest says"},
		{"a missing file", func(dir string) error { return os.Remove(filepath.Join(dir, "blobs/sha256/x")) }, "blobs/sha256/x"},
		{"an extra file", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "extra.pem"), nil, 0o600)
		}, "not listed"},
		{"no manifest", func(dir string) error { return os.Remove(filepath.Join(dir, manifestName)) }, "incomplete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := makeBackup(t)
			cfg := config{DataDir: filepath.Join(t.TempDir(), "data")}
			if err := restore(ctx, cfg, []string{dir}, io.Discard); err != nil {
				t.Fatalf("restore of the intact backup: %v", err)
			}
			if err := tt.damage(dir); err != nil {
				t.Fatal(err)
			}
			cfg.DataDir = filepath.Join(t.TempDir(), "data")
			err := restore(ctx, cfg, []string{dir}, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("restore = %v; want a refusal mentioning %q", err, tt.want)
			}
			if _, err := os.Stat(cfg.DataDir); !os.IsNotExist(err) {
				t.Fatalf("the refused restore wrote %s (%v)", cfg.DataDir, err)
			}
		})
	}
}
