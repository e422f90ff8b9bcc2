package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestFranceVAEPushResults runs the command against a fake gateway (the
// session's validated result, its candidates) and a fake France VAE: the
// candidate with a France VAE candidature gets its result pushed, the
// other is skipped.
func TestFranceVAEPushResults(t *testing.T) {
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ministry-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m proto.Message
		switch r.URL.Path {
		case "/v1/results/s-1":
			m = &certificationv1.GetResultResponse{Result: &certificationv1.SessionResult{
				SessionId: "s-1", State: certificationv1.ResultState_RESULT_STATE_VALIDATED,
				Lines: []*certificationv1.ResultLine{
					{CandidacyId: "cy-1", CandidateId: "p-1", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_AWARDED,
						CcpResults: []*certificationv1.CcpResult{{CcpCode: "CCP1", Outcome: certificationv1.CcpOutcome_CCP_OUTCOME_OBTAINED}}},
					{CandidacyId: "cy-2", CandidateId: "p-2", TitleOutcome: certificationv1.TitleOutcome_TITLE_OUTCOME_ABSENT},
				}}}
		case "/v1/candidates/p-1":
			m = &candidatev1.GetCandidateResponse{Candidate: &candidatev1.Candidate{Id: "p-1", FranceVaeCandidatureId: "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71"}}
		case "/v1/candidates/p-2":
			m = &candidatev1.GetCandidateResponse{Candidate: &candidatev1.Candidate{Id: "p-2"}}
		default:
			http.NotFound(w, r)
			return
		}
		b, _ := protojson.Marshal(m)
		w.Write(b)
	}))
	defer gateway.Close()
	var pushed map[string]string
	fvae := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		const cand = "/interop/v1/candidatures/7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71"
		switch {
		case r.Header.Get("Authorization") != "Bearer fvae-token":
			w.WriteHeader(http.StatusUnauthorized)
		case r.Method == http.MethodGet && r.URL.Path == cand:
			json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"id": "x",
				"certification": map[string]any{"codeRncp": "35830", "nom": "T", "estViseePartiellement": false}, "candidat": map[string]any{}}})
		case r.Method == http.MethodPut && r.URL.Path == cand+"/informationJury/resultat":
			json.NewDecoder(r.Body).Decode(&pushed)
			json.NewEncoder(w).Encode(map[string]any{"data": pushed})
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer fvae.Close()
	env := map[string]string{"FRANCEVAE_BASE_URL": fvae.URL, "FRANCEVAE_TOKEN": "fvae-token"}
	var out bytes.Buffer
	err := francevaeCommand(context.Background(), config{}, []string{"push-results", "s-1", "--token", "ministry-token", "--url", gateway.URL},
		func(k string) string { return env[k] }, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if pushed["resultat"] != "SUCCES_TOTAL_CERTIFICATION_COMPLETE" || pushed["commentaire"] != "CCP obtenus : CCP1" {
		t.Fatalf("pushed %v", pushed)
	}
	if !strings.Contains(out.String(), "cy-1\t7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71\tSUCCES_TOTAL_CERTIFICATION_COMPLETE") ||
		!strings.Contains(out.String(), "cy-2\tskipped") {
		t.Fatalf("output:\n%s", out.String())
	}

	if err := francevaeCommand(context.Background(), config{}, []string{"push-results", "s-1", "--token", "ministry-token", "--url", gateway.URL},
		func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "off") {
		t.Fatalf("France VAE off: %v", err)
	}
	if err := francevaeCommand(context.Background(), config{}, []string{"push-results"}, nil, &out); err == nil || !strings.Contains(err.Error(), "usage") {
		t.Fatalf("no session: %v", err)
	}
}
