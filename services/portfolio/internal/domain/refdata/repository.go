package refdata

import "context"

// Candidates stores the candidate projection.
type Candidates interface {
	// Get returns the candidate with this id, or ErrCandidateNotFound.
	Get(ctx context.Context, id string) (Candidate, error)
	// BySubject returns the candidate bound to this subject, or
	// ErrCandidateNotFound.
	BySubject(ctx context.Context, subject string) (Candidate, error)
	// Upsert stores c unless a version greater than or equal to c's is
	// stored already, and reports whether it wrote. The check is part of
	// the write.
	Upsert(ctx context.Context, c Candidate) (bool, error)
}

// Titles stores the published title versions.
type Titles interface {
	// Get returns a title version, or the latest published version of the
	// title when version is "", or ErrTitleNotFound.
	Get(ctx context.Context, id, version string) (Title, error)
	// Insert stores t unless the version is known already (published
	// versions are immutable), and reports whether it wrote.
	Insert(ctx context.Context, t Title) (bool, error)
}

// Sessions stores the sessions and their juries.
type Sessions interface {
	// Get returns the session, or ErrSessionNotFound.
	Get(ctx context.Context, id string) (Session, error)
	// Insert stores s unless it is known already, and reports whether it
	// wrote.
	Insert(ctx context.Context, s Session) (bool, error)
	// IsJuror reports whether subject is assigned to the session's jury.
	IsJuror(ctx context.Context, sessionID, subject string) (bool, error)
	// ApplyJuror records an assignment change unless a later change of the
	// same juror in the same session is stored already, and reports
	// whether it wrote.
	ApplyJuror(ctx context.Context, c JurorChange) (bool, error)
}

// Candidacies stores the candidacies and the jurors recused from them.
type Candidacies interface {
	// Get returns the candidacy, or ErrCandidacyNotFound.
	Get(ctx context.Context, id string) (Candidacy, error)
	// OfCandidate returns the candidacy of candidateID in session
	// sessionID, or ErrCandidacyNotFound.
	OfCandidate(ctx context.Context, sessionID, candidateID string) (Candidacy, error)
	// Insert stores c unless it is known already, and reports whether it
	// wrote.
	Insert(ctx context.Context, c Candidacy) (bool, error)
	// Recused reports whether juror subject is recused from the candidacy
	// of candidateID in session sessionID (R21).
	Recused(ctx context.Context, sessionID, candidateID, subject string) (bool, error)
	// RecusedCandidates returns the candidates of session sessionID from
	// whose candidacies juror subject is recused.
	RecusedCandidates(ctx context.Context, sessionID, subject string) ([]string, error)
	// ApplyRecusals records r unless a later change of the same candidacy
	// is stored already, and reports whether it wrote.
	ApplyRecusals(ctx context.Context, r Recusals) (bool, error)
}
