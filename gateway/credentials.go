package gateway

import (
	"net/http"
	"regexp"
	"strconv"
	"time"
)

// IssuerDIDPath is where did:web resolves the DID of titrepro's public
// host (did:web:<host>): the DID document whose keys verify the
// verifiable credentials (docs/credentials.md).
const IssuerDIDPath = "/.well-known/did.json"

// statusListTTL is how long a verifier (or a cache on the way) may keep
// the status list: its ttl, five minutes.
const statusListTTL = 5 * time.Minute

// issuerDID serves IssuerDIDPath with the REST route of
// CertificationService.GetIssuerDid (GET /v1/did.json), so that both
// answer the same document through the same interceptors. The keys change
// only by a rotation, followed by a restart: an hour, as the key set.
func issuerDID(v1 http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = "/v1/did.json", ""
		r2.RequestURI = r2.URL.RequestURI()
		w.Header().Set("Cache-Control", "public, max-age=3600")
		v1.ServeHTTP(w, r2)
	})
}

// statusListCache lets every verifier and shared cache keep the status
// list for its ttl: it is read by every verification of every credential,
// and a revocation reaches verifiers within that time.
func statusListCache(api http.Handler) http.Handler {
	maxAge := strconv.Itoa(int(statusListTTL.Seconds()))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.ServeHTTP(&cacheOnSuccess{ResponseWriter: w, value: "public, max-age=" + maxAge}, r)
	})
}

// cacheOnSuccess sets Cache-Control on a 200 answer only: an error (the
// service unavailable a moment) must not stay in caches for the ttl.
type cacheOnSuccess struct {
	http.ResponseWriter
	value   string
	written bool
}

func (c *cacheOnSuccess) WriteHeader(code int) {
	if !c.written {
		c.written = true
		if code == http.StatusOK {
			c.Header().Set("Cache-Control", c.value)
		}
	}
	c.ResponseWriter.WriteHeader(code)
}

func (c *cacheOnSuccess) Write(b []byte) (int, error) {
	if !c.written {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (c *cacheOnSuccess) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// credentialFileName is what a credential's file name may hold: the
// certificate number and the credential's name ("titre" or a CCP code).
var credentialFileName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// credentialDownload names the file of a downloaded credential,
// "<number>-<credential>.jwt"; the service answers whether it exists.
func credentialDownload(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, c := r.PathValue("number"), r.PathValue("credential")
		if credentialFileName.MatchString(n) && credentialFileName.MatchString(c) {
			w.Header().Set("Content-Disposition", `attachment; filename="`+n+"-"+c+`.jwt"`)
		}
		api.ServeHTTP(w, r)
	})
}
