// Package web is titrepro's web application: server-rendered pages in
// French, in the look of the French State design system (DSFR), for
// candidates, centres, jurors, DREETS officers and anyone verifying a
// certificate (docs/adr/0013-web-application.md, docs/web.md).
//
// It holds no business rule and no data of its own. Every page calls the
// services over the gateway's gRPC connections with the signed-in user's
// access token, exactly as a REST client does, so the services decide who
// may see or change what; the web layer only renders their answers and
// their refusals.
//
// Login is OpenID Connect (authorization code with PKCE) against the
// configured issuer; the session is an encrypted cookie (session.go).
package web

import (
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"google.golang.org/grpc"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
)

// ClientID is the OIDC client id of the web application at the all-in-one's
// development provider (and the default elsewhere).
const ClientID = "titrepro-web"

// Config configures the web application. The zero value serves the public
// pages (home, certificate verification) with login switched off.
type Config struct {
	// IssuerURL is the OIDC issuer users log in with; empty switches login off.
	IssuerURL string
	// ClientID and ClientSecret identify the application at the issuer;
	// ClientID defaults to "titrepro-web", an empty secret makes it a public
	// client (PKCE is always used).
	ClientID     string
	ClientSecret string
	// PublicURL is where browsers reach the application, e.g.
	// https://titrepro.example.gouv.fr: the redirect URI is
	// PublicURL + "/auth/callback", and an https URL makes cookies Secure.
	PublicURL string
	// CookieKey encrypts and authenticates the session cookie (32 bytes,
	// see LoadOrCreateCookieKey). Without one, a random key is drawn at
	// start and sessions end when the process stops.
	CookieKey []byte
	// Marianne uses the State's Marianne font instead of the system fonts;
	// the font must have been vendored (make web-vendor WEB_MARIANNE=1).
	Marianne bool
	// Logger receives the web application's warnings; nil means slog.Default().
	Logger *slog.Logger
	// Candidate: MaxUploadBytes bounds a document uploaded from the
	// candidate's pages (candidate_documents.go); 0 means
	// DefaultMaxUploadBytes. Set it to the portfolio service's per-file
	// limit, as the REST upload's.
	MaxUploadBytes int64
}

// Conns are the gRPC connections to the services, owned by the gateway.
type Conns struct {
	Candidate, Certification, Assessment, Portfolio *grpc.ClientConn
}

// services are the gRPC clients the pages call.
type services struct {
	candidate     candidatev1.CandidateServiceClient
	certification certificationv1.CertificationServiceClient
	assessment    assessmentv1.AssessmentServiceClient
	portfolio     portfoliov1.PortfolioServiceClient
}

// App is the web application, an http.Handler.
type App struct {
	cfg     Config
	log     *slog.Logger
	svc     services
	secure  bool // cookies Secure: the public URL is https
	cookies sealer
	login   *oidcClient // nil when login is off
	views   *views
	assets  *assets
	handler http.Handler
}

// New builds the web application on the services behind conns.
func New(cfg Config, conns Conns) (*App, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if cfg.ClientID == "" {
		cfg.ClientID = ClientID
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	a := &App{cfg: cfg, log: log}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("web: public URL %q: want http(s)://host[:port]", cfg.PublicURL)
		}
		a.secure = u.Scheme == "https"
	}
	key := cfg.CookieKey
	if key == nil {
		key = make([]byte, CookieKeySize)
		_, _ = rand.Read(key)
		if cfg.IssuerURL != "" {
			log.Warn("web: no cookie key configured; sessions end when the process stops")
		}
	}
	var err error
	if a.cookies, err = newSealer(key); err != nil {
		return nil, err
	}
	if cfg.IssuerURL != "" {
		if cfg.PublicURL == "" {
			return nil, errors.New("web: login needs the public URL (the redirect URI is built on it)")
		}
		a.login = newOIDCClient(cfg)
	}
	if conns.Candidate == nil || conns.Certification == nil || conns.Assessment == nil || conns.Portfolio == nil {
		return nil, errors.New("web: a connection to every service is required")
	}
	a.svc = services{
		candidate:     candidatev1.NewCandidateServiceClient(conns.Candidate),
		certification: certificationv1.NewCertificationServiceClient(conns.Certification),
		assessment:    assessmentv1.NewAssessmentServiceClient(conns.Assessment),
		portfolio:     portfoliov1.NewPortfolioServiceClient(conns.Portfolio),
	}
	if a.assets, err = loadAssets(cfg.Marianne); err != nil {
		return nil, err
	}
	if a.views, err = loadViews(a.assets); err != nil {
		return nil, err
	}
	a.handler = a.routes()
	return a, nil
}

// ServeHTTP implements http.Handler.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }
