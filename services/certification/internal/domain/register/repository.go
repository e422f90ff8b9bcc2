package register

import "context"

// AgrementFilter narrows a listing of agréments; empty fields do not.
type AgrementFilter struct {
	CentreID string
	TitleID  string
}

// HabilitationFilter narrows a listing of the juror register; empty fields
// do not. From and To, when set, keep the GRANTED habilitations valid over
// the whole period.
type HabilitationFilter struct {
	TitleID      string
	JurorSubject string
	From, To     string // "YYYY-MM-DD"
}

// Repository stores the registers. Every change is written in one
// transaction with its event.
type Repository interface {
	// GrantAgrement records a with AgrementGranted. When the id is taken by
	// the same grant it returns the stored agrément and false; by another,
	// ErrAgrementExists.
	GrantAgrement(ctx context.Context, a Agrement) (Agrement, bool, error)
	// UpdateAgrement applies change to the stored agrément in a
	// transaction; when change reports a change it is stored with
	// AgrementWithdrawn. ErrAgrementNotFound when there is none.
	UpdateAgrement(ctx context.Context, id string, change func(*Agrement) (bool, error)) (Agrement, error)
	// Agrement returns one agrément or ErrAgrementNotFound.
	Agrement(ctx context.Context, id string) (Agrement, error)
	// ListAgrements returns at most limit agréments matching f, by id,
	// after the id after.
	ListAgrements(ctx context.Context, f AgrementFilter, after string, limit int) ([]Agrement, error)

	// GrantHabilitation records h with HabilitationGranted, as
	// GrantAgrement.
	GrantHabilitation(ctx context.Context, h Habilitation) (Habilitation, bool, error)
	// UpdateHabilitation is UpdateAgrement for habilitations
	// (HabilitationWithdrawn).
	UpdateHabilitation(ctx context.Context, number string, change func(*Habilitation) (bool, error)) (Habilitation, error)
	// Habilitation returns one habilitation or ErrHabilitationNotFound.
	Habilitation(ctx context.Context, number string) (Habilitation, error)
	// ListHabilitations returns at most limit habilitations matching f, by
	// number, after the number after.
	ListHabilitations(ctx context.Context, f HabilitationFilter, after string, limit int) ([]Habilitation, error)

	// AcceptCharter records c with JurorCharterAccepted, unless the juror
	// accepted that version already: then it returns the first acceptance.
	AcceptCharter(ctx context.Context, c CharterAcceptance) (CharterAcceptance, error)
	// CharterAcceptance returns the juror's acceptance of a version of the
	// charte, or ErrCharterNotAccepted.
	CharterAcceptance(ctx context.Context, subject, version string) (CharterAcceptance, error)
}
