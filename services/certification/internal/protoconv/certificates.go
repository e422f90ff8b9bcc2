package protoconv

import (
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// Certificate converts a certificate, with everything it holds.
func Certificate(c certificate.Certificate) *certificationv1.Certificate {
	out := &certificationv1.Certificate{
		Number:      string(c.Number),
		Kind:        CertificateKind(c.Kind),
		CandidateId: c.CandidateID,
		Holder: &certificationv1.CertificateHolder{
			BirthName:        c.Holder.BirthName,
			UsageName:        c.Holder.UsageName,
			GivenNames:       c.Holder.GivenNames,
			BirthDate:        c.Holder.BirthDate,
			BirthCommune:     c.Holder.BirthCommune,
			BirthCountryCode: c.Holder.BirthCountryCode,
		},
		TitleId:          c.TitleCode,
		TitleVersion:     c.TitleVersion,
		TitleLabel:       c.TitleLabel,
		TitleLevel:       int32(c.TitleLevel),
		SessionId:        c.SessionID,
		JuryDate:         c.JuryDate,
		IssueDate:        c.IssueDate,
		KeyId:            c.KeyID,
		Signature:        c.Signature,
		Status:           CertificateStatus(c.Status),
		IssueTime:        timestamp(c.IssuedAt),
		ByCapitalisation: c.ByCapitalisation,
		Format:           c.Format,
	}
	for _, k := range c.Ccps {
		out.Ccps = append(out.Ccps, &certificationv1.CertifiedCcp{Code: k.Code, Label: k.Label, SessionId: k.SessionID, JuryDate: k.JuryDate})
	}
	return out
}

// PublicCertificate converts the part of a certificate that anyone holding
// its number may see: no birth date or place, no internal ids.
func PublicCertificate(c certificate.Certificate) *certificationv1.PublicCertificate {
	out := &certificationv1.PublicCertificate{
		Number:           string(c.Number),
		Kind:             CertificateKind(c.Kind),
		HolderBirthName:  c.Holder.BirthName,
		HolderUsageName:  c.Holder.UsageName,
		HolderGivenNames: c.Holder.GivenNames,
		TitleId:          c.TitleCode,
		TitleVersion:     c.TitleVersion,
		TitleLabel:       c.TitleLabel,
		TitleLevel:       int32(c.TitleLevel),
		JuryDate:         c.JuryDate,
		IssueDate:        c.IssueDate,
	}
	for _, k := range c.Ccps {
		out.Ccps = append(out.Ccps, &certificationv1.CertifiedCcp{Code: k.Code, Label: k.Label, JuryDate: k.JuryDate})
	}
	return out
}

// CertificateKind converts a certificate kind.
func CertificateKind(k certificate.Kind) certificationv1.CertificateKind {
	return certificationv1.CertificateKind(certificationv1.CertificateKind_value["CERTIFICATE_KIND_"+string(k)])
}

// CertificateStatus converts a certificate status.
func CertificateStatus(s certificate.Status) certificationv1.CertificateStatus {
	return certificationv1.CertificateStatus(certificationv1.CertificateStatus_value["CERTIFICATE_STATUS_"+string(s)])
}
