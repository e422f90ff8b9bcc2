package protoconv_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
	"github.com/titrepro/titrepro/services/portfolio/internal/protoconv"
)

func TestContentRoundTrip(t *testing.T) {
	t.Parallel()
	in := &portfoliov1.Dossier{
		Examples: []*portfoliov1.PracticeExample{{
			Id: "ex1", CcpCode: "CCP1", Title: "T", Tasks: "a", Means: "b", Collaborators: "c",
			Context:        &portfoliov1.PracticeContext{Organisation: "o", Unit: "u", PeriodFrom: "2020-01-01", PeriodTo: "2021-01-01"},
			AdditionalInfo: "i",
		}},
		PriorQualifications: []*portfoliov1.PriorQualification{{Title: "BTS", Authority: "MEN", Date: "2019-07-01"}},
		SwornStatement:      &portfoliov1.SwornStatement{SignerName: "S", Place: "P", Date: "2026-01-01"},
	}
	c := protoconv.ContentFromProto(in)
	d := dossier.UnmarshalDossierFromDatabase("d", "c", "T", "1", c, nil, 3, time.Unix(0, 0), time.Unix(0, 0))
	out := protoconv.DossierToProto(d, dossier.Cover{})
	out.Id, out.CandidateId, out.TitleId, out.TitleVersion, out.Etag, out.CreateTime, out.UpdateTime, out.Cover = "", "", "", "", "", nil, nil, nil
	if !proto.Equal(in, out) {
		t.Errorf("round trip:\n in  %v\n out %v", in, out)
	}
}

func TestEnums(t *testing.T) {
	t.Parallel()
	for _, k := range []dossier.Kind{dossier.KindIllustrative, dossier.KindAnnex, dossier.KindEvidence} {
		if got := protoconv.KindFromProto(protoconv.KindToProto(k)); got != k {
			t.Errorf("kind %q round trip = %q", k, got)
		}
	}
	if protoconv.KindFromProto(portfoliov1.DocumentKind_DOCUMENT_KIND_UNSPECIFIED) != "" {
		t.Errorf("UNSPECIFIED must map to no kind")
	}
	routes := map[commonv1.AccessRoute]refdata.AccessRoute{
		commonv1.AccessRoute_ACCESS_ROUTE_VAE:            refdata.RouteVAE,
		commonv1.AccessRoute_ACCESS_ROUTE_TRAINING:       refdata.RouteTraining,
		commonv1.AccessRoute_ACCESS_ROUTE_APPRENTICESHIP: refdata.RouteApprenticeship,
		commonv1.AccessRoute_ACCESS_ROUTE_UNSPECIFIED:    refdata.RouteUnknown,
	}
	for in, want := range routes {
		if got := protoconv.AccessRouteFromProto(in); got != want {
			t.Errorf("AccessRouteFromProto(%v) = %q; want %q", in, got, want)
		}
	}
	cover := protoconv.CoverToProto(dossier.Cover{AccessMode: dossier.AccessModeFormation})
	if cover.GetAccessMode() != portfoliov1.AccessMode_ACCESS_MODE_FORMATION {
		t.Errorf("cover access mode = %v", cover.GetAccessMode())
	}
}
