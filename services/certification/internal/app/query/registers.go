package query

import (
	"context"
	"errors"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/paging"

	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
)

// RegistersHandler reads the ministry's registers: the ministry and admin
// read everything; a centre its own agréments and the juror register
// (without the jurors' private details); a juror their own habilitations.
type RegistersHandler struct {
	registers register.Repository
}

// NewRegistersHandler returns the handler.
func NewRegistersHandler(registers register.Repository) RegistersHandler {
	return RegistersHandler{registers: registers}
}

// Agrement returns one agrément: any for the ministry and admin, its own
// for a centre; everything else is register.ErrReadDenied, whether or not
// the agrément exists.
func (h RegistersHandler) Agrement(ctx context.Context, id string) (register.Agrement, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return register.Agrement{}, err
	}
	staff := p.HasAny(auth.RoleMinistry, auth.RoleAdmin)
	if !staff && !p.Has(auth.RoleCentre) {
		return register.Agrement{}, register.ErrReadDenied
	}
	a, err := h.registers.Agrement(ctx, id)
	if !staff && (errors.Is(err, register.ErrAgrementNotFound) || (err == nil && (p.Centre == "" || a.CentreID != p.Centre))) {
		return register.Agrement{}, register.ErrReadDenied
	}
	return a, err
}

// ListAgrements asks for one page of agréments.
type ListAgrements struct {
	PageSize  int32
	PageToken string
	CentreID  string
	TitleID   string
}

// AgrementPage is one page of agréments, by id.
type AgrementPage struct {
	Agrements     []register.Agrement
	NextPageToken string
}

// ListAgrements lists agréments: a centre's own only (naming another
// centre is register.ErrReadDenied).
func (h RegistersHandler) ListAgrements(ctx context.Context, q ListAgrements) (AgrementPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return AgrementPage{}, err
	}
	f := register.AgrementFilter{CentreID: q.CentreID, TitleID: q.TitleID}
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin):
	case p.Has(auth.RoleCentre) && p.Centre != "":
		if q.CentreID != "" && q.CentreID != p.Centre {
			return AgrementPage{}, register.ErrReadDenied
		}
		f.CentreID = p.Centre
	default:
		return AgrementPage{}, register.ErrReadDenied
	}
	listing := "agrements|centre=" + f.CentreID + "|title=" + f.TitleID
	var after string
	size, _, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return AgrementPage{}, err
	}
	rows, err := h.registers.ListAgrements(ctx, f, after, size+1)
	if err != nil {
		return AgrementPage{}, err
	}
	page, next, err := paging.Next(listing, rows, size, func(a register.Agrement) string { return a.ID })
	if err != nil {
		return AgrementPage{}, err
	}
	return AgrementPage{Agrements: page, NextPageToken: next}, nil
}

// Habilitation is a habilitation as the caller may see it: Full is false
// for a centre, which does not see the juror's e-mail and experience.
type Habilitation struct {
	register.Habilitation
	Full bool
}

// Habilitation returns one habilitation: any for the ministry, admin and
// centres (without private details), a juror's own for a juror.
func (h RegistersHandler) Habilitation(ctx context.Context, number string) (Habilitation, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return Habilitation{}, err
	}
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin):
		x, err := h.registers.Habilitation(ctx, number)
		return Habilitation{x, true}, err
	case p.Has(auth.RoleCentre):
		x, err := h.registers.Habilitation(ctx, number)
		return Habilitation{x, false}, err
	case p.Has(auth.RoleJuror):
		x, err := h.registers.Habilitation(ctx, number)
		if errors.Is(err, register.ErrHabilitationNotFound) || (err == nil && x.JurorSubject != p.Subject) {
			return Habilitation{}, register.ErrReadDenied
		}
		return Habilitation{x, true}, err
	}
	return Habilitation{}, register.ErrReadDenied
}

// ListHabilitations asks for one page of the juror register.
type ListHabilitations struct {
	PageSize     int32
	PageToken    string
	TitleID      string
	ValidFrom    string
	ValidTo      string
	JurorSubject string
}

// HabilitationPage is one page of the juror register, by number.
type HabilitationPage struct {
	Habilitations []register.Habilitation
	Full          bool
	NextPageToken string
}

// ListHabilitations lists the juror register: all of it for the ministry,
// admin and centres (without private details for centres), a juror's own
// for a juror (naming another juror is register.ErrReadDenied).
func (h RegistersHandler) ListHabilitations(ctx context.Context, q ListHabilitations) (HabilitationPage, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return HabilitationPage{}, err
	}
	var v apperr.Violations
	for field, s := range map[string]string{"valid_from": q.ValidFrom, "valid_to": q.ValidTo} {
		if _, err := civildate.Parse(s); s != "" && err != nil {
			v.Add(field, "a date YYYY-MM-DD")
		}
	}
	if err := v.Err(); err != nil {
		return HabilitationPage{}, err
	}
	f := register.HabilitationFilter{TitleID: q.TitleID, JurorSubject: q.JurorSubject, From: q.ValidFrom, To: q.ValidTo}
	full := true
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin):
	case p.Has(auth.RoleCentre):
		full = false
	case p.Has(auth.RoleJuror):
		if q.JurorSubject != "" && q.JurorSubject != p.Subject && q.JurorSubject != "me" {
			return HabilitationPage{}, register.ErrReadDenied
		}
		f.JurorSubject = p.Subject
	default:
		return HabilitationPage{}, register.ErrReadDenied
	}
	listing := "habilitations|subject=" + p.Subject + "|juror=" + f.JurorSubject + "|title=" + f.TitleID + "|from=" + f.From + "|to=" + f.To
	var after string
	size, _, err := paging.Start(q.PageSize, listing, q.PageToken, &after)
	if err != nil {
		return HabilitationPage{}, err
	}
	rows, err := h.registers.ListHabilitations(ctx, f, after, size+1)
	if err != nil {
		return HabilitationPage{}, err
	}
	page, next, err := paging.Next(listing, rows, size, func(x register.Habilitation) string { return x.Number })
	if err != nil {
		return HabilitationPage{}, err
	}
	return HabilitationPage{Habilitations: page, Full: full, NextPageToken: next}, nil
}

// JurorCharter is where a juror stands with the charte de déontologie:
// the current version and, when accepted, the acceptance.
type JurorCharter struct {
	CurrentVersion string
	Acceptance     *register.CharterAcceptance
}

// JurorCharter reads where juror subject ("me" for the caller) stands
// with the current charte (R23): for the juror themselves, the ministry
// and admin.
func (h RegistersHandler) JurorCharter(ctx context.Context, subject string) (JurorCharter, error) {
	p, err := auth.Require(ctx)
	if err != nil {
		return JurorCharter{}, err
	}
	switch {
	case p.HasAny(auth.RoleMinistry, auth.RoleAdmin) && subject != "me":
	case p.Has(auth.RoleJuror) && (subject == "me" || subject == p.Subject):
		subject = p.Subject
	default:
		return JurorCharter{}, register.ErrReadDenied
	}
	out := JurorCharter{CurrentVersion: register.CharterVersion}
	c, err := h.registers.CharterAcceptance(ctx, subject, register.CharterVersion)
	switch {
	case errors.Is(err, register.ErrCharterNotAccepted):
	case err != nil:
		return JurorCharter{}, err
	default:
		out.Acceptance = &c
	}
	return out, nil
}
