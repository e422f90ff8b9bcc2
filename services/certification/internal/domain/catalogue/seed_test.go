package catalogue

import (
	"os"
	"testing"
	"time"
)

// referentiels is the repository folder of the title files, reached from
// this package folder.
const referentiels = "../../../../../referentiels"

func loadSeed(t *testing.T) TitleVersion {
	t.Helper()
	data, err := os.ReadFile(referentiels + "/tp-00495-tsgeri.yaml")
	if err != nil {
		t.Fatalf("read seed: %v", err)
	}
	tv, err := Parse("tp-00495-tsgeri.yaml", data)
	if err != nil {
		t.Fatalf("Parse seed: %v", err)
	}
	return tv
}

func TestSeedTitle(t *testing.T) {
	t.Parallel()
	tv := loadSeed(t)

	if tv.Code != "TP-00495" || tv.Version != "2008" || tv.ShortLabel != "TSGERI" {
		t.Fatalf("identity = %s %s %s", tv.Code, tv.Version, tv.ShortLabel)
	}
	if tv.Label != "Technicien(ne) supérieur(e) gestionnaire exploitant(e) de ressources informatiques" {
		t.Fatalf("Label = %q", tv.Label)
	}
	if tv.Level != 5 || tv.LevelOld != "III" || tv.NSF != "326u" || tv.Status != StatusActive {
		t.Fatalf("level/nsf/status = %d %q %q %q", tv.Level, tv.LevelOld, tv.NSF, tv.Status)
	}
	if !tv.ValidFrom.Equal(time.Date(2008, 12, 18, 0, 0, 0, 0, time.UTC)) || !tv.ValidTo.IsZero() {
		t.Fatalf("validity = %v .. %v", tv.ValidFrom, tv.ValidTo)
	}
	if tv.RNCPID != "" {
		t.Fatalf("RNCPID = %q, the seed does not give one", tv.RNCPID)
	}

	wantCounts := map[string]int{"CCP1": 6, "CCP2": 8, "CCP3": 6}
	if len(tv.CCPs) != 3 {
		t.Fatalf("want 3 CCPs, got %d", len(tv.CCPs))
	}
	for i, c := range tv.CCPs {
		if c.Order != i+1 || len(c.Competences) != wantCounts[c.Code] {
			t.Fatalf("CCP %s: order %d, %d competences", c.Code, c.Order, len(c.Competences))
		}
	}
	if n := tv.CompetenceCount(); n != 20 {
		t.Fatalf("CompetenceCount = %d, want 20", n)
	}

	// Wording copied verbatim from the seed annex, including "Evaluer"
	// without an accent.
	verbatim := map[string]string{
		"CCP1-C1": "Configurer et maintenir les postes de travail connectés, et optimiser leurs performances.",
		"CCP1-C6": "Utiliser l'anglais dans son activité professionnelle en informatique.",
		"CCP2-C1": "Suivre et optimiser les performances des applications collaboratives (groupware).",
		"CCP2-C8": "Former aux nouveaux outils informatiques les utilisateurs et le personnel informatique.",
		"CCP3-C1": "Evaluer de nouvelles ressources informatiques et participer à leurs choix.",
		"CCP3-C6": "Rechercher et analyser les changements dans l'entreprise, les évolutions technologiques et les modifications du cadre juridique en informatique.",
	}
	got := map[string]string{}
	for _, c := range tv.CCPs {
		for _, k := range c.Competences {
			got[k.Code] = k.Label
		}
	}
	for code, want := range verbatim {
		if got[code] != want {
			t.Errorf("%s = %q, want %q", code, got[code], want)
		}
	}
	ccp3, ok := tv.CcpByCode("CCP3")
	if !ok || ccp3.Label != "Proposer aux décideurs des solutions techniquement et financièrement valides lors des évolutions du système informatique" {
		t.Fatalf("CCP3 = %+v, %v", ccp3, ok)
	}
}

func TestSeedEpreuves(t *testing.T) {
	t.Parallel()
	tv := loadSeed(t)

	titre := tv.EpreuvesFor(SessionTitre)
	if len(titre) != 4 || titre[len(titre)-1].Kind != EpreuveEntretienFinal {
		t.Fatalf("session titre épreuves = %+v, want 4 ending with the entretien final (R43)", titre)
	}
	for _, e := range tv.EpreuvesFor(SessionCCP) {
		if e.Kind == EpreuveEntretienFinal {
			t.Fatal("a CCP session must not hold the entretien final (R43)")
		}
	}
	for _, e := range tv.Epreuves {
		if _, known := e.Duration(); known {
			t.Fatalf("%s has a duration; TSGERI durations are not known [NF]", e.Kind)
		}
	}
}

// TestSeedContentHashIsPinned guards the canonical form: stored hashes of
// published versions are compared with it on every load, so a change of the
// canonical encoding (or an edit of the published seed) must be deliberate.
func TestSeedContentHashIsPinned(t *testing.T) {
	t.Parallel()
	const want = "b827c02c5179ed9f22982f5d1b67ded5a09b15e646ca72a26da9e1bcbac2e126"
	hash, err := loadSeed(t).ContentHash()
	if err != nil {
		t.Fatalf("ContentHash: %v", err)
	}
	if hash != want {
		t.Fatalf("seed content hash = %s, want %s", hash, want)
	}
}
