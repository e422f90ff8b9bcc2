package jury_test

import (
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
)

var now = time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC)

func input() jury.Input {
	return jury.Input{
		Subject: "juror-1", DisplayName: "Claire Petit",
		HabNumber: "HAB-69-0042", HabTitleID: "TP-00495", HabValidFrom: "2025-01-01", HabValidTo: "2027-12-31",
		Links: []jury.Link{{Kind: jury.LinkTrainingOrganisation, Value: " AFPA Lyon "}},
	}
}

func day(t *testing.T, s string) civildate.Date {
	t.Helper()
	d, err := civildate.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewReportsEveryBadField(t *testing.T) {
	t.Parallel()
	in := jury.Input{Subject: "me", HabValidFrom: "2027-01-01", HabValidTo: "2026-01-01",
		Links: []jury.Link{{Kind: "FRIEND", Value: ""}}}
	_, err := jury.New(in, now)
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
		t.Fatalf("New() = %v; want InvalidArgument", err)
	}
	want := []string{"juror.subject", "juror.display_name", "juror.habilitation.number", "juror.habilitation.title_id",
		"juror.habilitation.valid_to", "juror.declared_links[0].kind", "juror.declared_links[0].value"}
	got := map[string]bool{}
	for _, v := range ae.Violations {
		got[v.Field] = true
	}
	for _, f := range want {
		if !got[f] {
			t.Errorf("no violation on %s; got %v", f, ae.Violations)
		}
	}
	j, err := jury.New(input(), now)
	if err != nil {
		t.Fatalf("New(valid) = %v", err)
	}
	if j.Links[0].Value != "AFPA Lyon" || !j.AssignedAt.Equal(now) {
		t.Fatalf("New(valid) = %+v", j)
	}
}

func TestCheckCovers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		titleID    string
		start, end string
		from, to   string
		wantErr    error
	}{
		{"R16: habilitation covering the whole session", "TP-00495", "2026-06-01", "2026-06-03", "2025-01-01", "2027-12-31", nil},
		{"R16: habilitation valid exactly on the session days", "TP-00495", "2026-06-01", "2026-06-03", "2026-06-01", "2026-06-03", nil},
		{"R16: habilitation ending mid-session is refused", "TP-00495", "2026-06-01", "2026-06-03", "2025-01-01", "2026-06-02", jury.ErrHabilitationNotCovering},
		{"R16: habilitation starting mid-session is refused", "TP-00495", "2026-06-01", "2026-06-03", "2026-06-02", "2027-01-01", jury.ErrHabilitationNotCovering},
		{"R16: habilitation for another title is refused", "TP-01234", "2026-06-01", "2026-06-03", "2025-01-01", "2027-12-31", jury.ErrHabilitationNotCovering},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := input()
			in.HabValidFrom, in.HabValidTo = tt.from, tt.to
			j, err := jury.New(in, now)
			if err != nil {
				t.Fatal(err)
			}
			err = j.CheckCovers(tt.titleID, day(t, tt.start), day(t, tt.end))
			if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
				t.Fatalf("CheckCovers() = %v; want %v", err, tt.wantErr)
			}
			var ae *apperr.Error
			if err != nil && (!errors.As(err, &ae) || ae.Rule != "R16" || ae.Kind != apperr.KindFailedPrecondition) {
				t.Fatalf("CheckCovers() = %#v; want FailedPrecondition naming R16", err)
			}
		})
	}
}

func TestConflictWith(t *testing.T) {
	t.Parallel()
	party := jury.Party{CandidacyID: "cy-1", CandidateID: "cand-1", TrainingOrganisation: "AFPA  lyon", Employer: "ACME SA"}
	tests := []struct {
		name  string
		links []jury.Link
		want  bool
	}{
		{"R21: same training organisation, ignoring case and spaces", []jury.Link{{jury.LinkTrainingOrganisation, "afpa Lyon"}}, true},
		{"R21: same employer as declared on the candidacy", []jury.Link{{jury.LinkEmployer, "acme sa"}}, true},
		{"R21: named candidate", []jury.Link{{jury.LinkCandidate, "cand-1"}}, true},
		{"R21: another candidate is no conflict", []jury.Link{{jury.LinkCandidate, "cand-2"}}, false},
		{"R21: an employer link does not match a training organisation", []jury.Link{{jury.LinkEmployer, "AFPA Lyon"}}, false},
		{"R21: no declared link, no conflict", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			j := jury.Juror{Subject: "juror-1", Links: tt.links}
			l, got := j.ConflictWith(party)
			if got != tt.want {
				t.Fatalf("ConflictWith() = %v, %v; want %v", l, got, tt.want)
			}
			if got {
				var ae *apperr.Error
				err := jury.ConflictError(j, party, l)
				if !errors.As(err, &ae) || ae.Rule != "R21" || ae.Meta["candidacy"] != "cy-1" || ae.Meta["juror"] != "juror-1" {
					t.Fatalf("ConflictError() = %#v", err)
				}
			}
		})
	}
	// An empty organisation on either side never matches.
	j := jury.Juror{Links: []jury.Link{{jury.LinkEmployer, "ACME"}}}
	if _, hit := j.ConflictWith(jury.Party{}); hit {
		t.Fatal("R21: an empty employer matched")
	}
}

func TestSameAs(t *testing.T) {
	t.Parallel()
	a, _ := jury.New(input(), now)
	b, _ := jury.New(input(), now.Add(time.Hour))
	if !a.SameAs(b) {
		t.Fatal("same details at another time: SameAs = false")
	}
	in := input()
	in.Links = nil
	c, _ := jury.New(in, now)
	if a.SameAs(c) {
		t.Fatal("other links: SameAs = true")
	}
}

func TestCheckNamed(t *testing.T) {
	t.Parallel()
	if err := jury.CheckNamed(jury.Input{Subject: "juror-1", HabNumber: "HAB-1"}); err != nil {
		t.Fatalf("a subject and a number: %v", err)
	}
	err := jury.CheckNamed(jury.Input{Subject: "", HabNumber: ""})
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.Violations) != 2 || e.Violations[0].Field != "juror.subject" || e.Violations[1].Field != "juror.habilitation.number" {
		t.Fatalf("nothing named = %v; want the subject and the number only", err)
	}
}
