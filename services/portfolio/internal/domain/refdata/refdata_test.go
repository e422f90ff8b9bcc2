package refdata_test

import (
	"testing"

	"github.com/titrepro/titrepro/services/portfolio/internal/domain/refdata"
)

func TestNewer(t *testing.T) {
	t.Parallel()
	stored := &refdata.Candidate{ID: "c1", Version: 3}
	tests := []struct {
		name    string
		stored  *refdata.Candidate
		version int64
		want    bool
	}{
		{"first copy is applied", nil, 1, true},
		{"a newer version replaces", stored, 4, true},
		{"a redelivery is ignored", stored, 3, false},
		{"an older version is ignored", stored, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := refdata.Newer(tt.stored, refdata.Candidate{ID: "c1", Version: tt.version}); got != tt.want {
				t.Errorf("Newer(version %d) = %v; want %v", tt.version, got, tt.want)
			}
		})
	}
}

func TestTitleCCPs(t *testing.T) {
	t.Parallel()
	title := refdata.Title{ActivityTypes: []refdata.ActivityType{{CCPCode: "CCP1"}, {CCPCode: "CCP2"}}}
	if !title.HasCCP("CCP2") || title.HasCCP("CCP3") {
		t.Errorf("HasCCP: CCP2 must be known and CCP3 unknown")
	}
	if got := title.CCPCodes(); len(got) != 2 || got[0] != "CCP1" || got[1] != "CCP2" {
		t.Errorf("CCPCodes() = %v; want [CCP1 CCP2]", got)
	}
}
