package web

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/fieldmaskpb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// candidateID returns the id of p's candidate record.
func (s *stack) candidateID(t testing.TB, p candidatePerson) string {
	t.Helper()
	list, err := s.cand.ListCandidates(p.ctx(t), &candidatev1.ListCandidatesRequest{})
	if err != nil || len(list.GetCandidates()) != 1 {
		t.Fatalf("candidate records of %s: %v", p.Subject, err)
	}
	return list.GetCandidates()[0].GetId()
}

// completeDossier writes, through gRPC, an example for every activity
// type (the first without its unit when holeInFirst) and the sworn
// statement.
func (s *stack) completeDossier(t testing.TB, owner candidatePerson, id string, holeInFirst bool) {
	t.Helper()
	d := s.dossierOf(t, owner, id)
	update := &portfoliov1.Dossier{Id: id, Etag: d.GetEtag(), SwornStatement: &portfoliov1.SwornStatement{
		SignerName: "Camille Durand", Place: "Lyon", Date: time.Now().In(paris).Format(time.DateOnly),
	}}
	for i, ccp := range s.title(t).GetCcps() {
		unit := "Service informatique"
		if i == 0 && holeInFirst {
			unit = ""
		}
		update.Examples = append(update.Examples, &portfoliov1.PracticeExample{
			CcpCode: ccp.GetCode(), Title: "Exemple pour " + ccp.GetCode(),
			Tasks: "Migration du serveur de fichiers.", Means: "Windows Server.", Collaborators: "Responsable informatique.",
			Context: &portfoliov1.PracticeContext{Organisation: "Transports Rhône SA", Unit: unit, PeriodFrom: "2025-01-06", PeriodTo: "2025-06-27"},
		})
	}
	_, err := s.port.UpdateDossier(owner.ctx(t), &portfoliov1.UpdateDossierRequest{
		Dossier: update, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"examples", "sworn_statement"}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// submitUntilKnown posts the submission form until the portfolio service
// knows the session and the candidacy (an event away), and returns the
// first answer that is not "not known yet".
func (s *stack) submitUntilKnown(t testing.TB, c *http.Client, base string, values url.Values) page {
	t.Helper()
	var p page
	waitUntil(t, "the session to reach the portfolio service", func() bool {
		form := get(t, c, s.srv.URL+base+"/depot")
		values.Set("request_id", requestIDOf(t, form.body))
		p = s.postForm(t, c, base+"/depot", csrfOf(t, form.body), values)
		return p.status != http.StatusUnprocessableEntity || strings.Contains(p.body, "Ce qu’il reste à compléter")
	})
	return p
}

func TestCandidateSubmitsAfterTheCompletenessCheck(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me, c, id := s.newDossier(t)
	base := "/candidat/dossier/" + id
	title := s.title(t)

	// No candidacy yet: the page explains the rules and who registers.
	p := get(t, c, s.srv.URL+base+"/depot")
	if p.status != 200 || !strings.Contains(p.body, "Aucune session ouverte au dépôt") {
		t.Fatalf("submission page without a session: %d", p.status)
	}
	for _, w := range []string{"règle R35", "règle R36", "règle R38", "règle R42"} {
		if !strings.Contains(p.body, w) {
			t.Errorf("the page does not explain %s", w)
		}
	}

	session := s.planWithJury(t, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
	candidacy := s.registerCandidacy(t, session.centre, session.id, s.candidateID(t, me))
	choice := session.id + "|" + candidacy
	p = get(t, c, s.srv.URL+base+"/depot")
	if !strings.Contains(p.body, `value="`+choice+`" checked`) || !strings.Contains(p.body, "AFPA Lyon Vénissieux") || !strings.Contains(p.body, "Vérifier et déposer le dossier") {
		t.Fatalf("the submission page does not offer the candidacy:\n%s", p.body)
	}
	// No session chosen.
	if p := s.postForm(t, c, base+"/depot", csrfOf(t, p.body), url.Values{"request_id": {requestIDOf(t, p.body)}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "Choisissez la session") || !strings.Contains(p.body, `href="#candidature-1"`) {
		t.Errorf("no session chosen: %d", p.status)
	}

	// An empty dossier: nothing is submitted; every missing item is
	// listed under its rule, with a link to where it is completed.
	p = s.submitUntilKnown(t, c, base, url.Values{"candidacy": {choice}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Votre dossier n’est pas encore complet") {
		t.Fatalf("empty dossier: %d\n%s", p.status, p.body)
	}
	for _, ccp := range title.GetCcps() {
		want := `<a href="` + base + `/exemple?ccp=` + ccp.GetCode() + `">Activité type ` + ccp.GetCode() + " — " + html.EscapeString(ccp.GetLabel()) + ` : ajoutez d’un à trois exemples.</a>`
		if !strings.Contains(p.body, want) {
			t.Errorf("the check does not list the examples missing for %s", ccp.GetCode())
		}
	}
	for _, w := range []string{
		"D’un à trois exemples par activité type", "La déclaration sur l’honneur complétée",
		`<a href="` + base + `/declaration#signataire">Déclaration sur l’honneur : le nom du signataire — à remplir.</a>`,
		`<a href="` + base + `/declaration#date-signature">Déclaration sur l’honneur : la date de signature — à remplir.</a>`,
	} {
		if !strings.Contains(p.body, w) {
			t.Errorf("the check lacks %q", w)
		}
	}
	if strings.Contains(p.body, "règle R36</span>") {
		t.Error("the check names R36 with no example")
	}

	// One field left empty in one example (R36): named, with its link.
	s.completeDossier(t, me, id, true)
	p = s.submitUntilKnown(t, c, base, url.Values{"candidacy": {choice}})
	first := s.dossierOf(t, me, id).GetExamples()[0]
	want := `<a href="` + base + `/exemple/` + first.GetId() + `#service">Exemple « Exemple pour CCP1 » (CCP1) : rubrique 4, le chantier, l’atelier ou le service — à remplir.</a>`
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, want) || !strings.Contains(p.body, "Chaque exemple entièrement décrit") {
		t.Fatalf("one field missing: %d\n%s", p.status, p.body)
	}
	if strings.Contains(p.body, "règle R35</span>") || strings.Contains(p.body, "règle R38</span>") {
		t.Error("the check lists rules the dossier meets")
	}
	// « Vérifier sans déposer » finds the same item, and says so the same way.
	if p := s.submitUntilKnown(t, c, base, url.Values{"candidacy": {choice}, "action": {"verifier"}}); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, want) {
		t.Errorf("check only, one field missing: %d", p.status)
	}
	if snaps, _ := s.port.ListSnapshots(me.ctx(t), &portfoliov1.ListSnapshotsRequest{DossierId: id}); len(snaps.GetSnapshots()) != 0 {
		t.Fatal("an incomplete dossier was submitted")
	}

	// Complete: submitted, and the receipt says what was frozen.
	s.completeDossier(t, me, id, false)
	if p := s.upload(t, c, uploadForm(t, get(t, c, s.srv.URL+base+"/documents").body), "ILLUSTRATIVE", "procédure.pdf", samplePDF, false); p.status != http.StatusSeeOther {
		t.Fatalf("upload: %d", p.status)
	}
	// Checked without submitting: complete, and still nothing submitted.
	p = s.submitUntilKnown(t, c, base, url.Values{"candidacy": {choice}, "action": {"verifier"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Votre dossier est complet") {
		t.Fatalf("check only, complete dossier: %d\n%s", p.status, p.body)
	}
	if snaps, _ := s.port.ListSnapshots(me.ctx(t), &portfoliov1.ListSnapshotsRequest{DossierId: id}); len(snaps.GetSnapshots()) != 0 {
		t.Fatal("checking the dossier submitted it")
	}
	p = s.submitUntilKnown(t, c, base, url.Values{"candidacy": {choice}})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.header.Get("Location"), base+"/depots/") {
		t.Fatalf("complete dossier: %d\n%s", p.status, p.body)
	}
	receipt := get(t, c, s.srv.URL+p.header.Get("Location"))
	snaps, err := s.port.ListSnapshots(me.ctx(t), &portfoliov1.ListSnapshotsRequest{DossierId: id})
	if err != nil || len(snaps.GetSnapshots()) != 1 {
		t.Fatalf("snapshots: %v", err)
	}
	snap := snaps.GetSnapshots()[0]
	for _, w := range []string{"Votre dossier a bien été déposé", snap.GetManifestHash(), "procédure.pdf", "AFPA Lyon Vénissieux", "Session titre"} {
		if !strings.Contains(receipt.body, w) {
			t.Errorf("receipt lacks %q", w)
		}
	}
	if snap.GetCandidacyId() != candidacy || snap.GetSessionId() != session.id {
		t.Errorf("submitted onto %s/%s", snap.GetSessionId(), snap.GetCandidacyId())
	}

	// The sessions page shows it submitted, with the receipt.
	waitUntil(t, "the snapshot to reach the candidacy", func() bool {
		p := get(t, c, s.srv.URL+"/candidat/sessions")
		return strings.Contains(p.body, "Déposé le") && strings.Contains(p.body, base+"/depots/"+snap.GetId())
	})
	p = get(t, c, s.srv.URL+"/candidat/sessions")
	for _, w := range []string{html.EscapeString(title.GetLabel()), "Session titre (tout le titre)", "Planifiée", "CCP1, CCP2, CCP3", "Déposer une nouvelle version du dossier"} {
		if !strings.Contains(p.body, w) {
			t.Errorf("sessions page lacks %q", w)
		}
	}
	// The submission page lists the earlier submission, and says a new
	// one replaces it.
	p = get(t, c, s.srv.URL+base+"/depot")
	if !strings.Contains(p.body, "Mes dépôts précédents") || !strings.Contains(p.body, "un nouveau dépôt le remplace") {
		t.Error("the submission page does not show the earlier submission")
	}
}

func TestCandidateSessionsPageWithoutSessions(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	me := s.newPerson(t, "candidate", "")
	s.registerCandidate(t, me.Principal, candidateRecord("Durand", "Camille"))
	p := get(t, s.browserOf(t, me), s.srv.URL+"/candidat/sessions")
	if p.status != 200 || !strings.Contains(p.body, "Aucune session pour le moment") {
		t.Errorf("no sessions: %d", p.status)
	}
}
