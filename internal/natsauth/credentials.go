package natsauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/titrepro/titrepro/internal/keyfile"
)

// CredentialsFile is the name of the embedded bus's credentials in the data
// folder. It holds private keys: mode 0600, and back it up with the rest.
const CredentialsFile = "nats-credentials.json"

// Credentials are the nkey seeds (private keys) of every identity of an
// embedded bus. The server only ever learns the public keys: a client proves
// it holds the seed by signing the server's nonce, so no secret crosses the
// (plaintext) connection.
type Credentials struct {
	keys map[string]nkeys.KeyPair
}

// credentialsJSON is the file format.
type credentialsJSON struct {
	// Seeds maps an identity to its nkey seed ("SU…").
	Seeds map[string]string `json:"seeds"`
}

// Generate returns fresh credentials for every identity, kept in memory
// (tests).
func Generate() (*Credentials, error) {
	c := &Credentials{keys: map[string]nkeys.KeyPair{}}
	return c, c.fill()
}

// fill creates the keys of identities that have none.
func (c *Credentials) fill() error {
	for _, name := range Names() {
		if _, ok := c.keys[name]; ok {
			continue
		}
		kp, err := nkeys.CreateUser()
		if err != nil {
			return fmt.Errorf("natsauth: create key for %s: %w", name, err)
		}
		c.keys[name] = kp
	}
	return nil
}

// LoadOrCreate reads the credentials at path, creating the file (mode 0600)
// at the first start. Identities added by a newer version get their key and
// the file is rewritten; existing keys never change, so the ministry's
// credentials stay valid across restarts and upgrades. A file readable by
// others is refused.
func LoadOrCreate(path string) (*Credentials, error) {
	c := &Credentials{keys: map[string]nkeys.KeyPair{}}
	err := c.read(path)
	first := errors.Is(err, fs.ErrNotExist)
	if err != nil && !first {
		return nil, err
	}
	missing := len(c.keys) < len(Names())
	if err := c.fill(); err != nil {
		return nil, err
	}
	if !missing {
		return c, nil
	}
	err = c.write(path, first)
	if first && errors.Is(err, fs.ErrExist) {
		// Another process (`serve` and `nats-credentials` started
		// together) created the file first: use its keys, not ours.
		return LoadOrCreate(path)
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Credentials) read(path string) error {
	data, err := keyfile.ReadPrivate(path)
	if err != nil {
		return fmt.Errorf("natsauth: credentials: %w", err) // fs.ErrNotExist is handled by the caller
	}
	var f credentialsJSON
	if err := json.Unmarshal(data, &f); err != nil {
		return fmt.Errorf("natsauth: credentials file %s: %w", path, err)
	}
	for name, seed := range f.Seeds {
		kp, err := nkeys.FromSeed([]byte(seed))
		if err != nil {
			return fmt.Errorf("natsauth: credentials file %s: seed of %s: %w", path, name, err)
		}
		if pub, err := kp.PublicKey(); err != nil || !nkeys.IsValidPublicUserKey(pub) {
			return fmt.Errorf("natsauth: credentials file %s: the seed of %s is not a user key", path, name)
		}
		c.keys[name] = kp
	}
	return nil
}

// write writes the file atomically and 0600 (keyfile.WritePrivate). When
// create is set the file must not exist yet, and an fs.ErrExist error says
// another process won; otherwise it is replaced.
func (c *Credentials) write(path string, create bool) error {
	f := credentialsJSON{Seeds: map[string]string{}}
	for name, kp := range c.keys {
		seed, err := kp.Seed()
		if err != nil {
			return fmt.Errorf("natsauth: seed of %s: %w", name, err)
		}
		f.Seeds[name] = string(seed)
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("natsauth: encode credentials: %w", err)
	}
	if err := keyfile.WritePrivate(path, append(data, '\n'), !create); err != nil {
		return fmt.Errorf("natsauth: write credentials file: %w", err)
	}
	return nil
}

func (c *Credentials) key(name string) (nkeys.KeyPair, error) {
	kp, ok := c.keys[name]
	if !ok {
		return nil, fmt.Errorf("natsauth: unknown identity %q", name)
	}
	return kp, nil
}

// PublicKey returns the identity's public nkey ("U…"), its user name on
// the server.
func (c *Credentials) PublicKey(name string) (string, error) {
	kp, err := c.key(name)
	if err != nil {
		return "", err
	}
	return kp.PublicKey()
}

// Seed returns the identity's seed, the secret a client connects with.
func (c *Credentials) Seed(name string) (string, error) {
	kp, err := c.key(name)
	if err != nil {
		return "", err
	}
	seed, err := kp.Seed()
	return string(seed), err
}

// ConnectOptions authenticate a connection as the identity and set its
// inbox prefix.
func (c *Credentials) ConnectOptions(name string) ([]nats.Option, error) {
	kp, err := c.key(name)
	if err != nil {
		return nil, err
	}
	pub, err := kp.PublicKey()
	if err != nil {
		return nil, err
	}
	return []nats.Option{nats.Nkey(pub, kp.Sign), nats.CustomInboxPrefix(InboxPrefix(name))}, nil
}

// User is one identity as the server knows it.
type User struct {
	Name        string
	PublicKey   string
	Permissions *Permissions // nil: everything (Admin)
}

// Users returns every identity with its public key and permissions.
func (c *Credentials) Users() ([]User, error) {
	users := make([]User, 0, len(c.keys))
	for _, name := range Names() {
		pub, err := c.PublicKey(name)
		if err != nil {
			return nil, err
		}
		perms, err := PermissionsFor(name)
		if err != nil {
			return nil, err
		}
		users = append(users, User{Name: name, PublicKey: pub, Permissions: perms})
	}
	return users, nil
}
