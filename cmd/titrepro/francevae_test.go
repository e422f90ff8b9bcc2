package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
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

// TestFranceVAEDossiers runs the command against a fake France VAE whose
// feasibility dossiers span two pages: every row of the three lists is
// printed, one line each.
func TestFranceVAEDossiers(t *testing.T) {
	fvae := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fvae-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/interop/v1/dossiersDeFaisabilite":
			var data []map[string]any
			page := 1
			if r.URL.Query().Get("decalage") == "100" {
				page = 2
				data = append(data, map[string]any{"candidatureId": "cand-last", "statut": "RECEVABLE", "dateEnvoi": "2026-11-02T09:00:00Z"})
			} else {
				for range 100 {
					data = append(data, map[string]any{"candidatureId": "cand-x", "statut": "EN_ATTENTE"})
				}
			}
			json.NewEncoder(w).Encode(map[string]any{"data": data, "info": map[string]any{"totalElements": 101, "totalPages": 2, "pageCourante": page}})
		case "/interop/v1/dossiersDeValidation":
			w.WriteHeader(http.StatusNoContent)
		case "/interop/v1/informationsJury":
			json.NewEncoder(w).Encode(map[string]any{"data": []map[string]any{{"candidatureId": "cand-j", "statut": "PROGRAMME"}},
				"info": map[string]any{"totalElements": 1, "totalPages": 1, "pageCourante": 1}})
		case "/interop/v1/candidatures/cand-j/informationJury/session":
			json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"date": "2026-11-20", "heure": "08:30:00Z"}})
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer fvae.Close()
	env := map[string]string{"FRANCEVAE_BASE_URL": fvae.URL, "FRANCEVAE_TOKEN": "fvae-token"}
	var out bytes.Buffer
	if err := francevaeCommand(context.Background(), config{}, []string{"dossiers"}, func(k string) string { return env[k] }, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 102 || lines[100] != "faisabilite\tcand-last\tRECEVABLE\t2026-11-02T09:00:00Z" ||
		lines[0] != "faisabilite\tcand-x\tEN_ATTENTE\t-" || lines[101] != "jury\tcand-j\tPROGRAMME\t2026-11-20 08:30:00Z" {
		t.Fatalf("%d lines:\n%s", len(lines), out.String())
	}
	env["FRANCEVAE_TOKEN"] = "revoked"
	if err := francevaeCommand(context.Background(), config{}, []string{"dossiers"}, func(k string) string { return env[k] }, &out); err == nil {
		t.Fatal("a refused token must fail")
	}
}

// TestFranceVAEPushSession runs the command against a fake gateway (the
// session, its candidacies over two pages, their candidates) and a fake
// France VAE: the candidacy whose candidate has a France VAE candidature
// gets the jury session (multipart form), the other is skipped.
func TestFranceVAEPushSession(t *testing.T) {
	const cid = "7e4bf4d6-1c5f-4f3c-9b3e-2d1a0c9e8f71"
	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ministry-token" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var m proto.Message
		switch r.URL.Path {
		case "/v1/sessions/s-1":
			m = &assessmentv1.GetSessionResponse{Session: &assessmentv1.Session{Id: "s-1", Site: "AFPA Lyon", StartDate: "2026-11-18", EndDate: "2026-11-20"}}
		case "/v1/sessions/s-1/candidacies":
			if r.URL.Query().Get("page_token") == "" {
				m = &assessmentv1.ListCandidaciesResponse{Candidacies: []*assessmentv1.Candidacy{{Id: "cy-1", CandidateId: "p-1"}}, NextPageToken: "next"}
			} else {
				m = &assessmentv1.ListCandidaciesResponse{Candidacies: []*assessmentv1.Candidacy{{Id: "cy-2", CandidateId: "p-2"}}}
			}
		case "/v1/candidates/p-1":
			m = &candidatev1.GetCandidateResponse{Candidate: &candidatev1.Candidate{Id: "p-1", FranceVaeCandidatureId: cid}}
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
	var pushed url.Values
	fvae := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Header.Get("Authorization") != "Bearer fvae-token":
			w.WriteHeader(http.StatusUnauthorized)
		case r.Method == http.MethodPut && r.URL.Path == "/interop/v1/candidatures/"+cid+"/informationJury/session":
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				w.WriteHeader(http.StatusBadRequest)
				return
			}
			pushed = r.MultipartForm.Value
			json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"date": pushed.Get("date"), "adresseSession": pushed.Get("adresseSession")}})
		default:
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	defer fvae.Close()
	env := map[string]string{"FRANCEVAE_BASE_URL": fvae.URL, "FRANCEVAE_TOKEN": "fvae-token"}
	var out bytes.Buffer
	err := francevaeCommand(context.Background(), config{}, []string{"push-session", "s-1", "--token", "ministry-token", "--url", gateway.URL},
		func(k string) string { return env[k] }, &out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if pushed.Get("date") != "2026-11-20" || pushed.Get("adresseSession") != "AFPA Lyon" || !strings.Contains(pushed.Get("informationsSession"), "s-1") {
		t.Fatalf("pushed %v", pushed)
	}
	if !strings.Contains(out.String(), "cy-1\t"+cid+"\tpushed") || !strings.Contains(out.String(), "cy-2\tskipped") {
		t.Fatalf("output:\n%s", out.String())
	}
	env["FRANCEVAE_TOKEN"] = "revoked"
	if err := francevaeCommand(context.Background(), config{}, []string{"push-session", "s-1", "--token", "ministry-token", "--url", gateway.URL},
		func(k string) string { return env[k] }, &out); err == nil {
		t.Fatal("a refused token must fail")
	}
}
