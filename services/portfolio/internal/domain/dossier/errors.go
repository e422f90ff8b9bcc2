package dossier

import "github.com/titrepro/titrepro/internal/apperr"

// Errors of the dossier domain. Compare with errors.Is: it matches on the
// reason, whatever message or metadata a copy carries.
var (
	// ErrNotFound: no dossier has this id.
	ErrNotFound = apperr.New(apperr.KindNotFound, "DOSSIER_NOT_FOUND", "dossier not found")
	// ErrAlreadyExists: the candidate already has a dossier for this title
	// version.
	ErrAlreadyExists = apperr.New(apperr.KindAlreadyExists, "DOSSIER_ALREADY_EXISTS",
		"the candidate already has a dossier for this title version")
	// ErrRequestIDReused: the caller already used this request_id for
	// another request (AIP-155).
	ErrRequestIDReused = apperr.New(apperr.KindAlreadyExists, "REQUEST_ID_REUSED",
		"request_id was already used for a different request")
	// ErrVersionConflict: the etag sent is not the current one.
	ErrVersionConflict = apperr.New(apperr.KindAborted, "DOSSIER_VERSION_CONFLICT",
		"the dossier changed since it was read; get it again and retry with its new etag")
	// ErrDocumentNotFound: the dossier (or snapshot) holds no such document.
	ErrDocumentNotFound = apperr.New(apperr.KindNotFound, "DOCUMENT_NOT_FOUND", "document not found")
	// ErrSnapshotNotFound: the dossier has no such snapshot.
	ErrSnapshotNotFound = apperr.New(apperr.KindNotFound, "SNAPSHOT_NOT_FOUND", "snapshot not found")

	// ErrDocumentEmpty: an upload without content.
	ErrDocumentEmpty = apperr.New(apperr.KindInvalidArgument, "DOCUMENT_EMPTY", "the document is empty")
	// ErrDocumentTooLarge: a file over the per-file limit.
	ErrDocumentTooLarge = apperr.New(apperr.KindResourceExhausted, "DOCUMENT_TOO_LARGE",
		"the document exceeds the size limit per file")
	// ErrDossierTooLarge: the file would take the dossier's documents over
	// the per-dossier limit.
	ErrDossierTooLarge = apperr.New(apperr.KindResourceExhausted, "DOSSIER_TOO_LARGE",
		"the document would take the dossier over its size limit")
	// ErrTooManyDocuments: the dossier holds the maximum number of
	// documents (ASVS 5.2.4 file-count quota).
	ErrTooManyDocuments = apperr.New(apperr.KindResourceExhausted, "DOSSIER_DOCUMENT_LIMIT",
		"the dossier holds the maximum number of documents")

	// ErrContentDamaged: the stored content of a document is missing or
	// no longer matches the size and SHA-256 its document records (a disk
	// fault, a file changed behind the service's back). The content is
	// never served; operators restore it from a backup.
	ErrContentDamaged = apperr.New(apperr.KindDataLoss, "BLOB_INTEGRITY",
		"the stored content of this document is damaged and cannot be served")

	// ErrIncomplete: the dossier cannot be submitted yet; the violations
	// name every field to complete and the rule names the first rule
	// broken (meta "rules" lists them all).
	ErrIncomplete = apperr.New(apperr.KindFailedPrecondition, "DOSSIER_INCOMPLETE",
		"the dossier is incomplete and cannot be submitted")
	// ErrCandidacyUnknown: no candidacy of the dossier's candidate in the
	// session is known (yet). A candidacy of another person, or in another
	// session, gets this very answer: a dossier goes only onto its owner's
	// candidacy, and nothing about another's leaks.
	ErrCandidacyUnknown = apperr.New(apperr.KindFailedPrecondition, "CANDIDACY_UNKNOWN",
		"no candidacy of the dossier's candidate in this session is known: check the ids, or retry in a moment if the candidate was just registered")
	// ErrSessionTitleMismatch: the session is not held for the dossier's
	// title version.
	ErrSessionTitleMismatch = apperr.New(apperr.KindFailedPrecondition, "SESSION_TITLE_MISMATCH",
		"the session is not held for the dossier's title version")
)
