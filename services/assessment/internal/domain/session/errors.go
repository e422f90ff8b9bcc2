package session

import "github.com/titrepro/titrepro/internal/apperr"

// Errors of the session aggregate. Compare with errors.Is: it matches on the
// reason, whatever message or metadata a copy carries.
var (
	// ErrNotFound: no session has this id.
	ErrNotFound = apperr.New(apperr.KindNotFound, "SESSION_NOT_FOUND", "session not found")
	// ErrRequestIDReused: the caller already used this request_id for
	// another creation (AIP-155).
	ErrRequestIDReused = apperr.New(apperr.KindAlreadyExists, "REQUEST_ID_REUSED",
		"request_id was already used for a different request")
	// ErrConcurrentUpdate: another change of the session committed while
	// this one was computed. The repository retries; callers see it only
	// when retries are exhausted.
	ErrConcurrentUpdate = apperr.New(apperr.KindAborted, "SESSION_CONCURRENT_UPDATE",
		"the session changed concurrently; retry")
	// ErrVersionConflict: the etag sent is not the session's current one.
	ErrVersionConflict = apperr.New(apperr.KindAborted, "SESSION_VERSION_CONFLICT",
		"the session changed since it was read; get it again and retry with its new etag")

	// ErrClosed: every juror signed the minutes; the session is immutable (R50).
	ErrClosed = apperr.New(apperr.KindFailedPrecondition, "SESSION_CLOSED",
		"the minutes are signed and the session is closed: nothing can change").WithRule("R50")
	// ErrCancelled: the session was cancelled; nothing changes any more.
	ErrCancelled = apperr.New(apperr.KindFailedPrecondition, "SESSION_CANCELLED",
		"the session was cancelled: nothing can change")
	// ErrNotPostponable: a session is postponed while planned, or once
	// opened only when its jury fell below two members before any
	// deliberation (R19, domain.md §9.2).
	ErrNotPostponable = apperr.New(apperr.KindFailedPrecondition, "SESSION_NOT_POSTPONABLE",
		"a session is postponed while planned, or once opened when its jury has fewer than two members and no candidacy is deliberated").WithRule("R19")
	// ErrNotCancellable: a session is cancelled while planned or opened,
	// before any deliberation.
	ErrNotCancellable = apperr.New(apperr.KindFailedPrecondition, "SESSION_NOT_CANCELLABLE",
		"a session is cancelled only before the jury deliberates on any candidacy")
	// ErrNotPlanned: the jury and the candidacies change only before the session opens.
	ErrNotPlanned = apperr.New(apperr.KindFailedPrecondition, "SESSION_NOT_PLANNED",
		"the session has opened: its jury and candidacies can no longer change")
	// ErrNotInProgress: evaluations and deliberations need an opened session.
	ErrNotInProgress = apperr.New(apperr.KindFailedPrecondition, "SESSION_NOT_IN_PROGRESS",
		"the session is not in progress")
	// ErrNotDeliberated: the minutes exist once every candidacy is deliberated.
	ErrNotDeliberated = apperr.New(apperr.KindFailedPrecondition, "SESSION_NOT_DELIBERATED",
		"the minutes are drawn up once every candidacy is deliberated").WithRule("R50")
	// ErrJuryTooSmall: a jury has at least two members (R19).
	ErrJuryTooSmall = apperr.New(apperr.KindFailedPrecondition, "JURY_TOO_SMALL",
		"a jury has at least two habilitated members").WithRule("R19")
	// ErrNoCandidacy: a session opens with at least one candidacy.
	ErrNoCandidacy = apperr.New(apperr.KindFailedPrecondition, "SESSION_WITHOUT_CANDIDACY",
		"register at least one candidacy before opening the session")

	// ErrJurorAlreadyAssigned: the juror sits on the jury with other details.
	ErrJurorAlreadyAssigned = apperr.New(apperr.KindAlreadyExists, "JUROR_ALREADY_ASSIGNED",
		"this juror is already assigned to the session with other details")
	// ErrJurorNotFound: no juror of the session has this subject.
	ErrJurorNotFound = apperr.New(apperr.KindNotFound, "JUROR_NOT_FOUND", "no such juror in this session")
	// ErrJurorNotAssigned: only the session's jurors evaluate, deliberate and sign.
	ErrJurorNotAssigned = apperr.New(apperr.KindPermissionDenied, "JUROR_NOT_ASSIGNED",
		"you are not a juror of this session")
	// ErrJurorRecused: the juror declared a link with the candidate and must
	// neither question nor deliberate on them (R21).
	ErrJurorRecused = apperr.New(apperr.KindPermissionDenied, "JUROR_CONFLICT_OF_INTEREST",
		"you declared a link with this candidate: you may neither evaluate nor deliberate on them").WithRule("R21")

	// ErrCandidacyNotFound: no candidacy of the session has this id.
	ErrCandidacyNotFound = apperr.New(apperr.KindNotFound, "CANDIDACY_NOT_FOUND", "no such candidacy in this session")
	// ErrCandidacyExists: the candidate is already registered to the session.
	ErrCandidacyExists = apperr.New(apperr.KindAlreadyExists, "CANDIDACY_ALREADY_EXISTS",
		"the candidate is already registered to this session")

	// ErrEvaluationLocked: the candidacy is deliberated; evaluations are
	// locked when the deliberation starts (domain.md §19.5).
	ErrEvaluationLocked = apperr.New(apperr.KindFailedPrecondition, "EVALUATION_LOCKED",
		"the candidacy is deliberated: its evaluations are locked")
	// ErrDossierMissing: no Dossier Professionnel snapshot is attached (R34, R49).
	ErrDossierMissing = apperr.New(apperr.KindFailedPrecondition, "DOSSIER_MISSING",
		"the candidate's Dossier Professionnel has not been submitted: the jury cannot deliberate without it").WithRule("R34")
	// ErrEvaluationMissing: a juror's evaluation is missing or incomplete (R49).
	ErrEvaluationMissing = apperr.New(apperr.KindFailedPrecondition, "EVALUATION_MISSING",
		"every juror's evaluation must be complete before the deliberation").WithRule("R49")
	// ErrSigningStarted: a juror signed the minutes; decisions are final (R50).
	ErrSigningStarted = apperr.New(apperr.KindFailedPrecondition, "MINUTES_SIGNING_STARTED",
		"a juror has signed the minutes: the deliberations can no longer change").WithRule("R50")
)
