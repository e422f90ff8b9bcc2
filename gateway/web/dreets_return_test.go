package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestDreetsReturnsMinutes: the officer returns signed minutes to the jury
// from the result page (R51), with a reason and the candidacies ticked; a
// return without them is refused on the page; once returned, the page
// says so, with the reason, and offers neither validation nor a second
// return.
func TestDreetsReturnsMinutes(t *testing.T) {
	t.Parallel()
	b := startBackend(t)
	srv := b.srv
	officer, csrf := b.signedIn(t, ministry, b.token(t, ministry))
	asMinistry := b.as(t, ministry)
	s := b.signMinutes(t, []person{
		{Given: "Camille", Birth: "Durand"},
		{Given: "Dominique", Birth: "Martin", NotObtained: []string{"CCP2"}},
	}, 2)
	got, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: s.ID}, asMinistry)
	if err != nil {
		t.Fatal(err)
	}
	hash := got.GetResult().GetMinutesHash()
	resultURL := srv.URL + "/dreets/resultats/" + s.ID

	p := get(t, officer, resultURL)
	contains(t, "the result awaiting validation", p, `id="formulaire-renvoi"`, "Renvoyer le procès-verbal au jury",
		`name="candidatures" value="`+s.Candidacies[1]+`"`, `id="version">Version 1<`)

	p = postForm(t, officer, resultURL+"/renvoi", url.Values{CSRFField: {csrf}, "empreinte": {hash}, "motif": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a return without reason nor candidacy = %d", p.status)
	}
	contains(t, "the incomplete return", p, "Indiquez le motif du renvoi", "Cochez au moins une candidature")

	const reason = "La motivation du CCP2 ne s’appuie sur aucune observation."
	p = postForm(t, officer, resultURL+"/renvoi", url.Values{CSRFField: {csrf}, "empreinte": {hash}, "motif": {reason},
		"candidatures": {s.Candidacies[1]}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/dreets/resultats/"+s.ID+"?renvoye=1" {
		t.Fatalf("return = %d %q", p.status, p.header.Get("Location"))
	}
	p = get(t, officer, resultURL+"?renvoye=1")
	contains(t, "the returned result", p, `id="renvoi-fait"`, `id="etat">Renvoyé au jury<`, reason, s.Candidacies[1])
	for _, form := range []string{`id="formulaire-validation"`, `id="formulaire-renvoi"`} {
		if strings.Contains(p.body, form) {
			t.Errorf("the returned result still shows %s", form)
		}
	}
	res, err := b.cert.GetResult(t.Context(), &certificationv1.GetResultRequest{SessionId: s.ID}, asMinistry)
	if err != nil || res.GetResult().GetState() != certificationv1.ResultState_RESULT_STATE_RETURNED {
		t.Fatalf("after the return: %v, %v", res.GetResult().GetState(), err)
	}

	// The jury deliberates the returned candidacy again (every CCP now
	// obtained): the jurors' minutes page shows version 2 and the return.
	waitUntil(t, "the session reopens", func() bool {
		got, err := b.assess.GetSession(t.Context(), &assessmentv1.GetSessionRequest{SessionId: s.ID}, b.as(t, s.Jurors[0]))
		return err == nil && got.GetSession().GetState() == assessmentv1.SessionState_SESSION_STATE_IN_PROGRESS
	})
	juror, _ := b.signedIn(t, s.Jurors[1], b.token(t, s.Jurors[1]))
	p = get(t, juror, srv.URL+"/jury/sessions/"+s.ID)
	contains(t, "the reopened session for a juror", p, `id="renvoi-dreets"`, reason, "À délibérer de nouveau : Martin")
	_, err = b.assess.DeliberateCandidacy(t.Context(), &assessmentv1.DeliberateCandidacyRequest{SessionId: s.ID,
		CandidacyId: s.Candidacies[1], CcpDecisions: allObtained(b)}, b.as(t, s.Jurors[0]))
	stackMust(t, "deliberate again", err)
	p = get(t, juror, srv.URL+"/jury/sessions/"+s.ID+"/proces-verbal")
	contains(t, "the jurors' second minutes", p, `id="version-pv">Version 2<`, `id="renvoi-dreets"`, reason, "Martin")
}

func allObtained(b *backend) []*assessmentv1.CcpDecision {
	var out []*assessmentv1.CcpDecision
	for _, code := range ccpCodes(b.ref) {
		out = append(out, &assessmentv1.CcpDecision{CcpCode: code, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED})
	}
	return out
}
