package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// TestDreetsKeepsTheRegisters: the DREETS officer records an agrément and
// a habilitation through the registers page, sees the service's refusals
// next to the fields (R9 aside: the shipped title has no end; R17), and
// withdraws an entry with a reason. Other roles do not reach the page.
func TestDreetsKeepsTheRegisters(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	officer := auth.Principal{Subject: "agent-dreets", Roles: []auth.Role{auth.RoleMinistry}}
	c := s.browserAs(t, officer)
	base, path := s.srv.URL, "/dreets/registres"
	title := s.title(t)
	key := title.GetId() + "|" + title.GetVersion()
	today := time.Now().In(paris)
	day := func(years int) string { return today.AddDate(years, 0, 0).Format(time.DateOnly) }

	empty := get(t, c, base+path)
	centreMust(t, "empty registers", empty, http.StatusOK, "Aucun agrément n’est enregistré.", "Aucun juré n’est encore habilité.",
		`value="`+key+`"`, "Enregistrer l’agrément", "Habiliter le juré")
	for _, p := range []auth.Principal{centrePrincipal("CENTRE-69-001"), {Subject: "jure", Roles: []auth.Role{auth.RoleJuror}}} {
		if got := get(t, s.browserAs(t, p), base+path); got.status != http.StatusForbidden && got.status != http.StatusNotFound {
			t.Errorf("%s reaches the registers: %d", p.Subject, got.status)
		}
	}

	// An agrément: a field left empty is shown next to it; then recorded.
	agr := url.Values{"action": {"agrement"}, "agr-id": {"AGR-69-2026-001"}, "agr-centre": {"CENTRE-69-001"}, "agr-titre": {key},
		"agr-site": {""}, "agr-debut": {day(0)}, "agr-fin": {day(2)}}
	p := centreSubmit(t, c, base, path, path, agr)
	centreMust(t, "agrément without site", p, http.StatusUnprocessableEntity, `href="#agr-site"`, `value="AGR-69-2026-001"`)
	agr.Set("agr-site", "AFPA Lyon Vénissieux")
	p = centreSubmit(t, c, base, path, path, agr)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != path+"?fait=agrement" {
		t.Fatalf("grant agrément: %d %q\n%s", p.status, p.header.Get("Location"), centreExcerpt(p.body))
	}
	got, err := s.cert.GetAgrement(t.Context(), &certificationv1.GetAgrementRequest{AgrementId: "AGR-69-2026-001"}, s.as(t, officer))
	if err != nil || got.GetAgrement().GetSite() != "AFPA Lyon Vénissieux" {
		t.Fatalf("the agrément as recorded: %v, %v", got, err)
	}

	// A habilitation: R17 refused (two years), then recorded.
	hab := url.Values{"action": {"habilitation"}, "hab-numero": {"HAB-69-0042"}, "hab-sujet": {"jure-claire"}, "hab-nom": {"Claire Martin"},
		"hab-courriel": {"claire.martin@example.org"}, "hab-titre": {title.GetId()}, "hab-debut": {day(0)}, "hab-fin": {day(3)},
		"hab-categorie": {"PROFESSIONAL"}, "hab-annees": {"2"}}
	p = centreSubmit(t, c, base, path, path, hab)
	centreMustRefuse(t, "R17", p, http.StatusBadRequest, "trois ans", "R17")
	centreMust(t, "R17 keeps the form", p, http.StatusBadRequest, `value="Claire Martin"`)
	hab.Set("hab-annees", "6")
	hab.Set("hab-formateur", "1")
	p = centreSubmit(t, c, base, path, path, hab)
	if p.status != http.StatusSeeOther {
		t.Fatalf("grant habilitation: %d\n%s", p.status, centreExcerpt(p.body))
	}
	p = get(t, c, base+p.header.Get("Location"))
	centreMust(t, "registers", p, http.StatusOK, "L’habilitation est enregistrée", `data-agrement="AGR-69-2026-001"`,
		`data-habilitation="HAB-69-0042"`, "Claire Martin", "Retirer l’habilitation HAB-69-0042")
	if strings.Contains(p.body, "claire.martin@example.org") {
		t.Error("the register list shows the juror's e-mail")
	}

	// A withdrawal needs its reason.
	withdraw := url.Values{"action": {"retirer-agrement"}, "id": {"AGR-69-2026-001"}, "motif": {""}}
	centreMust(t, "withdrawal without reason", centreSubmit(t, c, base, path, path, withdraw), http.StatusUnprocessableEntity)
	withdraw.Set("motif", "Plateau technique fermé")
	if p = centreSubmit(t, c, base, path, path, withdraw); p.status != http.StatusSeeOther {
		t.Fatalf("withdraw: %d\n%s", p.status, centreExcerpt(p.body))
	}
	centreMust(t, "withdrawn", get(t, c, base+path), http.StatusOK, "Retiré : Plateau technique fermé")
	centreMust(t, "unknown action", centreSubmit(t, c, base, path, path, url.Values{"action": {"?"}}), http.StatusBadRequest, "Demande incomprise")
}
