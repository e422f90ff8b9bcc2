package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
)

// lastDayFR is the last day, inclusive, of a ban of months notified on
// from, as the pages write it.
func lastDayFR(t *testing.T, from civildate.Date, months int) string {
	t.Helper()
	end, err := time.Parse(time.DateOnly, from.AddMonths(months).String())
	if err != nil {
		t.Fatal(err)
	}
	return CivilDateFR(end.AddDate(0, 0, -1).Format(time.DateOnly))
}

// TestDreetsPronouncesSanctions: the officer finds a candidate by the id
// of their record, pronounces a ban (R58) from the sanctions page: an
// incomplete or too long one is refused next to its fields in French, a
// complete one is confirmed and listed « du … au … inclus » with a past
// ban; the candidate reads the ban in force at the top of their space
// with its reference and motivation, another candidate sees nothing; the
// admin reads the list without the form and may not post it; the other
// roles are refused the page.
func TestDreetsPronouncesSanctions(t *testing.T) {
	t.Parallel()
	s := startStack(t)
	officer, csrf := s.signedIn(t, ministry, s.token(t, ministry))
	banned := s.newPerson(t, auth.RoleCandidate, "")
	id := s.registerCandidate(t, banned.Principal, candidateRecord("Fraudeur", "Dominique"))
	other := s.newPerson(t, auth.RoleCandidate, "")
	s.registerCandidate(t, other.Principal, candidateRecord("Honnete", "Claude"))
	page := s.srv.URL + "/dreets/sanctions"

	contains(t, "the look-up", get(t, officer, page), `id="recherche-sanctions"`, "règle R58")
	unknown := get(t, officer, page+"?candidat="+uuid.NewString())
	if unknown.status != http.StatusNotFound {
		t.Errorf("an unknown candidate = %d; want 404", unknown.status)
	}
	contains(t, "an unknown candidate", unknown, `id="recherche-candidat-erreur"`, "Aucun candidat ne porte cet identifiant.")
	p := get(t, officer, page+"?candidat="+id+"&reference=RF-42")
	contains(t, "the candidate found", p, "Dominique Fraudeur", `id="aucune-sanction"`, `id="formulaire-sanction"`, `value="RF-42"`)

	today := civildate.Of(time.Now())
	form := func(kind, months, notified, ref, motivation string) url.Values {
		return url.Values{CSRFField: {csrf}, "sanction-candidat": {id}, "sanction-nature": {kind}, "sanction-duree": {months},
			"sanction-notification": {notified}, "sanction-reference": {ref}, "sanction-motivation": {motivation}}
	}
	r := postForm(t, officer, page, form("interdiction", "24", "", "", ""))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("an incomplete sanction = %d; want 422", r.status)
	}
	contains(t, "the incomplete sanction", r, `id="sanction-duree-erreur"`, "La durée d’une interdiction est limitée",
		`id="sanction-notification-erreur"`, `id="sanction-reference-erreur"`, `id="sanction-motivation-erreur"`, "Dominique Fraudeur",
		"Indiquez la référence de la décision", "Indiquez la motivation de la sanction.")
	r = postForm(t, officer, page, form("interdiction", "douze", today.String(), "RF-42", "Fraude."))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a duration in letters = %d; want 422", r.status)
	}
	contains(t, "a duration in letters", r, `id="sanction-duree-erreur"`, "Saisissez la durée de l’interdiction en mois")
	r = postForm(t, officer, page, form("", "12", today.String(), "RF-42", "Fraude."))
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a sanction of no kind = %d; want 422", r.status)
	}
	contains(t, "a sanction of no kind", r, `id="sanction-nature-erreur"`, "Choisissez l’exclusion de la session ou l’interdiction d’inscription.")

	// A past ban, then the ban in force.
	past, err := civildate.Parse("2024-01-10")
	if err != nil {
		t.Fatal(err)
	}
	r = postForm(t, officer, page, form("interdiction", "1", past.String(), "RF-2023-7", "Substitution de document en 2023."))
	if r.status != http.StatusSeeOther {
		t.Fatalf("the past ban = %d: %.400s", r.status, r.body)
	}
	r = postForm(t, officer, page, form("interdiction", "12", today.String(), "RF-42", "Notes dissimulées consultées pendant la mise en situation."))
	loc := r.header.Get("Location")
	if r.status != http.StatusSeeOther || !strings.HasPrefix(loc, "/dreets/sanctions?candidat="+id+"&prononcee=") {
		t.Fatalf("the ban = %d %q: %.400s", r.status, loc, r.body)
	}
	done := get(t, officer, s.srv.URL+loc)
	last := lastDayFR(t, today, 12)
	contains(t, "the ban pronounced", done, `id="sanction-prononcee"`, "interdiction d’inscription du "+CivilDateFR(today.String())+" au "+last+" inclus",
		`id="liste-sanctions"`, "du 10 janvier 2024 au 9 février 2024 inclus (1 mois)", "RF-2023-7", "(12 mois)", "En cours")

	// The candidate reads it; another does not.
	mine := get(t, s.browserOf(t, banned), s.srv.URL+"/candidat")
	contains(t, "the banned candidate's space", mine, `id="interdiction-en-cours"`,
		"Vous ne pouvez pas être inscrit(e) à une session jusqu’au "+last+" inclus", "Référence : RF-42.",
		"Notes dissimulées consultées pendant la mise en situation.", `id="mes-sanctions"`, "du 10 janvier 2024 au 9 février 2024 inclus", "Terminée")
	theirs := get(t, s.browserOf(t, other), s.srv.URL+"/candidat")
	if theirs.status != http.StatusOK || strings.Contains(theirs.body, "interdiction-en-cours") || strings.Contains(theirs.body, "RF-42") ||
		strings.Contains(theirs.body, "mes-sanctions") {
		t.Errorf("another candidate's space = %d, shows a sanction: %.300s", theirs.status, theirs.body)
	}

	// The admin reads without the form, and may not pronounce.
	admin := auth.Principal{Subject: "admin-1", Roles: []auth.Role{auth.RoleAdmin}}
	ac, acsrf := s.signedIn(t, admin, s.token(t, admin))
	a := get(t, ac, page+"?candidat="+id)
	contains(t, "the admin's page", a, `id="liste-sanctions"`, "RF-42")
	if strings.Contains(a.body, "formulaire-sanction") {
		t.Error("the admin is offered the form")
	}
	f := form("exclusion", "", today.String(), "RF-43", "Exclusion.")
	f.Set(CSRFField, acsrf)
	if r := postForm(t, ac, page, f); r.status != http.StatusForbidden {
		t.Errorf("the admin's sanction = %d; want 403", r.status)
	}

	// The other roles: refused the page, and the post.
	for _, p := range []auth.Principal{
		{Subject: "centre-1", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-69-S"},
		{Subject: "jure-1", Roles: []auth.Role{auth.RoleJuror}},
		banned.Principal,
	} {
		c, pcsrf := s.signedIn(t, p, s.token(t, p))
		if g := get(t, c, page+"?candidat="+id); g.status != http.StatusForbidden || strings.Contains(g.body, "RF-42") {
			t.Errorf("%s: the page = %d", p.Roles[0], g.status)
		}
		f.Set(CSRFField, pcsrf)
		if r := postForm(t, c, page, f); r.status != http.StatusForbidden {
			t.Errorf("%s: a sanction = %d; want 403", p.Roles[0], r.status)
		}
	}
	n := get(t, officer, page+"?candidat="+id)
	if got := strings.Count(n.body, "data-sanction="); got != 2 {
		t.Errorf("%d sanctions listed; want 2 (nobody else pronounced one)", got)
	}

	// An exclusion: the duration the form still shows is not sent.
	r = postForm(t, officer, page, form("exclusion", "12", today.String(), "RF-44", "Exclu de la mise en situation."))
	if r.status != http.StatusSeeOther {
		t.Fatalf("the exclusion = %d: %.400s", r.status, r.body)
	}
	contains(t, "the exclusion pronounced", get(t, officer, s.srv.URL+r.header.Get("Location")), `id="sanction-prononcee"`,
		"exclusion de la session, notifiée le "+CivilDateFR(today.String()), "RF-44")
}

// TestDreetsSanctionFromTheMinutes: the minutes' page lists the session's
// fraud reports (R57) and links from a report on a candidate to the
// sanctions page, prefilled with the candidate, the report and the
// session; a report on the session as a whole has no such link; minutes
// without a report say so.
func TestDreetsSanctionFromTheMinutes(t *testing.T) {
	t.Parallel()
	b := startBackend(t)
	officer, _ := b.signedIn(t, ministry, b.token(t, ministry))
	s := b.signMinutes(t, []person{{Given: "Camille", Birth: "Durand"}}, 1)
	report := func(candidacy, facts string) string {
		resp, err := b.assess.CreateFraudReport(t.Context(), &assessmentv1.CreateFraudReportRequest{SessionId: s.ID,
			FraudReport: &assessmentv1.FraudReport{CandidacyId: candidacy, Facts: facts, ObserveTime: timestamppb.Now()}}, b.as(t, s.Jurors[0]))
		stackMust(t, "report a fraud", err)
		return resp.GetFraudReport().GetReportId()
	}
	onCandidate := report(s.Candidacies[0], "Notes dissimulées consultées pendant la mise en situation.")
	report("", "Sujet de l’épreuve diffusé avant la session.")
	b.sign(t, s.ID, s.Jurors...)
	eventually(t, "the signed minutes reach the certification service", func() error {
		_, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: s.ID}, b.as(t, ministry))
		return err
	})

	p := get(t, officer, b.srv.URL+resultHref(s.ID))
	href := sanctionsHref(s.Candidates[0]) + "&amp;" + strings.ReplaceAll(url.Values{"reference": {onCandidate}, "session": {s.ID}}.Encode(), "&", "&amp;") +
		"#formulaire-sanction"
	contains(t, "the minutes", p, `id="rapports-fraude"`, "Notes dissimulées consultées", "Sujet de l’épreuve diffusé", "Camille Durand",
		`href="`+href+`"`)
	if got := strings.Count(p.body, "Prononcer une sanction<"); got != 1 {
		t.Errorf("%d links to a sanction; want 1 (the report on the session names nobody)", got)
	}
	f := get(t, officer, b.srv.URL+strings.ReplaceAll(href, "&amp;", "&"))
	contains(t, "the prefilled form", f, `id="formulaire-sanction"`, "Camille Durand", `value="`+onCandidate+`"`, `value="`+s.ID+`"`)

	clean := b.signMinutes(t, []person{{Given: "Alex", Birth: "Martin"}}, 2)
	contains(t, "minutes without a report", get(t, officer, b.srv.URL+resultHref(clean.ID)), `id="aucun-rapport-fraude"`)
}
