package web

import (
	"net/http"
	"net/url"
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestDreetsRecordsAppeals: the officer records an appeal against a
// certificate from the appeals page (R60): an incomplete one is refused
// next to its fields, a complete one is listed as being examined with its
// deadline (R61); its outcome is then recorded from the list, and a second
// outcome is refused in French.
func TestDreetsRecordsAppeals(t *testing.T) {
	t.Parallel()
	b := startBackend(t)
	srv := b.srv
	officer, csrf := b.signedIn(t, ministry, b.token(t, ministry))
	asMinistry := b.as(t, ministry)
	s := b.signMinutes(t, []person{{Given: "Camille", Birth: "Durand"}}, 2)
	got, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: s.ID}, asMinistry)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.cert.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: s.ID,
		MinutesHash: got.GetResult().GetMinutesHash()}, asMinistry); err != nil {
		t.Fatal(err)
	}
	n := certificatesOf(t, b, s.Candidates[0])[0].GetNumber()
	pageURL := srv.URL + "/dreets/recours"
	contains(t, "the appeals page", get(t, officer, pageURL), `id="formulaire-recours"`, "Aucun recours n’est enregistré", "règle R61")

	p := postForm(t, officer, pageURL, url.Values{CSRFField: {csrf}, "action": {"deposer"}, "recours-nature": {"GRACIEUX"},
		"recours-decision": {"titles/TP-00495"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("an incomplete appeal = %d", p.status)
	}
	contains(t, "the incomplete appeal", p, `id="recours-decision-erreur"`)

	p = postForm(t, officer, pageURL, url.Values{CSRFField: {csrf}, "action": {"deposer"}, "recours-nature": {"HIERARCHIQUE"},
		"recours-decision": {"certificates/" + n}, "recours-requerant": {"Camille Durand"}, "recours-moyens": {"Le nom est mal orthographié."}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dreets/recours?fait=depot" {
		t.Fatalf("appeal = %d %q: %.800s", p.status, p.header.Get("Location"), p.body)
	}
	list, err := b.cert.ListAppeals(t.Context(), &certificationv1.ListAppealsRequest{}, asMinistry)
	if err != nil || len(list.GetAppeals()) != 1 {
		t.Fatalf("appeals = %v, %v", list, err)
	}
	id := list.GetAppeals()[0].GetId()
	contains(t, "the appeal recorded", get(t, officer, pageURL+"?fait=depot"), `id="recours-fait"`, `data-appeal="`+id+`"`,
		"certificates/"+n, "Recours hiérarchique de Camille Durand", "En cours d’examen", `id="issue-`+id+`"`)

	decide := url.Values{CSRFField: {csrf}, "action": {"trancher"}, "id": {id}, "issue": {"UPHELD"},
		"motivation": {"Le nom figure tel qu’à l’état civil transmis."}}
	if p := postForm(t, officer, pageURL, decide); p.status != http.StatusSeeOther {
		t.Fatalf("outcome = %d: %.800s", p.status, p.body)
	}
	contains(t, "the appeal decided", get(t, officer, pageURL+"?fait=issue"), `data-outcome>Décision maintenue<`, "tel qu’à l’état civil")
	p = postForm(t, officer, pageURL, decide)
	if p.status != http.StatusBadRequest {
		t.Errorf("a second outcome = %d; want 400", p.status)
	}
	contains(t, "the second outcome", p, "data-refusal", "Ce recours a déjà été tranché.")
}
