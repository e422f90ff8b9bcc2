package protoconv

import (
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/register"
)

// AgrementFromProto reads an agrément as AgrementGranted and
// AgrementWithdrawn carry it.
func AgrementFromProto(a *certificationv1.Agrement) register.Agrement {
	return register.Agrement{
		ID: a.GetId(), CentreID: a.GetCentreId(), TitleID: a.GetTitleId(), TitleVersion: a.GetTitleVersion(),
		Site: a.GetSite(), ValidFrom: optionalDate(a.GetValidFrom()), ValidTo: optionalDate(a.GetValidTo()),
		Granted: a.GetState() == certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: a.GetVersion(),
	}
}

// HabilitationFromProto reads a habilitation as HabilitationGranted and
// HabilitationWithdrawn carry it.
func HabilitationFromProto(h *certificationv1.Habilitation) register.Habilitation {
	return register.Habilitation{
		Number: h.GetNumber(), JurorSubject: h.GetJurorSubject(), JurorName: h.GetJurorName(), JurorEmail: h.GetJurorEmail(),
		TitleID: h.GetTitleId(), ValidFrom: optionalDate(h.GetValidFrom()), ValidTo: optionalDate(h.GetValidTo()),
		Trainer: h.GetTrainer(), Granted: h.GetState() == certificationv1.RegisterState_REGISTER_STATE_GRANTED,
		Version: h.GetVersion(),
	}
}

// CharterFromProto reads a juror's acceptance of the charte.
func CharterFromProto(c *certificationv1.CharterAcceptance) register.Charter {
	return register.Charter{JurorSubject: c.GetJurorSubject(), Version: c.GetCharterVersion(), AcceptedAt: c.GetAcceptTime().AsTime()}
}
