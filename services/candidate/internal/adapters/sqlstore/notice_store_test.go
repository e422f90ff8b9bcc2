package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

func inNoticeTx(t *testing.T, db *sqldb.DB, wake func(), fn func(st *sqlstore.NoticeStore)) {
	t.Helper()
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		fn(sqlstore.NewNoticeStore(tx, wake, func() time.Time { return baseTime }))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func TestNoticeStoreProjections(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, repo *sqlstore.CandidateRepository) {
		ctx := context.Background()
		c := create(t, repo, "camille@idp", "CENTRE-1", baseTime)
		inNoticeTx(t, db, nil, func(st *sqlstore.NoticeStore) {
			for range 2 { // re-entrant within a transaction
				if err := st.Lock(ctx, "results:s1"); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := st.Session(ctx, "s1"); !errors.Is(err, notice.ErrUnknown) {
				t.Fatalf("Session(unknown) = %v", err)
			}
			s := notice.Session{ID: "s1", CentreID: "C1", Type: notice.SessionCCP, TitleID: "TP-1", TitleVersion: "1",
				CCPCodes: []string{"CCP2"}, StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-01"}
			if err := st.SaveSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			s.StartDate, s.Site = "2026-09-14", "Créteil"
			if err := st.SaveSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			got := must[notice.Session](t)(st.Session(ctx, "s1"))
			if got.StartDate != "2026-09-14" || got.Site != "Créteil" || len(got.CCPCodes) != 1 || got.Type != notice.SessionCCP {
				t.Fatalf("Session() = %+v", got)
			}

			tt := notice.Title{ID: "TP-1", Version: "1", Label: "Titre", CCPs: []notice.CCP{{Code: "CCP1", Label: "Un"}}}
			if err := st.SaveTitle(ctx, tt); err != nil {
				t.Fatal(err)
			}
			if err := st.SaveTitle(ctx, notice.Title{ID: "TP-1", Version: "1", Label: "Autre"}); err != nil {
				t.Fatal(err)
			}
			if got := must[notice.Title](t)(st.Title(ctx, "TP-1", "1")); got.Label != "Titre" || got.CCPLabel("CCP1") != "Un" {
				t.Fatalf("Title() = %+v; the first version stays", got)
			}

			p := must[notice.Person](t)(st.Candidate(ctx, c.ID()))
			if p.Name != "Camille Durand" || p.Email != "camille.martin@example.org" {
				t.Fatalf("Candidate() = %+v", p)
			}
			if _, err := st.Candidate(ctx, "nobody"); !errors.Is(err, notice.ErrUnknown) {
				t.Fatalf("Candidate(unknown) = %v", err)
			}

			for _, id := range []string{"cy-2", "cy-1"} {
				if err := st.SaveCandidacy(ctx, notice.Candidacy{ID: id, SessionID: "s1", CandidateID: c.ID(), CCPCodes: []string{"CCP2"}}); err != nil {
					t.Fatal(err)
				}
			}
			cs := must[[]notice.Candidacy](t)(st.Candidacies(ctx, "s1"))
			if len(cs) != 2 || cs[0].ID != "cy-1" || cs[0].CCPCodes[0] != "CCP2" {
				t.Fatalf("Candidacies() = %+v", cs)
			}

			for _, j := range []string{"j2", "j1"} {
				if err := st.SetJuror(ctx, "s1", notice.Juror{Subject: j, Name: "Juré " + j}, true); err != nil {
					t.Fatal(err)
				}
			}
			if err := st.SetJuror(ctx, "s1", notice.Juror{Subject: "j2"}, false); err != nil {
				t.Fatal(err)
			}
			if js := must[[]notice.Juror](t)(st.Jurors(ctx, "s1")); len(js) != 1 || js[0].Subject != "j1" || js[0].Name != "Juré j1" {
				t.Fatalf("Jurors() = %+v", js)
			}

			if _, err := st.JurorAddress(ctx, "j1"); !errors.Is(err, notice.ErrUnknown) {
				t.Fatalf("JurorAddress(unknown) = %v", err)
			}
			if err := st.SaveJurorAddress(ctx, "j1", notice.Person{Name: "Jeanne", Email: "jeanne@example.org"}); err != nil {
				t.Fatal(err)
			}
			if got := must[notice.Person](t)(st.JurorAddress(ctx, "j1")); got.Email != "jeanne@example.org" {
				t.Fatalf("JurorAddress() = %+v", got)
			}

			m := notice.Minutes{SessionID: "s1", ContentHash: "h1", JuryDate: "2026-06-16", Lines: []notice.Line{{
				CandidacyID: "cy-1", CandidateID: c.ID(), TitleOutcome: notice.TitlePartial,
				Decisions: []notice.Decision{{CCPCode: "CCP2", Outcome: notice.NotObtained, Motivation: "à revoir"}},
			}}}
			if err := st.SaveMinutes(ctx, m); err != nil {
				t.Fatal(err)
			}
			gm := must[notice.Minutes](t)(st.Minutes(ctx, "s1", "h1"))
			if len(gm.Lines) != 1 || gm.Lines[0].Decisions[0].Motivation != "à revoir" || gm.JuryDate != "2026-06-16" {
				t.Fatalf("Minutes() = %+v", gm)
			}
			if _, err := st.Minutes(ctx, "s1", "h2"); !errors.Is(err, notice.ErrUnknown) {
				t.Fatalf("Minutes(other hash) = %v", err)
			}
			v := notice.Validation{EventID: "ev-v1", SessionID: "s1", MinutesHash: "h1", ValidatedAt: baseTime}
			if err := st.SaveValidation(ctx, v); err != nil {
				t.Fatal(err)
			}
			v.EventID = "ev-v2"
			if err := st.SaveValidation(ctx, v); err != nil {
				t.Fatal(err)
			}
			gv := must[notice.Validation](t)(st.Validation(ctx, "s1", "h1"))
			if gv.EventID != "ev-v1" || !gv.ValidatedAt.Equal(baseTime) {
				t.Fatalf("Validation() = %+v; the first stays", gv)
			}
			if _, err := st.PreviousValidation(ctx, "s1", "h1"); !errors.Is(err, notice.ErrUnknown) {
				t.Fatalf("PreviousValidation(only one) = %v", err)
			}
			for i, h := range []string{"h2", "h3"} {
				if err := st.SaveValidation(ctx, notice.Validation{EventID: "ev-" + h, SessionID: "s1", MinutesHash: h,
					ValidatedAt: baseTime.Add(time.Duration(i+1) * time.Hour)}); err != nil {
					t.Fatal(err)
				}
			}
			if pv := must[notice.Validation](t)(st.PreviousValidation(ctx, "s1", "h3")); pv.MinutesHash != "h2" || pv.EventID != "ev-h2" {
				t.Fatalf("PreviousValidation(h3) = %+v; want the latest other one", pv)
			}
		})
	})
}

func mailTo(id, key, to string) notice.Mail {
	status := notice.StatusPending
	if to == "" {
		status = notice.StatusHeld
	}
	return notice.Mail{MessageID: id, EventID: "ev-" + id, Kind: notice.KindJurorConvocation, RecipientKey: key,
		SessionID: "s1", To: to, ToName: "Jeanne", Status: status, CreatedAt: baseTime,
		Content: notice.Content{Subject: "Convocation", Text: "Bonjour,\n", HTML: "<p>Bonjour,</p>"}}
}

func TestMailOutbox(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, db *sqldb.DB, _ *sqlstore.CandidateRepository) {
		ctx := context.Background()
		woken := 0
		inNoticeTx(t, db, func() { woken++ }, func(st *sqlstore.NoticeStore) {
			for _, m := range []notice.Mail{mailTo("m1", "candidate:c1", "a@example.org"), mailTo("m2", "juror:j1", ""),
				mailTo("m3", "juror:j2", "")} {
				if added := must[bool](t)(st.Enqueue(ctx, m)); !added {
					t.Fatalf("Enqueue(%s) added nothing", m.MessageID)
				}
			}
			if added := must[bool](t)(st.Enqueue(ctx, mailTo("m1", "candidate:c1", "b@example.org"))); added {
				t.Fatal("a second message with the same Message-ID was added")
			}
		})
		if woken == 0 {
			t.Fatal("the relay was not woken after the commit")
		}
		box := sqlstore.NewMailOutbox(db)
		now := baseTime.Add(time.Second)
		due := must[[]notice.Mail](t)(box.Due(ctx, now, 10))
		if len(due) != 1 || due[0].MessageID != "m1" || due[0].To != "a@example.org" || due[0].Content.HTML != "<p>Bonjour,</p>" {
			t.Fatalf("Due() = %+v; only the pending message, as first written", due)
		}
		inNoticeTx(t, db, nil, func(st *sqlstore.NoticeStore) {
			if n := must[int](t)(st.Release(ctx, "juror:j1", notice.Person{Name: "Jeanne", Email: "jeanne@example.org"})); n != 1 {
				t.Fatalf("Release() = %d", n)
			}
			if n := must[int](t)(st.CancelHeld(ctx, "s1", "juror:j2")); n != 1 {
				t.Fatalf("CancelHeld() = %d", n)
			}
		})
		due = must[[]notice.Mail](t)(box.Due(ctx, now, 10))
		if len(due) != 2 || due[1].MessageID != "m2" || due[1].To != "jeanne@example.org" {
			t.Fatalf("Due() after release = %+v", due)
		}

		// A lease keeps a message from a second relay until it lapses.
		lease := now.Add(time.Minute)
		if !must[bool](t)(box.Claim(ctx, "m1", now, lease)) {
			t.Fatal("Claim() = false")
		}
		if must[bool](t)(box.Claim(ctx, "m1", now, lease)) {
			t.Fatal("a leased message was claimed twice")
		}
		if due := must[[]notice.Mail](t)(box.Due(ctx, now, 10)); len(due) != 1 || due[0].MessageID != "m2" {
			t.Fatalf("Due() during the lease = %+v", due)
		}
		if !must[bool](t)(box.Claim(ctx, "m1", lease.Add(time.Second), lease.Add(time.Hour))) {
			t.Fatal("a lapsed lease could not be claimed")
		}
		if err := box.MarkSent(ctx, "m1", 1, now); err != nil {
			t.Fatal(err)
		}
		if err := box.MarkRetry(ctx, "m2", 1, now.Add(time.Hour), "451 try later"); err != nil {
			t.Fatal(err)
		}
		if due := must[[]notice.Mail](t)(box.Due(ctx, now.Add(time.Hour), 10)); len(due) != 1 || due[0].Attempts != 1 {
			t.Fatalf("Due() after the retry delay = %+v", due)
		}
		if err := box.MarkFailed(ctx, "m2", 2, "550 no such user"); err != nil {
			t.Fatal(err)
		}
		b := must[sqlstore.Backlog](t)(box.Backlog(ctx))
		if b != (sqlstore.Backlog{Sent: 1, Failed: 1}) {
			t.Fatalf("Backlog() = %+v", b)
		}
		if !must[bool](t)(box.Resend(ctx, "m2", now)) || must[bool](t)(box.Resend(ctx, "m1", now)) {
			t.Fatal("Resend() makes failed messages pending, and only those")
		}
		b = must[sqlstore.Backlog](t)(box.Backlog(ctx))
		if b.Pending != 1 || b.Failed != 0 || !b.OldestPending.Equal(baseTime) {
			t.Fatalf("Backlog() after resend = %+v", b)
		}
	})
}
