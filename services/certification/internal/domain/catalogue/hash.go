package catalogue

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// CanonicalJSON returns the content of the title version as compact JSON with
// a fixed field order, the YAML field names and dates as YYYY-MM-DD. It is the
// form to store: UnmarshalTitleVersion reads it back, and ContentHash hashes
// it. Comments and layout of the YAML file do not change it.
func (t TitleVersion) CanonicalJSON() ([]byte, error) {
	return json.Marshal(toDocument(t))
}

// ContentHash returns the hex SHA-256 of CanonicalJSON. Two title versions
// with the same hash have the same content.
func (t TitleVersion) ContentHash() (string, error) {
	data, err := t.CanonicalJSON()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// VerifyUnchanged compares t with the content hash stored for the same
// (code, version). It returns nil when they match, so that loading the same
// referential twice is a no-op, and ErrTitleVersionChanged when they differ:
// a published title version is immutable.
func (t TitleVersion) VerifyUnchanged(storedHash string) error {
	hash, err := t.ContentHash()
	if err != nil {
		return err
	}
	if hash == storedHash {
		return nil
	}
	return ErrTitleVersionChanged.
		WithMessage("title "+t.Code+" version "+t.Version+" is already published with other content; publish a new version").
		WithMeta("title", t.Code).WithMeta("version", t.Version).
		WithMeta("stored_hash", storedHash).WithMeta("new_hash", hash)
}

// UnmarshalTitleVersion rebuilds a title version from its CanonicalJSON, as
// stored by a repository, and validates it again. A failure means the
// stored data is corrupt: it returns ErrCorruptTitleVersion, whose cause
// holds the details.
func UnmarshalTitleVersion(data []byte) (TitleVersion, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return TitleVersion{}, ErrCorruptTitleVersion.WithCause(err)
	}
	t, vs := doc.toTitle()
	vs = mergeViolations(vs, validate(t))
	if len(vs) > 0 {
		return TitleVersion{}, ErrCorruptTitleVersion.WithCause(invalidError(vs))
	}
	return t, nil
}
