package session_test

import (
	"errors"
	"testing"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
)

func wantReason(t *testing.T, err error, reason, rule string) {
	t.Helper()
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Reason != reason || ae.Rule != rule {
		t.Fatalf("err = %v; want %s (rule %q)", err, reason, rule)
	}
}

// twoCandidacies returns an IN_PROGRESS session titre with cy-1 and cy-2,
// both with dossier and ECF results.
func twoCandidacies(t *testing.T) *session.Session {
	t.Helper()
	s := newSession(t, draft())
	addJuror(t, s, juror(t, "j1"))
	addJuror(t, s, juror(t, "j2"))
	register(t, s, "cy-1", "cand-1")
	register(t, s, "cy-2", "cand-2")
	attach(t, s, "cy-1")
	attach(t, s, "cy-2")
	if err := s.Open("", now); err != nil {
		t.Fatal(err)
	}
	s.PullEvents()
	return s
}

func TestWithdraw(t *testing.T) {
	t.Parallel()
	t.Run("a planned candidacy withdrawn by its candidate leaves the session, which cannot open without another", func(t *testing.T) {
		s := newSession(t, draft())
		addJuror(t, s, juror(t, "j1"))
		addJuror(t, s, juror(t, "j2"))
		register(t, s, "cy-1", "cand-1")
		s.PullEvents()
		c, err := s.Withdraw("cy-1", "sub-cand-1", true, "  Raisons de santé.  ", now)
		if err != nil || !c.Withdrawn() || !c.Withdrawal.ByCandidate || c.Withdrawal.Reason != "Raisons de santé." {
			t.Fatalf("Withdraw() = %+v, %v", c.Withdrawal, err)
		}
		ev := s.PullEvents()
		if len(ev) != 1 {
			t.Fatalf("events = %+v", ev)
		}
		if w, ok := ev[0].(session.CandidacyWithdrawn); !ok || w.CandidacyID != "cy-1" || w.CandidateID != "cand-1" || w.Withdrawal.By != "sub-cand-1" {
			t.Fatalf("event = %+v", ev[0])
		}
		wantReason(t, s.Open("", now), "SESSION_WITHOUT_CANDIDACY", "")
		_, err = s.Withdraw("cy-1", "centre", false, "", now)
		wantReason(t, err, "CANDIDACY_WITHDRAWN", "")
	})
	t.Run("an opened session keeps its last candidacy", func(t *testing.T) {
		s := opened(t)
		_, err := s.Withdraw("cy-1", "centre", false, "", now)
		wantReason(t, err, "LAST_CANDIDACY", "")
	})
	t.Run("a withdrawn candidacy is neither evaluated nor deliberated, nor waited for", func(t *testing.T) {
		s := twoCandidacies(t)
		if _, err := s.Withdraw("cy-2", "centre", false, "", now); err != nil {
			t.Fatal(err)
		}
		_, err := s.RecordEvaluation("cy-2", "j1", "", fullEvaluation(), tsgeri(), now)
		wantReason(t, err, "CANDIDACY_WITHDRAWN", "")
		_, err = s.Deliberate("cy-2", "j1", allObtained(), tsgeri(), now)
		wantReason(t, err, "CANDIDACY_WITHDRAWN", "")
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		if s.State() != session.StateDeliberated {
			t.Fatalf("state = %s; want DELIBERATED", s.State())
		}
	})
	t.Run("withdrawing the last candidacy awaiting its deliberation closes the deliberation; the minutes leave it out", func(t *testing.T) {
		s := twoCandidacies(t)
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		if s.State() != session.StateInProgress {
			t.Fatalf("state = %s", s.State())
		}
		if _, err := s.Withdraw("cy-2", "centre", false, "Abandon de formation.", now); err != nil {
			t.Fatal(err)
		}
		if s.State() != session.StateDeliberated {
			t.Fatalf("state = %s; want DELIBERATED once the only other candidacy is deliberated", s.State())
		}
		m := mustMinutes(t, s)
		if len(m.Content.Lines) != 1 || m.Content.Lines[0].CandidacyID != "cy-1" {
			t.Fatalf("R50: the minutes hold %+v; want cy-1 only (a withdrawn candidacy is not in the minutes)", m.Content.Lines)
		}
	})
	t.Run("a deliberated candidacy cannot be withdrawn", func(t *testing.T) {
		s := twoCandidacies(t)
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		_, err := s.Withdraw("cy-1", "centre", false, "", now)
		wantReason(t, err, "CANDIDACY_DELIBERATED", "")
	})
	t.Run("nothing changes once the session is closed", func(t *testing.T) {
		s := closed(t)
		_, err := s.Withdraw("cy-1", "centre", false, "", now)
		wantReason(t, err, "SESSION_CLOSED", "R50")
	})
}

func TestTransfer(t *testing.T) {
	t.Parallel()
	later := func(t *testing.T, id string, d session.Draft) *session.Session {
		t.Helper()
		s, err := session.New(id, "CENTRE-69", d, tsgeri(), session.RequestKey{}, now)
		if err != nil {
			t.Fatal(err)
		}
		s.PullEvents()
		return s
	}
	laterDraft := draft()
	laterDraft.StartDate, laterDraft.EndDate, laterDraft.DossierDeadline = "2026-09-07", "2026-09-08", "2026-08-31"
	t.Run("the candidate moves with scope, adjustments and ECF; the first candidacy is withdrawn", func(t *testing.T) {
		from := newSession(t, draft())
		register(t, from, "cy-1", "cand-1")
		recordECF(t, from, "cy-1")
		if _, err := from.RecordAdjustment("cy-1", candidacy.Adjustment{Epreuve: title.MiseEnSituation, Arrangements: "Poste adapté.",
			AuthorisationRef: "MDPH-1", AuthorisedOn: mustDate(t, "2026-04-01")}, "centre", tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		from.PullEvents()
		to := later(t, "s-2", laterDraft)
		left, joined, err := session.Transfer(from, to, "cy-1", "cy-9", "centre", "Report demandé.", person("cand-1"), tsgeri(), session.RequestKey{}, now)
		if err != nil {
			t.Fatalf("Transfer() = %v", err)
		}
		if left.Withdrawal == nil || left.Withdrawal.TransferredTo == nil || *left.Withdrawal.TransferredTo != (candidacy.Ref{SessionID: "s-2", CandidacyID: "cy-9"}) {
			t.Fatalf("left = %+v", left.Withdrawal)
		}
		if joined.SessionID != "s-2" || joined.TransferredFrom == nil || joined.TransferredFrom.CandidacyID != "cy-1" ||
			len(joined.ECF) != 3 || len(joined.Adjustments) != 1 || joined.Dossier != nil {
			t.Fatalf("joined = %+v", joined)
		}
		evFrom, evTo := from.PullEvents(), to.PullEvents()
		if len(evFrom) != 1 || len(evTo) != 1 {
			t.Fatalf("events = %+v / %+v", evFrom, evTo)
		}
		if tr, ok := evFrom[0].(session.CandidacyTransferred); !ok || tr.From.CandidacyID != "cy-1" || tr.To.SessionID != "s-2" || tr.CandidateID != "cand-1" {
			t.Fatalf("event = %+v", evFrom[0])
		}
		if _, ok := evTo[0].(session.CandidacyRegistered); !ok {
			t.Fatalf("event = %+v", evTo[0])
		}
	})
	t.Run("only to a planned session of the same centre and title version", func(t *testing.T) {
		for name, target := range map[string]func(t *testing.T) *session.Session{
			"another centre": func(t *testing.T) *session.Session {
				s, err := session.New("s-3", "CENTRE-75", laterDraft, tsgeri(), session.RequestKey{}, now)
				if err != nil {
					t.Fatal(err)
				}
				return s
			},
			"an opened session": func(t *testing.T) *session.Session {
				s := later(t, "s-2", laterDraft)
				addJuror(t, s, juror(t, "j1"))
				addJuror(t, s, juror(t, "j2"))
				register(t, s, "cy-5", "cand-5")
				if err := s.Open("", now); err != nil {
					t.Fatal(err)
				}
				return s
			},
		} {
			t.Run(name, func(t *testing.T) {
				from := newSession(t, draft())
				register(t, from, "cy-1", "cand-1")
				_, _, err := session.Transfer(from, target(t), "cy-1", "cy-9", "centre", "", person("cand-1"), tsgeri(), session.RequestKey{}, now)
				wantReason(t, err, "TRANSFER_TARGET_INVALID", "")
				if c, _ := from.Candidacy("cy-1"); c.Withdrawn() {
					t.Fatal("a refused transfer withdrew the candidacy")
				}
			})
		}
	})
	t.Run("the target's rules are checked again: a juror's link (R21)", func(t *testing.T) {
		from := newSession(t, draft())
		register(t, from, "cy-1", "cand-1")
		to := later(t, "s-2", laterDraft)
		addJuror(t, to, juror(t, "j7", linkTo("AFPA Lyon")))
		_, _, err := session.Transfer(from, to, "cy-1", "cy-9", "centre", "", person("cand-1"), tsgeri(), session.RequestKey{}, now)
		wantReason(t, err, "JUROR_CONFLICT_OF_INTEREST", "R21")
	})
}

func TestDeliberationInputs(t *testing.T) {
	t.Parallel()
	t.Run("R43: a session titre is not deliberated before every juror evaluated the entretien final", func(t *testing.T) {
		s := opened(t)
		for _, j := range []string{"j1", "j2"} {
			record(t, s, j, fullEvaluation()[:4]) // the MSP only
		}
		_, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now)
		wantReason(t, err, "ENTRETIEN_FINAL_MISSING", "R43")
	})
	t.Run("R43: a session CCP has no entretien final to wait for", func(t *testing.T) {
		d := draft()
		d.Type, d.CCPCodes = title.SessionCCP, []string{"CCP3"}
		s := newSession(t, d)
		addJuror(t, s, juror(t, "j1"))
		addJuror(t, s, juror(t, "j2"))
		register(t, s, "cy-1", "cand-1")
		attach(t, s, "cy-1")
		if err := s.Open("", now); err != nil {
			t.Fatal(err)
		}
		for _, j := range []string{"j1", "j2"} {
			record(t, s, j, []evaluation.Item{{CompetenceCode: "CCP3-C1", Epreuve: title.MiseEnSituation, Verdict: evaluation.Mastered}})
		}
		if _, err := s.Deliberate("cy-1", "j1", deliberation.Input{Decisions: []deliberation.Decision{{CCPCode: "CCP3", Outcome: deliberation.Obtained}}}, tsgeri(), now); err != nil {
			t.Fatalf("Deliberate() = %v", err)
		}
	})
	t.Run("R49: a training-route candidate is not deliberated without the ECF results (R30)", func(t *testing.T) {
		s := newSession(t, draft())
		addJuror(t, s, juror(t, "j1"))
		addJuror(t, s, juror(t, "j2"))
		register(t, s, "cy-1", "cand-1")
		if _, err := s.AttachDossier(session.Submission{CandidacyID: "cy-1",
			Dossier: candidacy.Dossier{SnapshotID: "snap", ManifestHash: "hash", SubmittedAt: now}}, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Open("", now); err != nil {
			t.Fatal(err)
		}
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		_, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now)
		wantReason(t, err, "ECF_MISSING", "R49")
		var ae *apperr.Error
		if errors.As(err, &ae); ae.Meta["missing_ecf"] != "CCP1,CCP2,CCP3" {
			t.Fatalf("R49: the refusal names what is missing: %v", ae.Meta)
		}
		recordECF(t, s, "cy-1")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatalf("Deliberate() = %v", err)
		}
	})
	t.Run("R49: a VAE candidate is deliberated without ECF results", func(t *testing.T) {
		s := newSession(t, draft())
		addJuror(t, s, juror(t, "j1"))
		addJuror(t, s, juror(t, "j2"))
		p := person("cand-1")
		p.AccessRoute, p.VAEDecisionDate, p.TrainingOrganisation = candidate.RouteVAE, "2026-01-10", ""
		if _, err := s.Register("cy-1", candidacy.Registration{CandidateID: "cand-1"}, p, tsgeri(), session.RequestKey{}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AttachDossier(session.Submission{CandidacyID: "cy-1",
			Dossier: candidacy.Dossier{SnapshotID: "snap", ManifestHash: "hash", SubmittedAt: now}}, now); err != nil {
			t.Fatal(err)
		}
		if err := s.Open("", now); err != nil {
			t.Fatal(err)
		}
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatalf("Deliberate() = %v", err)
		}
	})
}

func TestAttendanceAtTheDeliberation(t *testing.T) {
	t.Parallel()
	absentFromAll := []candidacy.Attendance{{Epreuve: title.MiseEnSituation}, {Epreuve: title.EntretienFinal}}
	t.Run("R33: a candidate absent from every épreuve is deliberated ABSENT, without CCP decisions, and so shown in the minutes", func(t *testing.T) {
		s := twoCandidacies(t)
		if _, err := s.RecordAttendance("cy-2", absentFromAll, "j1", tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		_, err := s.Deliberate("cy-2", "j1", allObtained(), tsgeri(), now)
		wantReason(t, err, "CANDIDATE_RECORDED_ABSENT", "")
		c, err := s.Deliberate("cy-2", "j1", deliberation.Input{Absent: true}, tsgeri(), now)
		if err != nil || c.Deliberation.Outcome != deliberation.Absent || len(c.Deliberation.Decisions) != 0 {
			t.Fatalf("Deliberate(absent) = %+v, %v", c.Deliberation, err)
		}
		evaluate(t, s, "cy-1", "j1")
		evaluate(t, s, "cy-1", "j2")
		if _, err := s.Deliberate("cy-1", "j1", allObtained(), tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		m := mustMinutes(t, s)
		if len(m.Content.Lines) != 2 || m.Content.Lines[1].Outcome != deliberation.Absent || len(m.Content.Lines[1].Decisions) != 0 {
			t.Fatalf("minutes lines = %+v", m.Content.Lines)
		}
	})
	t.Run("a candidate present at an épreuve is not deliberated absent", func(t *testing.T) {
		s := opened(t)
		if _, err := s.RecordAttendance("cy-1", []candidacy.Attendance{{Epreuve: title.MiseEnSituation, Present: true}}, "centre", tsgeri(), now); err != nil {
			t.Fatal(err)
		}
		_, err := s.Deliberate("cy-1", "j1", deliberation.Input{Absent: true}, tsgeri(), now)
		wantReason(t, err, "CANDIDATE_RECORDED_PRESENT", "")
	})
	t.Run("attendance is recorded while the session is in progress", func(t *testing.T) {
		s := newSession(t, draft())
		register(t, s, "cy-1", "cand-1")
		_, err := s.RecordAttendance("cy-1", absentFromAll, "centre", tsgeri(), now)
		wantReason(t, err, "SESSION_NOT_IN_PROGRESS", "")
	})
	t.Run("R46: adjustments are recorded before the session opens", func(t *testing.T) {
		s := opened(t)
		_, err := s.RecordAdjustment("cy-1", candidacy.Adjustment{Epreuve: title.MiseEnSituation, Arrangements: "Poste adapté.",
			AuthorisationRef: "MDPH-1", AuthorisedOn: mustDate(t, "2026-04-01")}, "centre", tsgeri(), now)
		wantReason(t, err, "SESSION_STARTED", "R46")
	})
}
