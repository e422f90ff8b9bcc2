package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"sync"
	"time"
)

// codeGrant is what an authorization code stands for, bound to the
// request that obtained it.
type codeGrant struct {
	clientID    string
	redirectURI string
	challenge   string // PKCE S256 code challenge
	nonce       string
	principal   Principal
	authTime    time.Time
	expires     time.Time
}

// errTooManyCodes is returned when the store is full of live codes.
var errTooManyCodes = errors.New("too many authorization codes awaiting exchange")

// codeStore keeps the authorization codes waiting for their exchange, at
// most max of them, by the SHA-256 of the code (a map lookup by the code
// itself would compare secrets in variable time). A code is removed by its
// first exchange attempt, whatever its outcome, and dies after CodeTTL.
type codeStore struct {
	max int
	now func() time.Time

	mu     sync.Mutex
	grants map[[sha256.Size]byte]codeGrant
}

func newCodeStore(max int, now func() time.Time) *codeStore {
	return &codeStore{max: max, now: now, grants: map[[sha256.Size]byte]codeGrant{}}
}

// put stores g under a fresh random code, valid CodeTTL from now, and
// returns the code. When the store is full it first forgets the expired
// codes; when it is still full it refuses rather than evicting a live code
// someone is about to exchange.
func (s *codeStore) put(g codeGrant) (string, error) {
	raw := make([]byte, 32)
	_, _ = rand.Read(raw) // never fails (crypto/rand)
	code := base64.RawURLEncoding.EncodeToString(raw)

	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	if len(s.grants) >= s.max {
		for k, old := range s.grants {
			if !now.Before(old.expires) {
				delete(s.grants, k)
			}
		}
	}
	if len(s.grants) >= s.max {
		return "", errTooManyCodes
	}
	g.expires = now.Add(CodeTTL)
	s.grants[sha256.Sum256([]byte(code))] = g
	return code, nil
}

// take removes code and returns its grant, unless it is unknown or expired.
func (s *codeStore) take(code string) (codeGrant, bool) {
	key := sha256.Sum256([]byte(code))
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.grants[key]
	if !ok {
		return codeGrant{}, false
	}
	delete(s.grants, key)
	if !s.now().Before(g.expires) {
		return codeGrant{}, false
	}
	return g, true
}
