package command

import (
	"context"
	"errors"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
)

// ErrTitleUnknown: a register entry names a title (version) the catalogue
// does not hold.
var ErrTitleUnknown = apperr.New(apperr.KindFailedPrecondition, "TITLE_UNKNOWN",
	"the title version is not in the catalogue")

// RegistersHandler records the ministry's registers: agréments,
// habilitations, and the jurors' acceptance of the charte.
type RegistersHandler struct {
	registers register.Repository
	titles    catalogue.Repository
	now       func() time.Time
}

// NewRegistersHandler returns the handler.
func NewRegistersHandler(registers register.Repository, titles catalogue.Repository, now func() time.Time) RegistersHandler {
	return RegistersHandler{registers: registers, titles: titles, now: now}
}

// endOf returns a title version's last day of validity, zero when open.
func endOf(p catalogue.Published) civildate.Date {
	if p.Title.ValidTo.IsZero() {
		return civildate.Date{}
	}
	return civildate.Of(p.Title.ValidTo)
}

// ministry authorises a write of the registers: the ministry only (admin is
// read-only).
func ministry(ctx context.Context) (auth.Principal, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return auth.Principal{}, err
	}
	if !p.Has(auth.RoleMinistry) {
		return auth.Principal{}, register.ErrWriteDenied
	}
	return p, nil
}

// unknownTitle turns the catalogue's not-found into TITLE_UNKNOWN on field.
func unknownTitle(err error, message string) error {
	if errors.Is(err, catalogue.ErrTitleNotFound) {
		return ErrTitleUnknown.WithMessage(message)
	}
	return err
}

// GrantAgrement records an agrément (R8, R9): the title version must be in
// the catalogue and the agrément end no later than it. It reports whether
// this call recorded it.
func (h RegistersHandler) GrantAgrement(ctx context.Context, in register.AgrementInput) (register.Agrement, bool, error) {
	p, err := ministry(ctx)
	if err != nil {
		return register.Agrement{}, false, err
	}
	var titleEnd civildate.Date
	if in.TitleID != "" && in.TitleVersion != "" {
		t, err := h.titles.Get(ctx, catalogue.Key{Code: in.TitleID, Version: in.TitleVersion})
		if err != nil {
			return register.Agrement{}, false, unknownTitle(err, "title "+in.TitleID+" version "+in.TitleVersion+" is not in the catalogue")
		}
		titleEnd = endOf(t)
	}
	a, err := register.NewAgrement(in, titleEnd, p.Subject, h.now())
	if err != nil {
		return register.Agrement{}, false, err
	}
	return h.registers.GrantAgrement(ctx, a)
}

// WithdrawAgrement withdraws an agrément with a reason.
func (h RegistersHandler) WithdrawAgrement(ctx context.Context, id, reason string) (register.Agrement, error) {
	p, err := ministry(ctx)
	if err != nil {
		return register.Agrement{}, err
	}
	if err := register.CheckReason(reason); err != nil {
		return register.Agrement{}, err
	}
	return h.registers.UpdateAgrement(ctx, id, func(a *register.Agrement) (bool, error) {
		return a.Withdraw(reason, p.Subject, h.now())
	})
}

// GrantHabilitation records a habilitation (R17, R18): the title must be
// in the catalogue, and the habilitation end no later than its latest
// version.
func (h RegistersHandler) GrantHabilitation(ctx context.Context, in register.HabilitationInput) (register.Habilitation, bool, error) {
	p, err := ministry(ctx)
	if err != nil {
		return register.Habilitation{}, false, err
	}
	var titleEnd civildate.Date
	if in.TitleID != "" {
		t, err := h.titles.Latest(ctx, in.TitleID)
		if err != nil {
			return register.Habilitation{}, false, unknownTitle(err, "title "+in.TitleID+" is not in the catalogue")
		}
		titleEnd = endOf(t)
	}
	hab, err := register.NewHabilitation(in, titleEnd, p.Subject, h.now())
	if err != nil {
		return register.Habilitation{}, false, err
	}
	return h.registers.GrantHabilitation(ctx, hab)
}

// WithdrawHabilitation withdraws a habilitation with a reason.
func (h RegistersHandler) WithdrawHabilitation(ctx context.Context, number, reason string) (register.Habilitation, error) {
	p, err := ministry(ctx)
	if err != nil {
		return register.Habilitation{}, err
	}
	if err := register.CheckReason(reason); err != nil {
		return register.Habilitation{}, err
	}
	return h.registers.UpdateHabilitation(ctx, number, func(x *register.Habilitation) (bool, error) {
		return x.Withdraw(reason, p.Subject, h.now())
	})
}

// AcceptCharter records that the calling juror accepts the charte de
// déontologie (R23). subject is "me" or the caller's own subject.
func (h RegistersHandler) AcceptCharter(ctx context.Context, subject, version string) (register.CharterAcceptance, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return register.CharterAcceptance{}, err
	}
	if !p.Has(auth.RoleJuror) || (subject != "me" && subject != p.Subject) {
		return register.CharterAcceptance{}, apperr.New(apperr.KindPermissionDenied, "PERMISSION_DENIED",
			"a juror accepts the charte for themselves only")
	}
	c, err := register.AcceptCharter(p.Subject, version, h.now())
	if err != nil {
		return register.CharterAcceptance{}, err
	}
	return h.registers.AcceptCharter(ctx, c)
}
