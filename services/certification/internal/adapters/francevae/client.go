// Package francevae is a client of France VAE's interoperability API for
// certifiers (prefix /interop/v1): it polls the feasibility and validation
// dossiers and the jury information of the candidatures in the
// certifier's perimeter, and pushes jury sessions and results.
//
// France VAE issues the certifier a long-lived bearer token (a JWT it
// signs; there is no token flow on the certifier's side). A 401 means the
// token was revoked; a 409 is a business refusal carrying France VAE's
// message (not to be retried as is); a 204 means nothing was found.
//
// The standard library's net/http and encoding/json suffice: the API is
// plain JSON and multipart over HTTPS with no SDK published.
package francevae

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config configures the client. A zero BaseURL means France VAE is off.
type Config struct {
	BaseURL string        // e.g. https://sandbox.vae.gouv.fr (without /interop/v1)
	Token   string        // the bearer token France VAE issued
	Timeout time.Duration // per request; 15s when zero
}

// ConfigFromEnv reads FRANCEVAE_BASE_URL, FRANCEVAE_TOKEN and
// FRANCEVAE_TIMEOUT (a Go duration). It returns ok=false when
// FRANCEVAE_BASE_URL is unset (feature off) and an error when the
// settings are incomplete or malformed.
func ConfigFromEnv(getenv func(string) string) (cfg Config, ok bool, err error) {
	cfg.BaseURL = strings.TrimRight(strings.TrimSpace(getenv("FRANCEVAE_BASE_URL")), "/")
	if cfg.BaseURL == "" {
		return Config{}, false, nil
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Config{}, false, fmt.Errorf("francevae: FRANCEVAE_BASE_URL %q is not an http(s) URL", cfg.BaseURL)
	}
	cfg.Token = strings.TrimSpace(getenv("FRANCEVAE_TOKEN"))
	if cfg.Token == "" {
		return Config{}, false, errors.New("francevae: FRANCEVAE_BASE_URL is set but FRANCEVAE_TOKEN is empty")
	}
	if s := getenv("FRANCEVAE_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return Config{}, false, fmt.Errorf("francevae: FRANCEVAE_TIMEOUT %q is not a positive duration", s)
		}
		cfg.Timeout = d
	}
	return cfg, true, nil
}

// Client calls the interoperability API.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	t := cfg.Timeout
	if t == 0 {
		t = 15 * time.Second
	}
	return &Client{base: strings.TrimRight(cfg.BaseURL, "/") + "/interop/v1", token: cfg.Token, http: &http.Client{Timeout: t}}
}

// Errors the client returns (wrapped).
var (
	ErrUnauthorized = errors.New("francevae: token refused (401): ask France VAE for a new one")
	ErrNotFound     = errors.New("francevae: nothing found (204)")
)

// BusinessError is France VAE's refusal of a request (409), with its
// message, e.g. "Le résultat du jury a déjà été renseigné".
type BusinessError struct{ Message string }

func (e *BusinessError) Error() string { return "francevae: refused (409): " + e.Message }

// StatusError is any other unexpected status (500 included: retry later).
type StatusError struct {
	Status int
	Body   string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("francevae: unexpected status %d: %s", e.Status, e.Body)
}

// PageSize is the largest page France VAE serves.
const PageSize = 100

// Pagination is a list's page information.
type Pagination struct {
	TotalElements int `json:"totalElements"`
	TotalPages    int `json:"totalPages"`
	PageCourante  int `json:"pageCourante"`
}

// Fichier is a document France VAE holds (downloaded with the same token).
type Fichier struct {
	Nom      string `json:"nom"`
	URL      string `json:"url"`
	TypeMime string `json:"typeMime"`
}

// Document is a typed document of a dossier.
type Document struct {
	Type    string  `json:"type"`
	Fichier Fichier `json:"fichier"`
}

// DossierDeFaisabilite is a feasibility dossier (statut EN_ATTENTE,
// RECEVABLE, IRRECEVABLE, INCOMPLET, COMPLET, …).
type DossierDeFaisabilite struct {
	CandidatureID string          `json:"candidatureId"`
	DateEnvoi     *time.Time      `json:"dateEnvoi"`
	Statut        string          `json:"statut"`
	Documents     []Document      `json:"documents,omitempty"`
	Experiences   json.RawMessage `json:"experiences,omitempty"`
}

// DossierDeValidation is a validation dossier (statut EN_ATTENTE, SIGNALE,
// VERIFIE).
type DossierDeValidation struct {
	CandidatureID string     `json:"candidatureId"`
	DateEnvoi     *time.Time `json:"dateEnvoi"`
	Statut        string     `json:"statut"`
	Documents     []Document `json:"documents,omitempty"`
}

// InformationJury tells whether a candidature's jury is scheduled
// (PROGRAMME) or past (PASSE).
type InformationJury struct {
	CandidatureID string `json:"candidatureId"`
	Statut        string `json:"statut"`
}

// Certification is the certification a candidature targets.
type Certification struct {
	CodeRncp              string `json:"codeRncp"`
	Nom                   string `json:"nom"`
	EstViseePartiellement *bool  `json:"estViseePartiellement"`
}

// Candidature is a France VAE candidature; Candidat and Organisme are kept
// raw for the caller to read what it needs.
type Candidature struct {
	ID            string          `json:"id"`
	Certification Certification   `json:"certification"`
	Candidat      json.RawMessage `json:"candidat"`
	Organisme     json.RawMessage `json:"organisme,omitempty"`
}

// SessionJury is a candidature's jury session; Heure is "HH:MM:SSZ" (UTC).
type SessionJury struct {
	Date                string `json:"date"`
	Heure               string `json:"heure,omitempty"`
	AdresseSession      string `json:"adresseSession,omitempty"`
	InformationsSession string `json:"informationsSession,omitempty"`
}

// ResultatSessionJury is a candidature's jury result.
type ResultatSessionJury struct {
	Resultat    string     `json:"resultat"`
	DateEnvoi   *time.Time `json:"dateEnvoi,omitempty"`
	Commentaire string     `json:"commentaire,omitempty"`
}

// Candidature returns a candidature.
func (c *Client) Candidature(ctx context.Context, id string) (Candidature, error) {
	var out struct{ Data Candidature }
	err := c.do(ctx, http.MethodGet, "/candidatures/"+url.PathEscape(id), nil, "", &out)
	return out.Data, err
}

// DossiersDeFaisabilite returns every feasibility dossier with statut
// (all when empty), page by page.
func (c *Client) DossiersDeFaisabilite(ctx context.Context, statut string) ([]DossierDeFaisabilite, error) {
	return listAll[DossierDeFaisabilite](ctx, c, "/dossiersDeFaisabilite", statut)
}

// DossiersDeValidation returns every validation dossier with statut.
func (c *Client) DossiersDeValidation(ctx context.Context, statut string) ([]DossierDeValidation, error) {
	return listAll[DossierDeValidation](ctx, c, "/dossiersDeValidation", statut)
}

// InformationsJury returns the jury information with statut (PROGRAMME or
// PASSE; all when empty).
func (c *Client) InformationsJury(ctx context.Context, statut string) ([]InformationJury, error) {
	return listAll[InformationJury](ctx, c, "/informationsJury", statut)
}

// SessionJury returns a candidature's jury session.
func (c *Client) SessionJury(ctx context.Context, candidatureID string) (SessionJury, error) {
	var out struct{ Data SessionJury }
	err := c.do(ctx, http.MethodGet, "/candidatures/"+url.PathEscape(candidatureID)+"/informationJury/session", nil, "", &out)
	return out.Data, err
}

// PushSessionJury schedules a candidature's jury session (multipart form,
// no convocation document).
func (c *Client) PushSessionJury(ctx context.Context, candidatureID string, s SessionJury) (SessionJury, error) {
	if s.Date == "" {
		return SessionJury{}, errors.New("francevae: a jury session needs a date")
	}
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range [][2]string{{"date", s.Date}, {"heure", s.Heure}, {"adresseSession", s.AdresseSession}, {"informationsSession", s.InformationsSession}} {
		if f[1] != "" {
			if err := w.WriteField(f[0], f[1]); err != nil {
				return SessionJury{}, err
			}
		}
	}
	if err := w.Close(); err != nil {
		return SessionJury{}, err
	}
	var out struct{ Data SessionJury }
	err := c.do(ctx, http.MethodPut, "/candidatures/"+url.PathEscape(candidatureID)+"/informationJury/session", &body, w.FormDataContentType(), &out)
	return out.Data, err
}

// PushResultat records a candidature's jury result (one of the eight
// codes); France VAE refuses it (409) before the jury date or when a
// result is already recorded.
func (c *Client) PushResultat(ctx context.Context, candidatureID, resultat, commentaire string) (ResultatSessionJury, error) {
	in, err := json.Marshal(struct {
		Resultat    string `json:"resultat"`
		Commentaire string `json:"commentaire,omitempty"`
	}{resultat, commentaire})
	if err != nil {
		return ResultatSessionJury{}, err
	}
	var out struct{ Data ResultatSessionJury }
	err = c.do(ctx, http.MethodPut, "/candidatures/"+url.PathEscape(candidatureID)+"/informationJury/resultat", bytes.NewReader(in), "application/json", &out)
	return out.Data, err
}

// listAll reads every page of a list. France VAE may return fewer rows
// than the page size while more pages remain, so the pages are counted,
// not the rows.
func listAll[T any](ctx context.Context, c *Client, path, statut string) ([]T, error) {
	var all []T
	for offset := 0; ; offset += PageSize {
		q := url.Values{"decalage": {strconv.Itoa(offset)}, "limite": {strconv.Itoa(PageSize)}}
		if statut != "" {
			q.Set("statut", statut)
		}
		var page struct {
			Data []T         `json:"data"`
			Info *Pagination `json:"info"`
		}
		err := c.do(ctx, http.MethodGet, path+"?"+q.Encode(), nil, "", &page)
		if errors.Is(err, ErrNotFound) {
			return all, nil
		}
		if err != nil {
			return nil, err
		}
		if page.Info == nil {
			return nil, fmt.Errorf("francevae: %s: a list without its page information", path)
		}
		all = append(all, page.Data...)
		if page.Info.PageCourante >= page.Info.TotalPages || offset+PageSize >= page.Info.TotalElements {
			return all, nil
		}
	}
}

func (c *Client) do(ctx context.Context, method, path string, body io.Reader, contentType string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return fmt.Errorf("francevae: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("francevae: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("francevae: %s %s: %w", method, path, err)
	}
	switch {
	case resp.StatusCode == http.StatusNoContent:
		return fmt.Errorf("%s %s: %w", method, path, ErrNotFound)
	case resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s %s: %w", method, path, ErrUnauthorized)
	case resp.StatusCode == http.StatusConflict:
		var e struct {
			Error string `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		if e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		return &BusinessError{Message: e.Error}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return &StatusError{Status: resp.StatusCode, Body: strings.TrimSpace(string(data[:min(len(data), 512)]))}
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("francevae: %s %s: reading the answer: %w", method, path, err)
	}
	return nil
}
