package francevae

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/titrepro/titrepro/services/certification/internal/domain/francevae"
)

const token = "jwt-issued-by-france-vae"

// fake follows France VAE's documented interoperability API: bearer
// token, /interop/v1 prefix, decalage/limite pagination (limite ≤ 100)
// with its page information, 204 when nothing is found, 409 with
// {statusCode, error} for a business refusal, 500 for a validation error.
type fake struct {
	mu         sync.Mutex
	dossiersDF []DossierDeFaisabilite
	dropRow    string // a row the list "cannot map" and leaves out
	juries     []InformationJury
	sessions   map[string]SessionJury
	results    map[string]ResultatSessionJury
	calls      []string
}

func newFake() *fake {
	f := &fake{sessions: map[string]SessionJury{}, results: map[string]ResultatSessionJury{}}
	for i := range 150 {
		st := "EN_ATTENTE"
		if i%3 == 0 {
			st = "RECEVABLE"
		}
		f.dossiersDF = append(f.dossiersDF, DossierDeFaisabilite{CandidatureID: fmt.Sprintf("df-%03d", i), Statut: st})
	}
	f.juries = []InformationJury{{CandidatureID: "cand-past", Statut: "PASSE"}, {CandidatureID: "cand-future", Statut: "PROGRAMME"}}
	return f
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, r.Method+" "+r.URL.RequestURI())
	if r.Header.Get("Authorization") != "Bearer "+token {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	path, ok := strings.CutPrefix(r.URL.Path, "/interop/v1/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	parts := strings.Split(path, "/")
	switch {
	case r.Method == http.MethodGet && path == "dossiersDeFaisabilite":
		var rows []DossierDeFaisabilite
		for _, d := range f.dossiersDF {
			if q := r.URL.Query().Get("statut"); q == "" || d.Statut == q {
				rows = append(rows, d)
			}
		}
		f.page(w, r, len(rows), func(from, to int) any {
			return slices.DeleteFunc(slices.Clone(rows[from:to]), func(d DossierDeFaisabilite) bool { return d.CandidatureID == f.dropRow })
		})
	case r.Method == http.MethodGet && path == "informationsJury":
		var rows []InformationJury
		for _, j := range f.juries {
			if q := r.URL.Query().Get("statut"); q == "" || j.Statut == q {
				rows = append(rows, j)
			}
		}
		f.page(w, r, len(rows), func(from, to int) any { return rows[from:to] })
	case r.Method == http.MethodGet && path == "dossiersDeValidation":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "candidatures":
		if parts[1] != "cand-past" {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{
			"id":            "cand-past",
			"certification": map[string]any{"codeRncp": "35830", "nom": "Agent de restauration", "estViseePartiellement": true},
			"candidat":      map[string]any{"nom": "Martin", "prenom": "Alice"},
		}})
	case r.Method == http.MethodPut && len(parts) == 4 && parts[0] == "candidatures" && parts[3] == "session":
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if err := r.ParseMultipartForm(1 << 20); err != nil || r.FormValue("date") == "" {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		s := SessionJury{Date: r.FormValue("date"), Heure: r.FormValue("heure"), AdresseSession: r.FormValue("adresseSession"), InformationsSession: r.FormValue("informationsSession")}
		f.sessions[parts[1]] = s
		json.NewEncoder(w).Encode(map[string]any{"data": s})
	case r.Method == http.MethodPut && len(parts) == 4 && parts[0] == "candidatures" && parts[3] == "resultat":
		var in struct{ Resultat, Commentaire string }
		if r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&in) != nil || !francevae.Code(in.Resultat).Valid() {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		if parts[1] == "cand-future" {
			conflict(w, "La date du jury n'est pas passée")
			return
		}
		if _, done := f.results[parts[1]]; done {
			conflict(w, "Le résultat du jury a déjà été renseigné")
			return
		}
		now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
		res := ResultatSessionJury{Resultat: in.Resultat, Commentaire: in.Commentaire, DateEnvoi: &now}
		f.results[parts[1]] = res
		json.NewEncoder(w).Encode(map[string]any{"data": res})
	default:
		w.WriteHeader(http.StatusInternalServerError)
	}
}

func conflict(w http.ResponseWriter, msg string) {
	w.WriteHeader(http.StatusConflict)
	json.NewEncoder(w).Encode(map[string]any{"statusCode": 409, "error": msg})
}

func (f *fake) page(w http.ResponseWriter, r *http.Request, total int, rows func(from, to int) any) {
	offset, limit := 0, 10
	if s := r.URL.Query().Get("decalage"); s != "" {
		offset, _ = strconv.Atoi(s)
	}
	if s := r.URL.Query().Get("limite"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	if limit < 1 || limit > 100 || offset < 0 {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	from, to := min(offset, total), min(offset+limit, total)
	json.NewEncoder(w).Encode(map[string]any{
		"data": rows(from, to),
		"info": Pagination{TotalElements: total, TotalPages: (total + limit - 1) / limit, PageCourante: offset/limit + 1},
	})
}

func setup(t *testing.T) (*fake, *Client) {
	t.Helper()
	f := newFake()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, New(Config{BaseURL: srv.URL, Token: token, Timeout: 5 * time.Second})
}

func TestPollDossiersReadsEveryPage(t *testing.T) {
	f, c := setup(t)
	f.dropRow = "df-001" // France VAE may serve a short page while more remain
	got, err := c.DossiersDeFaisabilite(context.Background(), "EN_ATTENTE")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 99 || got[0].CandidatureID != "df-002" || got[98].CandidatureID != "df-149" {
		t.Fatalf("got %d dossiers, first %+v", len(got), got[0])
	}
	want := []string{
		"GET /interop/v1/dossiersDeFaisabilite?decalage=0&limite=100&statut=EN_ATTENTE",
	}
	if !slices.Equal(f.calls, want) {
		t.Fatalf("calls %v", f.calls)
	}
	f.calls = nil
	all, err := c.DossiersDeFaisabilite(context.Background(), "")
	if err != nil || len(all) != 149 || len(f.calls) != 2 || !strings.Contains(f.calls[1], "decalage=100&limite=100") {
		t.Fatalf("got %d, %v, calls %v", len(all), err, f.calls)
	}
}

func TestPollJuriesAndCandidature(t *testing.T) {
	_, c := setup(t)
	ctx := context.Background()
	past, err := c.InformationsJury(ctx, "PASSE")
	if err != nil || len(past) != 1 || past[0].CandidatureID != "cand-past" {
		t.Fatalf("%+v %v", past, err)
	}
	cand, err := c.Candidature(ctx, "cand-past")
	if err != nil || cand.Certification.CodeRncp != "35830" || cand.Certification.EstViseePartiellement == nil || !*cand.Certification.EstViseePartiellement {
		t.Fatalf("%+v %v", cand, err)
	}
	if _, err := c.Candidature(ctx, "unknown"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown candidature: %v", err)
	}
	if dv, err := c.DossiersDeValidation(ctx, "EN_ATTENTE"); err != nil || len(dv) != 0 {
		t.Fatalf("an empty list (204): %v %v", dv, err)
	}
}

func TestPushSessionAndResult(t *testing.T) {
	f, c := setup(t)
	ctx := context.Background()
	s, err := c.PushSessionJury(ctx, "cand-past", SessionJury{Date: "2026-11-20", Heure: "08:30:00Z", AdresseSession: "AFPA Lyon"})
	if err != nil || s.Date != "2026-11-20" || f.sessions["cand-past"].AdresseSession != "AFPA Lyon" {
		t.Fatalf("%+v %v", s, err)
	}
	res, err := c.PushResultat(ctx, "cand-past", string(francevae.FullSuccessPartialTarget), "CCP obtenus : CCP1")
	if err != nil || res.Resultat != "SUCCES_TOTAL_CERTIFICATION_PARTIELLE" || f.results["cand-past"].Commentaire != "CCP obtenus : CCP1" {
		t.Fatalf("%+v %v", res, err)
	}
	_, err = c.PushResultat(ctx, "cand-past", string(francevae.Failure), "")
	var be *BusinessError
	if !errors.As(err, &be) || be.Message != "Le résultat du jury a déjà été renseigné" {
		t.Fatalf("a second result: %v", err)
	}
	if _, err := c.PushResultat(ctx, "cand-future", string(francevae.Failure), ""); !errors.As(err, &be) || !strings.Contains(be.Message, "pas passée") {
		t.Fatalf("before the jury date: %v", err)
	}
	var se *StatusError
	if _, err := c.PushResultat(ctx, "cand-past", "AWAITING_RESULT", ""); !errors.As(err, &se) || se.Status != 500 {
		t.Fatalf("an unknown code: %v", err)
	}
	if _, err := c.PushSessionJury(ctx, "cand-past", SessionJury{}); err == nil {
		t.Fatal("a session without a date was sent")
	}
}

func TestRevokedTokenIsUnauthorized(t *testing.T) {
	f := newFake()
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := New(Config{BaseURL: srv.URL, Token: "revoked"})
	if _, err := c.InformationsJury(context.Background(), ""); !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("got %v", err)
	}
}

func TestTimeoutIsBounded(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	c := New(Config{BaseURL: srv.URL, Token: token, Timeout: 50 * time.Millisecond})
	start := time.Now()
	if _, err := c.Candidature(context.Background(), "x"); err == nil || time.Since(start) > 2*time.Second {
		t.Fatalf("got %v after %s", err, time.Since(start))
	}
}

func TestConfigFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, ok, err := ConfigFromEnv(env(nil)); ok || err != nil {
		t.Fatalf("unset must mean off: %v %v", ok, err)
	}
	cfg, ok, err := ConfigFromEnv(env(map[string]string{"FRANCEVAE_BASE_URL": "https://sandbox.vae.gouv.fr/", "FRANCEVAE_TOKEN": "t", "FRANCEVAE_TIMEOUT": "3s"}))
	if !ok || err != nil || cfg.BaseURL != "https://sandbox.vae.gouv.fr" || cfg.Timeout != 3*time.Second {
		t.Fatalf("%+v %v %v", cfg, ok, err)
	}
	for name, m := range map[string]map[string]string{
		"no token":      {"FRANCEVAE_BASE_URL": "https://vae.gouv.fr"},
		"not a URL":     {"FRANCEVAE_BASE_URL": "vae.gouv.fr", "FRANCEVAE_TOKEN": "t"},
		"a bad timeout": {"FRANCEVAE_BASE_URL": "https://vae.gouv.fr", "FRANCEVAE_TOKEN": "t", "FRANCEVAE_TIMEOUT": "soon"},
	} {
		if _, _, err := ConfigFromEnv(env(m)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
