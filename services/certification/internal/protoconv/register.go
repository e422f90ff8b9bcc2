package protoconv

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/register"
)

// registerState converts the state of a register entry.
func registerState(s register.State) certificationv1.RegisterState {
	switch s {
	case register.Granted:
		return certificationv1.RegisterState_REGISTER_STATE_GRANTED
	case register.Withdrawn:
		return certificationv1.RegisterState_REGISTER_STATE_WITHDRAWN
	}
	return certificationv1.RegisterState_REGISTER_STATE_UNSPECIFIED
}

// optionalTime is a timestamp, absent for the zero time.
func optionalTime(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// Agrement converts an agrément.
func Agrement(a register.Agrement) *certificationv1.Agrement {
	return &certificationv1.Agrement{
		Id: a.ID, CentreId: a.CentreID, TitleId: a.TitleID, TitleVersion: a.TitleVersion, Site: a.Site,
		ValidFrom: a.ValidFrom.String(), ValidTo: a.ValidTo.String(), State: registerState(a.State),
		WithdrawalReason: a.WithdrawalReason, GrantTime: optionalTime(a.GrantedAt), WithdrawTime: optionalTime(a.WithdrawnAt),
		Version: a.Version,
	}
}

// AgrementInput reads the agrément of a grant request.
func AgrementInput(a *certificationv1.Agrement) register.AgrementInput {
	return register.AgrementInput{
		ID: a.GetId(), CentreID: a.GetCentreId(), TitleID: a.GetTitleId(), TitleVersion: a.GetTitleVersion(),
		Site: a.GetSite(), ValidFrom: a.GetValidFrom(), ValidTo: a.GetValidTo(),
	}
}

// Habilitation converts a habilitation. Without full, the juror's e-mail,
// experience and derogation reason are left out (what a centre reads).
func Habilitation(h register.Habilitation, full bool) *certificationv1.Habilitation {
	out := &certificationv1.Habilitation{
		Number: h.Number, JurorSubject: h.JurorSubject, JurorName: h.JurorName, TitleId: h.TitleID,
		ValidFrom: h.ValidFrom.String(), ValidTo: h.ValidTo.String(), Category: category(h.Category),
		Derogation: h.Derogation, Trainer: h.Trainer, State: registerState(h.State), WithdrawalReason: h.WithdrawalReason,
		GrantTime: optionalTime(h.GrantedAt), WithdrawTime: optionalTime(h.WithdrawnAt), Version: h.Version,
	}
	if full {
		out.JurorEmail = h.JurorEmail
		out.ExperienceYears = int32(h.ExperienceYears)
		out.LastPractised = h.LastPractised.String()
		out.DerogationReason = h.DerogationReason
	}
	return out
}

func category(c register.Category) certificationv1.HabilitationCategory {
	switch c {
	case register.Professional:
		return certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL
	case register.Supervisor:
		return certificationv1.HabilitationCategory_HABILITATION_CATEGORY_SUPERVISOR
	}
	return certificationv1.HabilitationCategory_HABILITATION_CATEGORY_UNSPECIFIED
}

// HabilitationInput reads the habilitation of a grant request.
func HabilitationInput(h *certificationv1.Habilitation) register.HabilitationInput {
	var c register.Category
	switch h.GetCategory() {
	case certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL:
		c = register.Professional
	case certificationv1.HabilitationCategory_HABILITATION_CATEGORY_SUPERVISOR:
		c = register.Supervisor
	}
	return register.HabilitationInput{
		Number: h.GetNumber(), JurorSubject: h.GetJurorSubject(), JurorName: h.GetJurorName(), JurorEmail: h.GetJurorEmail(),
		TitleID: h.GetTitleId(), ValidFrom: h.GetValidFrom(), ValidTo: h.GetValidTo(), Category: c,
		ExperienceYears: int(h.GetExperienceYears()), LastPractised: h.GetLastPractised(),
		Derogation: h.GetDerogation(), DerogationReason: h.GetDerogationReason(), Trainer: h.GetTrainer(),
	}
}

// CharterAcceptance converts a juror's acceptance of the charte.
func CharterAcceptance(c register.CharterAcceptance) *certificationv1.CharterAcceptance {
	return &certificationv1.CharterAcceptance{JurorSubject: c.JurorSubject, CharterVersion: c.Version, AcceptTime: timestamppb.New(c.AcceptedAt)}
}
