package session_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
)

// violations returns the fields of an InvalidArgument error, or fails.
func violations(t *testing.T, err error) []string {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Kind != apperr.KindInvalidArgument {
		t.Fatalf("error = %v; want INVALID_ARGUMENT", err)
	}
	var out []string
	for _, v := range ae.Violations {
		out = append(out, v.Field)
	}
	return out
}

func shortJuror(t *testing.T, subject, to string) jury.Juror {
	t.Helper()
	j, err := jury.New(jury.Input{Subject: subject, DisplayName: "Juror " + subject, HabNumber: "HAB-" + subject,
		HabTitleID: "TP-00495", HabValidFrom: "2025-01-01", HabValidTo: to}, now)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		patch      session.Draft
		mask       []string
		setup      func(t *testing.T, s *session.Session)
		etag       string
		wantFields []string // changed fields, when accepted
		wantErr    error
		wantRule   string
		wantViol   []string
	}{
		{"dates and site move while planned", session.Draft{Site: " Lyon Gerland ", StartDate: "2026-06-08", EndDate: "2026-06-09"},
			[]string{"site", "start_date", "end_date"}, nil, "", []string{"end_date", "site", "start_date"}, nil, "", nil},
		{"R40: the deadline moves, not after the first day", session.Draft{DossierDeadline: "2026-05-30"},
			[]string{"dossier_deadline"}, nil, "", []string{"dossier_deadline"}, nil, "", nil},
		{"R40: a deadline after the first day is refused as at creation", session.Draft{DossierDeadline: "2026-06-02"},
			[]string{"dossier_deadline"}, nil, "", nil, nil, "", []string{"session.dossier_deadline"}},
		{"R40: a first day before the deadline is refused", session.Draft{StartDate: "2026-05-20", EndDate: "2026-05-21"},
			[]string{"start_date", "end_date"}, nil, "", nil, nil, "", []string{"session.dossier_deadline"}},
		{"an end before the start is refused as at creation", session.Draft{EndDate: "2026-05-31"},
			[]string{"end_date"}, nil, "", nil, nil, "", []string{"session.end_date"}},
		{"the title is immutable", session.Draft{TitleID: "TP-1"}, []string{"title_id"}, nil, "", nil, nil, "", []string{"update_mask"}},
		{"an empty mask is refused", session.Draft{}, nil, nil, "", nil, nil, "", []string{"update_mask"}},
		{"the same values change nothing", session.Draft{Site: "AFPA Lyon Vénissieux"}, []string{"site"}, nil, "", []string{}, nil, "", nil},
		{"a stale etag is refused", session.Draft{Site: "Ailleurs"}, []string{"site"}, nil, "99", nil, session.ErrVersionConflict, "", nil},
		{"R16: new dates past a juror's habilitation are refused", session.Draft{StartDate: "2026-07-01", EndDate: "2026-07-02"},
			[]string{"start_date", "end_date"}, func(t *testing.T, s *session.Session) { addJuror(t, s, shortJuror(t, "j1", "2026-06-30")) },
			"", nil, jury.ErrHabilitationNotCovering, "R16", nil},
		{"an opened session is not updated", session.Draft{Site: "Ailleurs"}, []string{"site"},
			func(t *testing.T, s *session.Session) {
				addJuror(t, s, juror(t, "j1"))
				addJuror(t, s, juror(t, "j2"))
				register(t, s, "cy-1", "cand-1")
				if err := s.Open("", now); err != nil {
					t.Fatal(err)
				}
			}, "", nil, session.ErrNotPlanned, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t, draft())
			if tt.setup != nil {
				tt.setup(t, s)
			}
			s.PullEvents()
			before, version := s.Summary(), s.Version()
			d, err := s.Amend(tt.patch, tt.mask)
			if err == nil {
				err = s.Update(tt.etag, d, now.Add(1e9))
			}
			switch {
			case tt.wantViol != nil:
				if got := violations(t, err); !slices.Equal(got, tt.wantViol) {
					t.Fatalf("violations = %v; want %v", got, tt.wantViol)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) || (tt.wantRule != "" && ruleOf(err) != tt.wantRule) {
					t.Fatalf("Update() = %v; want %v (%s)", err, tt.wantErr, tt.wantRule)
				}
			default:
				if err != nil {
					t.Fatalf("Update() = %v", err)
				}
				ev := s.PullEvents()
				if len(tt.wantFields) == 0 {
					if len(ev) != 0 || s.Version() != version {
						t.Fatalf("a no-op update recorded %v, version %d", ev, s.Version())
					}
					return
				}
				u, ok := ev[0].(session.Updated)
				if len(ev) != 1 || !ok || !slices.Equal(u.Fields, tt.wantFields) || u.Session.Version != version+1 {
					t.Fatalf("events = %#v; want one Updated of %v", ev, tt.wantFields)
				}
				if s.Summary().Site == " Lyon Gerland " {
					t.Fatal("the site is not trimmed")
				}
				return
			}
			if s.Version() != version || s.Summary().Site != before.Site || len(s.PullEvents()) != 0 {
				t.Fatal("a refused update changed the session")
			}
		})
	}
}

func TestPostpone(t *testing.T) {
	t.Parallel()
	later := session.Postponement{StartDate: "2026-06-15", EndDate: "2026-06-16", Reason: "salle indisponible"}
	oneJuror := func(t *testing.T, s *session.Session) {
		t.Helper()
		if err := s.RemoveJuror("j2", "absent le premier jour", now); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		start    func(t *testing.T) *session.Session
		change   func(t *testing.T, s *session.Session)
		p        session.Postponement
		wantErr  error
		wantRule string
		wantViol []string
	}{
		{"a planned session is postponed", func(t *testing.T) *session.Session { return newSession(t, draft()) }, nil, later, nil, "", nil},
		{"R19: an opened session whose jury fell below two is postponed back to planned", opened, oneJuror, later, nil, "", nil},
		{"R19: an opened session with two jurors is not postponed", opened, nil, later, session.ErrNotPostponable, "R19", nil},
		{"R19: an opened session with a deliberated candidacy is not postponed", func(t *testing.T) *session.Session {
			s := newSession(t, draft())
			addJuror(t, s, juror(t, "j1"))
			addJuror(t, s, juror(t, "j2"))
			register(t, s, "cy-1", "cand-1")
			register(t, s, "cy-2", "cand-2")
			if err := s.Open("", now); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Deliberate("cy-1", "j1", deliberationAbsent(), tsgeri(), now); err != nil {
				t.Fatal(err)
			}
			return s
		}, oneJuror, later, session.ErrNotPostponable, "R19", nil},
		{"a closed session is not postponed", closed, nil, later, session.ErrClosed, "R50", nil},
		{"the reason is required", func(t *testing.T) *session.Session { return newSession(t, draft()) }, nil,
			session.Postponement{StartDate: "2026-06-15", EndDate: "2026-06-16", Reason: "  "}, nil, "", []string{"reason"}},
		{"a postponement moves the first day later", func(t *testing.T) *session.Session { return newSession(t, draft()) }, nil,
			session.Postponement{StartDate: "2026-06-01", EndDate: "2026-06-02", Reason: "x"}, nil, "", []string{"start_date"}},
		{"R40: the new dates pass the checks of a creation", func(t *testing.T) *session.Session { return newSession(t, draft()) }, nil,
			session.Postponement{StartDate: "2026-06-15", EndDate: "2026-06-14", DossierDeadline: "2026-06-20", Reason: "x"},
			nil, "", []string{"end_date", "dossier_deadline"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.start(t)
			if tt.change != nil {
				tt.change(t, s)
			}
			s.PullEvents()
			before, version := s.Summary(), s.Version()
			err := s.Postpone("", tt.p, now.Add(1e9))
			switch {
			case tt.wantViol != nil:
				if got := violations(t, err); !slices.Equal(got, tt.wantViol) {
					t.Fatalf("violations = %v; want %v", got, tt.wantViol)
				}
			case tt.wantErr != nil:
				requireRule(t, err, tt.wantErr, apperr.KindFailedPrecondition, tt.wantRule)
			default:
				if err != nil {
					t.Fatalf("Postpone() = %v", err)
				}
				sum := s.Summary()
				if sum.State != session.StatePlanned || sum.Start.String() != "2026-06-15" || sum.Deadline.String() != "2026-06-15" {
					t.Fatalf("after Postpone: %+v", sum)
				}
				ev := s.PullEvents()
				p, ok := ev[0].(session.Postponed)
				if len(ev) != 1 || !ok || p.Reason != tt.p.Reason || p.Before.Start != before.Start || p.Session.Start != sum.Start ||
					len(p.Candidacies) != before.CandidacyCount {
					t.Fatalf("events = %#v; want one Postponed", ev)
				}
				return
			}
			if s.Version() != version || s.State() != before.State {
				t.Fatal("a refused postponement changed the session")
			}
		})
	}
}

func deliberationAbsent() deliberation.Input { return deliberation.Input{Absent: true} }

// ruleOf and metaOf read an *apperr.Error's rule and metadata.
func ruleOf(err error) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Rule
	}
	return ""
}

func metaOf(err error, key string) string {
	var ae *apperr.Error
	if errors.As(err, &ae) {
		return ae.Meta[key]
	}
	return ""
}

func TestCancel(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		start    func(t *testing.T) *session.Session
		reason   string
		wantErr  error
		wantViol []string
	}{
		{"a planned session is cancelled and its candidacies released", func(t *testing.T) *session.Session {
			s := newSession(t, draft())
			register(t, s, "cy-1", "cand-1")
			register(t, s, "cy-2", "cand-2")
			return s
		}, "centre fermé", nil, nil},
		{"an opened session is cancelled before any deliberation", opened, "jury indisponible", nil, nil},
		{"the reason is required", opened, "", nil, []string{"reason"}},
		{"a deliberated session is not cancelled", deliberated, "x", session.ErrNotCancellable, nil},
		{"a closed session is not cancelled", closed, "x", session.ErrClosed, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := tt.start(t)
			s.PullEvents()
			version := s.Version()
			err := s.Cancel("", tt.reason, now.Add(1e9))
			switch {
			case tt.wantViol != nil:
				if got := violations(t, err); !slices.Equal(got, tt.wantViol) {
					t.Fatalf("violations = %v; want %v", got, tt.wantViol)
				}
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Cancel() = %v; want %v", err, tt.wantErr)
				}
			default:
				if err != nil || s.State() != session.StateCancelled {
					t.Fatalf("Cancel() = %v, state %s", err, s.State())
				}
				for _, c := range s.Candidacies() {
					if !c.Released() {
						t.Fatalf("candidacy %s not released", c.ID)
					}
				}
				ev := s.PullEvents()
				c, ok := ev[0].(session.Cancelled)
				if len(ev) != 1 || !ok || c.Reason != tt.reason || len(c.Candidacies) != len(s.Candidacies()) ||
					c.Session.State != session.StateCancelled {
					t.Fatalf("events = %#v; want one Cancelled", ev)
				}
				if c.Candidacies[0].CandidateID == "" {
					t.Fatal("the event does not name the candidates")
				}
				// Nothing changes afterwards.
				for name, change := range map[string]func() error{
					"cancel again": func() error { return s.Cancel("", "x", now) },
					"update":       func() error { return s.Update("", s.Draft(), now) },
					"postpone": func() error {
						return s.Postpone("", session.Postponement{StartDate: "2026-09-01", EndDate: "2026-09-02", Reason: "x"}, now)
					},
					"add a juror":    func() error { _, err := s.AddJuror(juror(t, "j9"), now); return err },
					"remove a juror": func() error { return s.RemoveJuror("j1", "x", now) },
				} {
					if err := change(); !errors.Is(err, session.ErrCancelled) && !errors.Is(err, session.ErrJurorNotFound) {
						t.Errorf("%s after cancellation = %v; want SESSION_CANCELLED", name, err)
					}
				}
				return
			}
			if s.Version() != version {
				t.Fatal("a refused cancellation changed the session")
			}
		})
	}
}

// TestJurorAbsentOnTheDay: after opening, a juror absent on the day is
// withdrawn with a reason and replaced; the absent juror's evaluations no
// longer count, and the deliberation still needs two jurors free of links
// with the candidate (R19, R21).
func TestJurorAbsentOnTheDay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		replacement jury.Juror
		wantAddErr  error
		wantRule    string
	}{
		{"R16, R19: a habilitated replacement lets the jury deliberate", juror(t, "j3"), nil, ""},
		{"R16: a replacement whose habilitation ends before the session is refused", shortJuror(t, "j3", "2026-06-02"), jury.ErrHabilitationNotCovering, "R16"},
		{"R21: a replacement linked with a candidate is refused", juror(t, "j3", linkTo("AFPA Lyon")), jury.ErrConflictOfInterest, "R21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := opened(t)
			evaluate(t, s, "cy-1", "j1")
			evaluate(t, s, "cy-1", "j2")
			if err := s.RemoveJuror("j2", "  malade le jour de la session ", now); err != nil {
				t.Fatalf("RemoveJuror() after opening = %v", err)
			}
			ev := s.PullEvents()
			if u, ok := ev[0].(session.JurorUnassigned); len(ev) != 1 || !ok || !u.AfterOpening || u.Reason != "malade le jour de la session" {
				t.Fatalf("events = %#v; want JurorUnassigned after opening with the reason", ev)
			}
			// R19: one juror left cannot deliberate, whatever their evaluation.
			if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); !errors.Is(err, session.ErrJuryTooSmall) {
				t.Fatalf("Deliberate() with one juror = %v; want JURY_TOO_SMALL", err)
			}
			if _, err := s.Deliberate("cy-1", "j2", allObtained(), tsgeri(), now); !errors.Is(err, session.ErrJurorNotAssigned) {
				t.Fatalf("Deliberate() by the absent juror = %v; want JUROR_NOT_ASSIGNED", err)
			}
			_, err := s.AddJuror(tt.replacement, now)
			if tt.wantAddErr != nil {
				requireRule(t, err, tt.wantAddErr, apperr.KindFailedPrecondition, tt.wantRule)
				return
			}
			if err != nil {
				t.Fatalf("AddJuror() after opening = %v", err)
			}
			if a, ok := s.PullEvents()[0].(session.JurorAssigned); !ok || !a.AfterOpening {
				t.Fatal("no JurorAssigned after opening")
			}
			// R49: the replacement's evaluation is needed, the absent one's does not count.
			if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); !errors.Is(err, session.ErrEvaluationMissing) ||
				metaOf(err, "juror") != "j3" {
				t.Fatalf("Deliberate() before the replacement evaluates = %v; want EVALUATION_MISSING for j3", err)
			}
			evaluate(t, s, "cy-1", "j3")
			if _, err := s.Deliberate("cy-1", "j3", allObtained(), tsgeri(), now); err != nil {
				t.Fatalf("Deliberate() = %v", err)
			}
			m := mustMinutes(t, s)
			if len(m.Content.Jurors) != 2 || m.Content.Jurors[1].Subject != "j3" {
				t.Fatalf("minutes jurors = %+v; want j1 and j3", m.Content.Jurors)
			}
		})
	}
}

// TestCheckAdmissibleOn: new dates keep every VAE candidate admissible on
// the first day (R25); a released candidacy is not checked.
func TestCheckAdmissibleOn(t *testing.T) {
	t.Parallel()
	s := newSession(t, draft()) // first day 2026-06-01
	vae := func(decided string) candidate.Candidate {
		p := person("cand-1")
		p.AccessRoute, p.TrainingOrganisation, p.VAEDecisionDate = candidate.RouteVAE, "", decided
		return p
	}
	if _, err := s.Register("cy-1", candidacy.Registration{CandidateID: "cand-1"}, vae("2025-09-01"), tsgeri(), session.RequestKey{}, now); err != nil {
		t.Fatal(err)
	}
	people := func(id string) (candidate.Candidate, error) { return vae("2025-09-01"), nil }
	tests := []struct {
		name    string
		start   string
		wantErr error
	}{
		{"R25: a first day within the admissibility's year", "2026-08-31", nil},
		{"R25: a first day after the admissibility's year is refused", "2026-09-02", candidate.ErrVAEAdmissibilityExpired},
		{"R25: the same first day needs no check", "2026-06-01", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := s.Draft()
			d.StartDate, d.EndDate, d.DossierDeadline = tt.start, tt.start, ""
			err := s.CheckAdmissibleOn(d, people)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("CheckAdmissibleOn() = %v", err)
				}
				return
			}
			requireRule(t, err, tt.wantErr, apperr.KindFailedPrecondition, "R25")
		})
	}
	if err := s.Cancel("", "x", now); err != nil {
		t.Fatal(err)
	}
	d := s.Draft()
	d.StartDate, d.EndDate = "2027-01-04", "2027-01-04"
	if err := s.CheckAdmissibleOn(d, people); err != nil {
		t.Fatalf("a released candidacy is checked: %v", err)
	}
}
