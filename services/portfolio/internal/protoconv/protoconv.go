// Package protoconv converts between the portfolio domain and the
// titrepro.portfolio.v1 messages, and reads the events of other contexts
// into the projections' types. It holds no rule.
package protoconv

import (
	"slices"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

// DossierToProto returns the API form of draft d with its cover.
func DossierToProto(d *dossier.Dossier, cover dossier.Cover) *portfoliov1.Dossier {
	pd := contentToProto(d.Content(), cover, d.Documents())
	pd.Id = d.ID()
	pd.CandidateId = d.CandidateID()
	pd.TitleId = d.TitleID()
	pd.TitleVersion = d.TitleVersion()
	pd.TotalDocumentBytes = d.TotalDocumentBytes()
	pd.CreateTime = timestamppb.New(d.CreatedAt())
	pd.UpdateTime = timestamppb.New(d.UpdatedAt())
	pd.Etag = d.Etag()
	return pd
}

// SnapshotToProto returns the API form of snapshot s.
func SnapshotToProto(s *dossier.Snapshot) *portfoliov1.Snapshot {
	content := contentToProto(s.Content, s.Cover, s.Documents)
	content.Id = s.DossierID
	content.CandidateId = s.CandidateID
	content.TitleId = s.TitleID
	content.TitleVersion = s.TitleVersion
	for _, doc := range s.Documents {
		content.TotalDocumentBytes += doc.Size
	}
	return &portfoliov1.Snapshot{
		Id:           s.ID,
		DossierId:    s.DossierID,
		CandidateId:  s.CandidateID,
		SessionId:    s.SessionID,
		CandidacyId:  s.CandidacyID,
		ManifestHash: s.ManifestHash,
		Content:      content,
		SubmitTime:   timestamppb.New(s.SubmittedAt),
	}
}

func contentToProto(c dossier.Content, cover dossier.Cover, docs []dossier.Document) *portfoliov1.Dossier {
	pd := &portfoliov1.Dossier{Cover: CoverToProto(cover)}
	for _, e := range c.Examples {
		pd.Examples = append(pd.Examples, &portfoliov1.PracticeExample{
			Id: e.ID, CcpCode: e.CCPCode, Title: e.Title, Tasks: e.Tasks, Means: e.Means, Collaborators: e.Collaborators,
			Context: &portfoliov1.PracticeContext{
				Organisation: e.Context.Organisation, Unit: e.Context.Unit,
				PeriodFrom: e.Context.PeriodFrom, PeriodTo: e.Context.PeriodTo,
			},
			AdditionalInfo: e.AdditionalInfo,
		})
	}
	for _, q := range c.Qualifications {
		pd.PriorQualifications = append(pd.PriorQualifications, &portfoliov1.PriorQualification{
			Title: q.Title, Authority: q.Authority, Date: q.Date,
		})
	}
	s := c.Sworn
	if s != (dossier.SwornStatement{}) {
		pd.SwornStatement = &portfoliov1.SwornStatement{SignerName: s.SignerName, Place: s.Place, Date: s.Date}
		if !s.SignedAt.IsZero() {
			pd.SwornStatement.SignTime = timestamppb.New(s.SignedAt)
		}
	}
	for _, doc := range docs {
		pd.Documents = append(pd.Documents, DocumentToProto(doc))
	}
	return pd
}

// CoverToProto returns the API form of a cover.
func CoverToProto(c dossier.Cover) *portfoliov1.Cover {
	pc := &portfoliov1.Cover{
		BirthName: c.BirthName, UsageName: c.UsageName, GivenNames: slices.Clone(c.GivenNames),
		TitleLabel: c.TitleLabel, AccessMode: accessModeToProto(c.AccessMode),
	}
	if a := c.Address; a != nil {
		pc.PostalAddress = &commonv1.PostalAddress{
			Lines: slices.Clone(a.Lines), PostalCode: a.PostalCode, Locality: a.Locality, CountryCode: a.CountryCode,
		}
	}
	return pc
}

func accessModeToProto(m dossier.AccessMode) portfoliov1.AccessMode {
	switch m {
	case dossier.AccessModeVAE:
		return portfoliov1.AccessMode_ACCESS_MODE_VAE
	case dossier.AccessModeFormation:
		return portfoliov1.AccessMode_ACCESS_MODE_FORMATION
	default:
		return portfoliov1.AccessMode_ACCESS_MODE_UNSPECIFIED
	}
}

// DocumentToProto returns the API form of a document's metadata.
func DocumentToProto(doc dossier.Document) *portfoliov1.Document {
	return &portfoliov1.Document{
		Id: doc.ID, FileName: doc.FileName, ContentType: doc.ContentType, SizeBytes: doc.Size,
		Sha256: doc.SHA256, Kind: KindToProto(doc.Kind), CreateTime: timestamppb.New(doc.CreatedAt),
	}
}

// KindToProto returns the API form of a document kind.
func KindToProto(k dossier.Kind) portfoliov1.DocumentKind {
	switch k {
	case dossier.KindIllustrative:
		return portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE
	case dossier.KindAnnex:
		return portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX
	case dossier.KindEvidence:
		return portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE
	default:
		return portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED
	}
}

// KindFromProto returns the domain form of a document kind; "" for
// UNSPECIFIED and unknown values, which the use case refuses.
func KindFromProto(k portfoliov1.DocumentKind) dossier.Kind {
	switch k {
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ILLUSTRATIVE:
		return dossier.KindIllustrative
	case portfoliov1.DocumentKind_DOCUMENT_KIND_ANNEX:
		return dossier.KindAnnex
	case portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE:
		return dossier.KindEvidence
	default:
		return ""
	}
}

// ContentFromProto returns what the candidate writes in pd: examples,
// prior qualifications and sworn statement. Output-only fields are left
// out.
func ContentFromProto(pd *portfoliov1.Dossier) dossier.Content {
	var c dossier.Content
	for _, e := range pd.GetExamples() {
		c.Examples = append(c.Examples, dossier.Example{
			ID: e.GetId(), CCPCode: e.GetCcpCode(), Title: e.GetTitle(), Tasks: e.GetTasks(), Means: e.GetMeans(),
			Collaborators: e.GetCollaborators(),
			Context: dossier.PracticeContext{
				Organisation: e.GetContext().GetOrganisation(), Unit: e.GetContext().GetUnit(),
				PeriodFrom: e.GetContext().GetPeriodFrom(), PeriodTo: e.GetContext().GetPeriodTo(),
			},
			AdditionalInfo: e.GetAdditionalInfo(),
		})
	}
	for _, q := range pd.GetPriorQualifications() {
		c.Qualifications = append(c.Qualifications, dossier.Qualification{
			Title: q.GetTitle(), Authority: q.GetAuthority(), Date: q.GetDate(),
		})
	}
	s := pd.GetSwornStatement()
	c.Sworn = dossier.SwornStatement{SignerName: s.GetSignerName(), Place: s.GetPlace(), Date: s.GetDate()}
	return c
}

// AccessRouteFromProto returns the projection's form of an access route.
func AccessRouteFromProto(r commonv1.AccessRoute) refdata.AccessRoute {
	switch r {
	case commonv1.AccessRoute_ACCESS_ROUTE_TRAINING:
		return refdata.RouteTraining
	case commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP:
		return refdata.RouteApprenticeship
	case commonv1.AccessRoute_ACCESS_ROUTE_VAE:
		return refdata.RouteVAE
	default:
		return refdata.RouteUnknown
	}
}

// AddressFromProto returns the projection's form of a postal address.
func AddressFromProto(a *commonv1.PostalAddress) *refdata.PostalAddress {
	if a == nil {
		return nil
	}
	return &refdata.PostalAddress{
		Lines: slices.Clone(a.GetLines()), PostalCode: a.GetPostalCode(), Locality: a.GetLocality(), CountryCode: a.GetCountryCode(),
	}
}

// TimeOr returns ts when it is set and valid, else fallback.
func TimeOr(ts *timestamppb.Timestamp, fallback time.Time) time.Time {
	if ts != nil && ts.IsValid() {
		return ts.AsTime()
	}
	return fallback
}
