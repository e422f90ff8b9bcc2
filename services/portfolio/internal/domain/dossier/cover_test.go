package dossier_test

import (
	"testing"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/dossier"
	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

func TestCoverAccessMode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		route refdata.AccessRoute
		want  dossier.AccessMode
	}{
		{"R42: the VAE route gives the VAE access mode", refdata.RouteVAE, dossier.AccessModeVAE},
		{"R42: the training route gives the FORMATION access mode", refdata.RouteTraining, dossier.AccessModeFormation},
		{"R42: apprenticeship is a training path: FORMATION", refdata.RouteApprenticeship, dossier.AccessModeFormation},
		{"R42: no route gives no access mode (submission refused)", refdata.RouteUnknown, dossier.AccessModeUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := owner
			c.Route = tt.route
			if got := dossier.CoverOf(c, tsgeri).AccessMode; got != tt.want {
				t.Errorf("CoverOf(route %q).AccessMode = %q; want %q", tt.route, got, tt.want)
			}
		})
	}
}

func TestCoverComesFromTheCandidateRecordAndTheTitle(t *testing.T) {
	t.Parallel()
	cover := dossier.CoverOf(owner, tsgeri)
	if cover.BirthName != "Durand" || cover.UsageName != "Martin" || len(cover.GivenNames) != 1 {
		t.Errorf("cover identity = %+v", cover)
	}
	if cover.TitleLabel != tsgeri.Label {
		t.Errorf("cover title = %q; want %q", cover.TitleLabel, tsgeri.Label)
	}
	if cover.Address == nil || cover.Address.Locality != "Lyon" {
		t.Fatalf("cover address = %+v", cover.Address)
	}
	// The cover is a copy: changing it does not change the record.
	cover.Address.Lines[0] = "changed"
	if owner.Address.Lines[0] != "12 rue des Lilas" {
		t.Errorf("CoverOf shares the candidate's address lines")
	}
}
