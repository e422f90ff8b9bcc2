// Package protoconv turns the domain values of the certification service
// into their protobuf form. Both the gRPC port (responses) and the SQL
// adapter (event payloads written to the outbox) need the same Title, so
// the conversion lives here, below both, rather than in either.
package protoconv

import (
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/catalogue"
	"github.com/titrepro/titrepro/services/certification/internal/domain/holder"
)

// Title converts a published title version.
func Title(p catalogue.Published) *certificationv1.Title {
	t := p.Title
	out := &certificationv1.Title{
		Id:              t.Code,
		Version:         t.Version,
		Label:           t.Label,
		ShortLabel:      t.ShortLabel,
		Level:           int32(t.Level),
		LevelOld:        t.LevelOld,
		NsfCode:         t.NSF,
		RomeCodes:       t.ROME,
		RncpId:          t.RNCPID,
		ValidFrom:       date(t.ValidFrom),
		ValidTo:         date(t.ValidTo),
		ProlongationEnd: date(t.ProlongationEnd),
		Status:          TitleStatus(t.Status),
		ContentHash:     p.ContentHash,
		PublishTime:     timestamp(p.PublishedAt),
		LegacyRomeCodes: t.LegacyROME,
		ArreteRef:       t.ArreteRef,
	}
	for _, c := range t.CCPs {
		ccp := &certificationv1.Ccp{Code: c.Code, Order: int32(c.Order), Label: c.Label}
		for _, k := range c.Competences {
			ccp.Competences = append(ccp.Competences, &certificationv1.Competence{Code: k.Code, Label: k.Label})
		}
		out.Ccps = append(out.Ccps, ccp)
	}
	for _, e := range t.Epreuves {
		ep := &certificationv1.Epreuve{Kind: EpreuveKind(e.Kind), Label: e.Label}
		for _, s := range e.SessionTypes {
			ep.SessionTypes = append(ep.SessionTypes, SessionType(s))
		}
		if e.DurationMinutes != nil {
			d := int32(*e.DurationMinutes)
			ep.DurationMinutes = &d
		}
		out.Epreuves = append(out.Epreuves, ep)
	}
	return out
}

// Holder converts a projected identity.
func Holder(h holder.Holder) *certificationv1.Holder {
	return &certificationv1.Holder{
		Subject:          h.Subject,
		BirthName:        h.BirthName,
		UsageName:        h.UsageName,
		GivenNames:       h.GivenNames,
		BirthDate:        h.BirthDate,
		BirthCommune:     h.BirthCommune,
		BirthCountryCode: h.BirthCountryCode,
		SourceVersion:    h.SourceVersion,
	}
}

// The domain enums are spelled like the proto enum values without their
// prefix ("ACTIVE" is TITLE_STATUS_ACTIVE), so the generated name tables
// convert them; a value without a counterpart becomes UNSPECIFIED, and a
// test checks that every declared domain value has one.

// TitleStatus converts a title status.
func TitleStatus(s catalogue.TitleStatus) certificationv1.TitleStatus {
	return certificationv1.TitleStatus(certificationv1.TitleStatus_value["TITLE_STATUS_"+string(s)])
}

// SessionType converts a session type.
func SessionType(s catalogue.SessionType) certificationv1.SessionType {
	return certificationv1.SessionType(certificationv1.SessionType_value["SESSION_TYPE_"+string(s)])
}

// EpreuveKind converts an épreuve kind.
func EpreuveKind(k catalogue.EpreuveKind) certificationv1.EpreuveKind {
	return certificationv1.EpreuveKind(certificationv1.EpreuveKind_value["EPREUVE_KIND_"+string(k)])
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

func timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}
