package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// maxDocumentSize bounds what we read from the identity provider.
const maxDocumentSize = 1 << 20

// fetchTimeout bounds one key set fetch; it runs detached from the request
// that triggered it so that a short RPC deadline cannot starve the cache.
const fetchTimeout = 10 * time.Second

var errUnknownKeyID = errors.New("unknown key id")

// keyCache holds the verification keys by kid. It refetches the key set when a
// token names an unknown kid or when the set is older than maxAge, but never
// more than once per minInterval (failed attempts count), and concurrent
// callers share one fetch. Without the rate limit, tokens with random kids
// would let anyone drive requests to the identity provider (go-oidc PR #482).
type keyCache struct {
	fetch       func(context.Context) (jose.JSONWebKeySet, error)
	now         func() time.Time
	minInterval time.Duration
	maxAge      time.Duration

	mu       sync.Mutex
	keys     map[string]jose.JSONWebKey
	loadedAt time.Time     // last successful fetch; zero until the first one
	triedAt  time.Time     // last fetch attempt
	lastErr  error         // error of the last attempt, nil after a success
	inflight chan struct{} // closed when the running fetch ends; nil when idle
}

// key returns the key named kid.
func (c *keyCache) key(ctx context.Context, kid string) (jose.JSONWebKey, error) {
	c.mu.Lock()
	k, found := c.keys[kid]
	fresh := !c.loadedAt.IsZero() && c.now().Sub(c.loadedAt) < c.maxAge
	c.mu.Unlock()
	if found && fresh {
		return k, nil
	}

	if err := c.refresh(ctx); err != nil {
		return jose.JSONWebKey{}, err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if k, found := c.keys[kid]; found {
		return k, nil
	}
	if c.loadedAt.IsZero() {
		return jose.JSONWebKey{}, fmt.Errorf("%w: %w", ErrKeysUnavailable, c.lastErr)
	}
	return jose.JSONWebKey{}, errUnknownKeyID
}

// refresh starts a fetch unless one is running or the rate limit forbids it,
// then waits for the running fetch, if any, or for ctx.
func (c *keyCache) refresh(ctx context.Context) error {
	c.mu.Lock()
	done := c.inflight
	if done == nil {
		if !c.triedAt.IsZero() && c.now().Sub(c.triedAt) < c.minInterval {
			c.mu.Unlock()
			return nil
		}
		c.triedAt = c.now()
		done = make(chan struct{})
		c.inflight = done
		go c.load(done)
	}
	c.mu.Unlock()

	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// load fetches the key set and swaps it in. On failure the previous keys stay:
// an identity provider outage must not log everybody out.
func (c *keyCache) load(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	set, err := c.fetch(ctx)

	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.lastErr = err
	} else {
		c.keys = indexKeys(set)
		c.loadedAt = c.now()
		c.lastErr = nil
	}
	c.inflight = nil
	close(done)
}

// indexKeys keeps the public signature keys that have a kid and a key type we
// can verify with. Symmetric ("oct") keys are dropped: a JWKS must never turn
// an HS* token into a valid one.
func indexKeys(set jose.JSONWebKeySet) map[string]jose.JSONWebKey {
	keys := make(map[string]jose.JSONWebKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.KeyID == "" || (k.Use != "" && k.Use != "sig") {
			continue
		}
		if !k.IsPublic() {
			k = k.Public()
		}
		switch k.Key.(type) {
		case ed25519.PublicKey, *rsa.PublicKey, *ecdsa.PublicKey:
		default:
			continue
		}
		if _, dup := keys[k.KeyID]; !dup {
			keys[k.KeyID] = k
		}
	}
	return keys
}

// parseKeySet decodes a JWKS document key by key, skipping the keys go-jose
// cannot parse (an unsupported curve, say) instead of rejecting the whole set.
func parseKeySet(data []byte) (jose.JSONWebKeySet, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return jose.JSONWebKeySet{}, fmt.Errorf("decode JWKS: %w", err)
	}
	var set jose.JSONWebKeySet
	for _, raw := range doc.Keys {
		var k jose.JSONWebKey
		if err := k.UnmarshalJSON(raw); err != nil {
			continue
		}
		set.Keys = append(set.Keys, k)
	}
	if len(set.Keys) == 0 {
		return jose.JSONWebKeySet{}, errors.New("JWKS holds no usable key")
	}
	return set, nil
}

// httpKeySet fetches a JWKS document from url.
func httpKeySet(client *http.Client, url string) func(context.Context) (jose.JSONWebKeySet, error) {
	return func(ctx context.Context) (jose.JSONWebKeySet, error) {
		data, err := getDocument(ctx, client, url)
		if err != nil {
			return jose.JSONWebKeySet{}, err
		}
		return parseKeySet(data)
	}
}

// discoveryKeySet reads the OIDC discovery document, checks that it names the
// expected issuer exactly (ASVS 10.5.3) and fetches its jwks_uri. Discovery is
// repeated on every fetch, which the rate limit keeps rare, so that a moved
// jwks_uri is followed without restart.
func discoveryKeySet(client *http.Client, discoveryURL, issuer string) func(context.Context) (jose.JSONWebKeySet, error) {
	return func(ctx context.Context) (jose.JSONWebKeySet, error) {
		data, err := getDocument(ctx, client, discoveryURL)
		if err != nil {
			return jose.JSONWebKeySet{}, err
		}
		var doc struct {
			Issuer  string `json:"issuer"`
			JWKSURI string `json:"jwks_uri"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			return jose.JSONWebKeySet{}, fmt.Errorf("decode discovery document: %w", err)
		}
		if doc.Issuer != issuer {
			return jose.JSONWebKeySet{}, fmt.Errorf("discovery document names issuer %q, want %q", doc.Issuer, issuer)
		}
		if doc.JWKSURI == "" {
			return jose.JSONWebKeySet{}, errors.New("discovery document has no jwks_uri")
		}
		return httpKeySet(client, doc.JWKSURI)(ctx)
	}
}

func getDocument(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", url, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get %s: status %s", url, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", url, err)
	}
	if len(data) > maxDocumentSize {
		return nil, fmt.Errorf("get %s: document larger than %d bytes", url, maxDocumentSize)
	}
	return data, nil
}
