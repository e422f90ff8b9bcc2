package session_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

// requireRule fails unless err is an *apperr.Error of kind and reason
// want naming rule.
func requireRule(t *testing.T, err error, want error, kind apperr.Kind, rule string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.Is(err, want) || !errors.As(err, &ae) {
		t.Fatalf("error = %v; want %v", err, want)
	}
	if ae.Kind != kind || ae.Rule != rule {
		t.Fatalf("error %v: kind %v rule %q; want kind %v rule %q", err, ae.Kind, ae.Rule, kind, rule)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		change     func(*session.Draft)
		wantCCPs   []string
		wantFields []string
	}{
		{"session titre covers every CCP", func(*session.Draft) {}, []string{"CCP1", "CCP2", "CCP3"}, nil},
		{"session titre naming every CCP", func(d *session.Draft) { d.CCPCodes = []string{"CCP3", "CCP2", "CCP1"} }, []string{"CCP1", "CCP2", "CCP3"}, nil},
		{"session titre naming a subset is refused", func(d *session.Draft) { d.CCPCodes = []string{"CCP3"} }, nil, []string{"session.ccp_codes"}},
		{"session CCP keeps its CCPs in the title's order", func(d *session.Draft) {
			d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP3", "CCP1"}
		}, []string{"CCP1", "CCP3"}, nil},
		{"session CCP with an unknown CCP is refused", func(d *session.Draft) {
			d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP3", "CCP9"}
		}, nil, []string{"session.ccp_codes[1]"}},
		{"session CCP without CCP is refused", func(d *session.Draft) { d.Type = title.SessionCCP }, nil, []string{"session.ccp_codes"}},
		{"every bad field at once", func(d *session.Draft) {
			*d = session.Draft{Type: "CCS", StartDate: "2026-06-03", EndDate: "2026-06-01", DossierDeadline: "2026-06-04"}
		}, nil, []string{"session.type", "session.title_id", "session.title_version", "session.site", "session.end_date", "session.dossier_deadline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := draft()
			tt.change(&d)
			s, err := session.New("s-1", "CENTRE-69", d, tsgeri(), session.RequestKey{}, now)
			if tt.wantFields != nil {
				var ae *apperr.Error
				if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
					t.Fatalf("New() = %v; want InvalidArgument", err)
				}
				var fields []string
				for _, v := range ae.Violations {
					fields = append(fields, v.Field)
				}
				if !slices.Equal(fields, tt.wantFields) {
					t.Fatalf("violations on %v; want %v", fields, tt.wantFields)
				}
				return
			}
			if err != nil {
				t.Fatalf("New() = %v", err)
			}
			sum := s.Summary()
			if !slices.Equal(sum.CCPs, tt.wantCCPs) || sum.State != session.StatePlanned || s.Etag() != "1" || sum.CentreID != "CENTRE-69" {
				t.Fatalf("Summary() = %+v", sum)
			}
			ev := s.PullEvents()
			if len(ev) != 1 {
				t.Fatalf("events = %v; want one Planned", ev)
			}
			if p, ok := ev[0].(session.Planned); !ok || p.Session.ID != "s-1" {
				t.Fatalf("event = %#v; want Planned", ev[0])
			}
		})
	}
}

func TestNewRefusesAnotherTitleVersion(t *testing.T) {
	t.Parallel()
	d := draft()
	d.TitleVersion = "2024"
	_, err := session.New("s-1", "C", d, tsgeri(), session.RequestKey{}, now)
	if !errors.Is(err, title.ErrUnknown) {
		t.Fatalf("New() = %v; want TITLE_UNKNOWN", err)
	}
}

func TestDeadlineDefaultsToStart(t *testing.T) {
	t.Parallel()
	d := draft()
	d.DossierDeadline = ""
	if got := newSession(t, d).Summary().Deadline.String(); got != "2026-06-01" {
		t.Fatalf("deadline = %s; want the start date", got)
	}
}

func TestSnapshotRoundTrip(t *testing.T) {
	t.Parallel()
	s := deliberated(t)
	if _, err := s.Sign("j1", mustMinutes(t, s).Hash, hasher{}, now); err != nil {
		t.Fatal(err)
	}
	snap := s.Snapshot()
	back, err := session.UnmarshalFromDatabase(snap)
	if err != nil {
		t.Fatalf("UnmarshalFromDatabase() = %v", err)
	}
	if got := back.Snapshot(); !snapshotsEqual(got, snap) {
		t.Fatalf("round trip changed the session:\n got %+v\nwant %+v", got, snap)
	}
	m1, m2 := mustMinutes(t, s), mustMinutes(t, back)
	if m1.Hash != m2.Hash {
		t.Fatal("the minutes hash changed through storage")
	}
	snap.State = "ARCHIVED"
	if _, err := session.UnmarshalFromDatabase(snap); err == nil {
		t.Fatal("unknown state accepted")
	}
}

func snapshotsEqual(a, b session.Snapshot) bool { return reflect.DeepEqual(a, b) }
