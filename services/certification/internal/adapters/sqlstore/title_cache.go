package sqlstore

import (
	"sync"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
)

// parsedTitles remembers decoded title versions by content hash. A published
// title version is immutable and its content hash is the SHA-256 of its
// canonical document, so the decoded value is a pure function of the key:
// every reader (GetTitle is public and the hottest read of the service) can
// share it instead of decoding the same JSON again — a profile showed that
// decoding was a fifth of a GetTitle call. Values are shared read-only; the
// number of titles is small (a few hundred exist), and the cache is bounded
// anyway.
var parsedTitles = titleCache{max: 1024, byHash: map[string]catalogue.TitleVersion{}}

type titleCache struct {
	mu     sync.RWMutex
	max    int
	byHash map[string]catalogue.TitleVersion
}

// decode returns the title whose canonical document is doc and whose stored
// content hash is hash. A document is decoded, and its hash checked, the
// first time only.
func (c *titleCache) decode(hash, doc string) (catalogue.TitleVersion, error) {
	c.mu.RLock()
	t, ok := c.byHash[hash]
	c.mu.RUnlock()
	if ok {
		return t, nil
	}
	t, err := catalogue.UnmarshalTitleVersion([]byte(doc))
	if err != nil {
		return catalogue.TitleVersion{}, err
	}
	// Only a document that matches its stored hash may stand for that
	// hash: a row altered in the database must not poison the cache.
	if err := t.VerifyUnchanged(hash); err != nil {
		return catalogue.TitleVersion{}, catalogue.ErrCorruptTitleVersion.WithCause(err)
	}
	c.mu.Lock()
	if len(c.byHash) < c.max {
		c.byHash[hash] = t
	}
	c.mu.Unlock()
	return t, nil
}
