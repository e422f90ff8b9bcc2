package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// cpfSchema is titrepro's XML Schema of the CPF deposit.
var cpfSchema = filepath.Join("..", "..", "services", "certification", "internal", "domain", "cpfdeposit", "testdata", "cpf-deposit.xsd")

var idFluxRE = regexp.MustCompile(`<idFlux>([^<]+)</idFlux>`)

// TestR56_CpfDepositEndToEnd: a titre awarded through the jury workflow is
// exported by `titrepro cpf export` in a file the schema accepts; a KO
// report sends it again in the next file; an OK report leaves nothing to
// export and nothing late.
func TestR56_CpfDepositEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole jury workflow")
	}
	lint, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is not installed (CI needs libxml2-utils)")
		}
		t.Skip("xmllint is not installed (Debian package libxml2-utils)")
	}
	cfg := testConfigEnv(t, t.TempDir(), map[string]string{
		"CPF_EMITTER_CLIENT_ID": "03VML243", "CPF_CERTIFIER_CLIENT_ID": "03VML243", "CPF_CONTRACT_ID": "MCFCER000001",
		"CPF_DEPOSITOR": "CERTIFICATEUR",
	})
	s := startServer(t, cfg)
	ctx := context.Background()
	dir := t.TempDir()

	// The seeded referential has no RNCP number; the deposit needs one:
	// the ministry publishes a version that has it.
	seed, err := os.ReadFile(filepath.Join("..", "..", "referentiels", "tp-00495-tsgeri.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(seed), `version: "2008"`, "version: \"2026\"\nrncp_id: RNCP00495", 1)
	ref := filepath.Join(dir, "tp-00495-2026.yaml")
	if err := os.WriteFile(ref, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := referentiel(ctx, cfg, []string{"import", ref}, &out); err != nil {
		t.Fatalf("import: %v", err)
	}

	w := newTestWorkflow(t, s)
	if w.title.GetRncpId() != "RNCP00495" {
		t.Fatalf("the workflow's title is %s version %s, without the RNCP number", w.title.GetId(), w.title.GetVersion())
	}
	r, err := runFullSession(ctx, w)
	if err != nil {
		t.Fatalf("jury workflow: %v", err)
	}

	cli := func(args ...string) (string, error) {
		var b strings.Builder
		err := cpf(ctx, cfg, args, &b)
		return b.String(), err
	}
	export := func(name string) (file, fluxID string) {
		t.Helper()
		file = filepath.Join(dir, name)
		if _, err := cli("export", file); err != nil {
			t.Fatalf("cpf export: %v", err)
		}
		if b, err := exec.Command(lint, "--noout", "--schema", cpfSchema, file).CombinedOutput(); err != nil {
			t.Fatalf("%s does not validate against the schema: %v\n%s", name, err, b)
		}
		content, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(content), "<idTechnique>TP-"+r.certificate+"</idTechnique>") {
			t.Fatalf("%s does not carry the titre %s:\n%s", name, r.certificate, content)
		}
		m := idFluxRE.FindSubmatch(content)
		if m == nil {
			t.Fatalf("%s has no idFlux", name)
		}
		return file, string(m[1])
	}
	ack := func(name, body string) string {
		t.Helper()
		file := filepath.Join(dir, name)
		if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		got, err := cli("ack", file)
		if err != nil {
			t.Fatalf("cpf ack %s: %v", name, err)
		}
		return got
	}

	_, flux1 := export("deposit-1.xml")
	if _, err := cli("export", filepath.Join(dir, "none.xml")); err == nil || !strings.Contains(err.Error(), "NOTHING_TO_DEPOSIT") {
		t.Fatalf("export while waiting for the report = %v; want NOTHING_TO_DEPOSIT", err)
	}
	got := ack("report-1.xml", `<rapport><idFlux>`+flux1+`</idFlux><PassagesKO><passage><idTechnique>TP-`+r.certificate+
		`</idTechnique><messageErreur>Aucun titulaire ne correspond aux critères obligatoires</messageErreur></passage></PassagesKO></rapport>`)
	if !strings.Contains(got, "0 deposited, 1 rejected") {
		t.Fatalf("cpf ack KO = %q", got)
	}
	_, flux2 := export("deposit-2.xml")
	if flux2 == flux1 {
		t.Fatalf("the second file has the first one's idFlux %s", flux1)
	}
	got = ack("report-2.xml", `<rapport><idFlux>`+flux2+`</idFlux><PassagesOK><idTechnique>TP-`+r.certificate+`</idTechnique></PassagesOK></rapport>`)
	if !strings.Contains(got, "1 deposited, 0 rejected") {
		t.Fatalf("cpf ack OK = %q", got)
	}
	if _, err := cli("export", filepath.Join(dir, "none.xml")); err == nil || !strings.Contains(err.Error(), "NOTHING_TO_DEPOSIT") {
		t.Fatalf("export once deposited = %v; want NOTHING_TO_DEPOSIT", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "none.xml")); !os.IsNotExist(err) {
		t.Fatalf("a refused export wrote a file: %v", err)
	}
	if got, err := cli("late"); err != nil || !strings.Contains(got, "no titre past the day-80 alert") {
		t.Fatalf("cpf late = %q, %v", got, err)
	}
}
