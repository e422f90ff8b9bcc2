// Package catalogue holds the certification catalogue: the versions of the
// titres professionnels (TP), their CCPs (blocs de compétences), competences
// and épreuves.
//
// A TitleVersion is immutable reference data. Once a version of a title is
// published, sessions, decisions and awards reference that exact version
// (docs/domain.md §2, R44), so its content never changes: a correction is a
// new version with a new version id. ContentHash lets a loader tell "this
// version is already loaded" from "this version id now has other content",
// and VerifyUnchanged turns the latter into an error.
//
// Title versions are written as YAML files (one per version, see
// referentiels/ at the repository root) and read with Parse or LoadDir.
// Parsing is strict: unknown fields, type errors and rule violations are
// reported together, each with the file, the line and the field path.
//
// The package is pure domain code: it does no I/O of its own beyond the
// fs.FS handed to LoadDir, and it does not embed the referentials (go:embed
// cannot reach outside the module folder); the caller chooses the fs.FS.
package catalogue
