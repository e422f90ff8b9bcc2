package award_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/titrepro/titrepro/services/certification/internal/domain/award"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

var titleCcps = []string{"CCP1", "CCP2", "CCP3"}

// held builds record entries "CCPn@session".
func held(session string, codes ...string) []award.HeldCcp {
	var out []award.HeldCcp
	for _, c := range codes {
		out = append(out, award.HeldCcp{CandidateID: "cand-1", TitleCode: "TP-00495", TitleVersion: "2008",
			CcpCode: c, SessionID: session, JuryDate: juryDate(session)})
	}
	return out
}

func juryDate(session string) string {
	return map[string]string{"s1": "2026-03-01", "s2": "2026-06-01", "s3": "2026-09-01"}[session]
}

func situation(session string, obtained []string, record []award.HeldCcp, hasTitre bool) award.Situation {
	return award.Situation{CandidateID: "cand-1", TitleCode: "TP-00495", TitleVersion: "2008", TitleCcps: titleCcps,
		SessionID: session, JuryDate: juryDate(session), Obtained: obtained, Held: record, HasTitre: hasTitre}
}

func codes(hs []award.HeldCcp) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.CcpCode+"@"+h.SessionID)
	}
	return out
}

func TestDecide(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		in            award.Situation
		wantNew       []string
		wantHeld      []string
		wantDocument  certificate.Kind
		wantByCapital bool
	}{
		{
			name:    "R52: every CCP obtained in a session titre: titre, not by capitalisation",
			in:      situation("s1", []string{"CCP1", "CCP2", "CCP3"}, nil, false),
			wantNew: []string{"CCP1@s1", "CCP2@s1", "CCP3@s1"}, wantHeld: []string{"CCP1@s1", "CCP2@s1", "CCP3@s1"},
			wantDocument: certificate.Titre,
		},
		{
			name:    "R53: partial success: the CCPs obtained enter the record, livret",
			in:      situation("s1", []string{"CCP2", "CCP1"}, nil, false),
			wantNew: []string{"CCP1@s1", "CCP2@s1"}, wantHeld: []string{"CCP1@s1", "CCP2@s1"},
			wantDocument: certificate.Livret,
		},
		{
			name:    "R54: the last CCP in a later session completes the record: titre by capitalisation",
			in:      situation("s2", []string{"CCP3"}, held("s1", "CCP1", "CCP2"), false),
			wantNew: []string{"CCP3@s2"}, wantHeld: []string{"CCP1@s1", "CCP2@s1", "CCP3@s2"},
			wantDocument: certificate.Titre, wantByCapital: true,
		},
		{
			name:    "R54: not before the record is complete: a livret listing every CCP held",
			in:      situation("s2", []string{"CCP2"}, held("s1", "CCP1"), false),
			wantNew: []string{"CCP2@s2"}, wantHeld: []string{"CCP1@s1", "CCP2@s2"},
			wantDocument: certificate.Livret,
		},
		{
			name:    "R53: a CCP obtained again keeps its first session",
			in:      situation("s2", []string{"CCP1", "CCP2"}, held("s1", "CCP1"), false),
			wantNew: []string{"CCP2@s2"}, wantHeld: []string{"CCP1@s1", "CCP2@s2"},
			wantDocument: certificate.Livret,
		},
		{
			name:    "R54: completing with CCPs re-obtained in the same session is still capitalisation of the earlier ones",
			in:      situation("s2", []string{"CCP1", "CCP2", "CCP3"}, held("s1", "CCP1"), false),
			wantNew: []string{"CCP2@s2", "CCP3@s2"}, wantHeld: []string{"CCP1@s1", "CCP2@s2", "CCP3@s2"},
			wantDocument: certificate.Titre, wantByCapital: true,
		},
		{
			name:     "nothing obtained: no document, record unchanged",
			in:       situation("s2", nil, held("s1", "CCP1"), false),
			wantHeld: []string{"CCP1@s1"},
		},
		{
			name:     "titre held already: no second titre and no livret",
			in:       situation("s3", []string{"CCP1"}, held("s1", "CCP1", "CCP2", "CCP3"), true),
			wantHeld: []string{"CCP1@s1", "CCP2@s1", "CCP3@s1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := award.Decide(tt.in)
			if err != nil {
				t.Fatalf("Decide: %v", err)
			}
			if !reflect.DeepEqual(codes(got.NewlyHeld), tt.wantNew) {
				t.Errorf("NewlyHeld = %v; want %v", codes(got.NewlyHeld), tt.wantNew)
			}
			if !reflect.DeepEqual(codes(got.Held), tt.wantHeld) {
				t.Errorf("Held = %v; want %v", codes(got.Held), tt.wantHeld)
			}
			if got.Document != tt.wantDocument || got.ByCapitalisation != tt.wantByCapital {
				t.Errorf("Document = %q by capitalisation %v; want %q %v", got.Document, got.ByCapitalisation, tt.wantDocument, tt.wantByCapital)
			}
		})
	}
}

func TestDecideRefusesACcpOutsideTheTitle(t *testing.T) {
	t.Parallel()
	_, err := award.Decide(situation("s1", []string{"CCP1", "CCP9"}, nil, false))
	if !errors.Is(err, award.ErrCcpNotInTitle) {
		t.Fatalf("Decide(CCP9) = %v; want ErrCcpNotInTitle", err)
	}
}
