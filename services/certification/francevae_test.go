package certification_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification"
)

// fakeFranceVAE serves the two routes a push uses: a candidature (its
// partial target) and the jury result (409 once a result is recorded).
type fakeFranceVAE struct {
	mu      sync.Mutex
	partial map[string]bool
	results map[string]map[string]string
}

func (f *fakeFranceVAE) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer fvae-token" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/interop/v1/candidatures/"), "/")
	partial, known := f.partial[parts[0]]
	switch {
	case !known:
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && len(parts) == 1:
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": parts[0],
			"certification": map[string]any{"codeRncp": "35830", "nom": "T", "estViseePartiellement": partial}, "candidat": map[string]any{}}})
	case r.Method == http.MethodPut && strings.Join(parts[1:], "/") == "informationJury/resultat":
		if f.results[parts[0]] != nil {
			w.WriteHeader(http.StatusConflict)
			json.NewEncoder(w).Encode(map[string]any{"statusCode": 409, "error": "Le résultat du jury a déjà été renseigné"})
			return
		}
		var in map[string]string
		json.NewDecoder(r.Body).Decode(&in)
		f.results[parts[0]] = in
		json.NewEncoder(w).Encode(map[string]any{"data": in})
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func TestPushFranceVAEResults(t *testing.T) {
	f := &fakeFranceVAE{partial: map[string]bool{"cand-a": false, "cand-b": true, "cand-c": false}, results: map[string]map[string]string{"cand-c": {"resultat": "ECHEC"}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	env := map[string]string{"FRANCEVAE_BASE_URL": srv.URL, "FRANCEVAE_TOKEN": "fvae-token"}
	getenv := func(k string) string { return env[k] }
	ok := func(code string) *certificationv1.CcpResult {
		return &certificationv1.CcpResult{CcpCode: code, Outcome: certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED}
	}
	ko := func(code string) *certificationv1.CcpResult {
		return &certificationv1.CcpResult{CcpCode: code, Outcome: certificationv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED}
	}
	r := &certificationv1.SessionResult{SessionId: "s-1", State: certificationv1.ResultState_RESULT_STATE_VALIDATED, Lines: []*certificationv1.ResultLine{
		{CandidacyId: "cy-a", CandidateId: "p-a", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, CcpResults: []*certificationv1.CcpResult{ok("CCP1"), ko("CCP2")}},
		{CandidacyId: "cy-b", CandidateId: "p-b", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, CcpResults: []*certificationv1.CcpResult{ok("CCP1"), ok("CCP2")}},
		{CandidacyId: "cy-c", CandidateId: "p-c", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_FAILED, CcpResults: []*certificationv1.CcpResult{ko("CCP1")}},
		{CandidacyId: "cy-d", CandidateId: "p-d", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_AWARDED},
		{CandidacyId: "cy-e", CandidateId: "p-e", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_FAILED, CcpResults: []*certificationv1.CcpResult{ok("CCP1")}},
	}}
	f.partial["cand-e"] = false
	got, err := certification.PushFranceVAEResults(context.Background(), getenv, r,
		map[string]string{"p-a": "cand-a", "p-b": "cand-b", "p-c": "cand-c", "p-e": "cand-e"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 5 {
		t.Fatalf("%+v", got)
	}
	if got[0].Err != nil || got[0].Code != "SUCCES_PARTIEL_CERTIFICATION_COMPLETE" || f.results["cand-a"]["commentaire"] != "CCP obtenus : CCP1 ; CCP non obtenus : CCP2" {
		t.Errorf("full target, partial success: %+v %v", got[0], f.results["cand-a"])
	}
	if got[1].Err != nil || f.results["cand-b"]["resultat"] != "SUCCES_TOTAL_CERTIFICATION_PARTIELLE" {
		t.Errorf("partial target, all obtained: %+v", got[1])
	}
	if !strings.Contains(errString(got[2].Err), "déjà été renseigné") {
		t.Errorf("a result already recorded: %+v", got[2])
	}
	if got[3].CandidatureID != "" || got[3].Err != nil {
		t.Errorf("a candidate without France VAE candidature is skipped: %+v", got[3])
	}
	if got[4].Err == nil || f.results["cand-e"] != nil {
		t.Errorf("an impossible line is refused, not pushed: %+v", got[4])
	}

	env["FRANCEVAE_TOKEN"] = "revoked"
	if _, err := certification.PushFranceVAEResults(context.Background(), getenv, r, map[string]string{"p-a": "cand-a"}); err == nil {
		t.Error("a refused token must stop the push")
	}
	r.State = certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION
	if _, err := certification.PushFranceVAEResults(context.Background(), getenv, r, nil); err == nil || !strings.Contains(err.Error(), "R51") {
		t.Errorf("an unvalidated result: %v", err)
	}
	if _, err := certification.PushFranceVAEResults(context.Background(), func(string) string { return "" }, r, nil); err == nil || !strings.Contains(err.Error(), "off") {
		t.Errorf("France VAE off: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
