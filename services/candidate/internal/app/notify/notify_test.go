package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
)

var at = time.Date(2026, 6, 20, 10, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	db  *sqldb.DB
	n   notify.Notifier
	ids map[string]string // candidate by e-mail local part
}

func forEachEngine(t *testing.T, test func(t *testing.T, e *env)) {
	for _, eng := range dbtest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			db := eng.Open(t)
			ctx := context.Background()
			if err := sqlstore.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			if err := outbox.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			e := &env{t: t, db: db, n: notify.New(func() time.Time { return at }), ids: map[string]string{}}
			repo := sqlstore.NewCandidateRepository(db, outbox.New(db))
			for i, who := range []string{"camille", "louis"} {
				c, err := candidate.New("cand-"+who, "C1", candidate.Details{
					BirthName: strings.ToUpper(who[:1]) + who[1:] + "son", GivenNames: []string{strings.ToUpper(who[:1]) + who[1:]},
					BirthDate: "1990-06-01", BirthPlace: candidate.BirthPlace{Commune: "Lyon", CountryCode: "FR"},
					Email: who + "@example.org", AccessRoute: candidate.RouteTraining,
					Training: &candidate.TrainingEnrolment{Organisation: "AFPA Lyon", OrganisationSIRET: "73282932000074",
						StartDate: "2025-09-01", EndDate: "2026-06-30"},
				}, at.Add(time.Duration(i)*time.Second))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := repo.Create(ctx, c, candidate.CreateKey{CreatedBy: "centre"}); err != nil {
					t.Fatal(err)
				}
				e.ids[who] = c.ID()
			}
			test(t, e)
		})
	}
}

// apply runs fn in a transaction, as a consumer does.
func (e *env) apply(fn func(ctx context.Context, st notice.Store) error) error {
	return e.db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		return fn(context.Background(), sqlstore.NewNoticeStore(tx, nil, func() time.Time { return at }))
	})
}

func (e *env) must(fn func(ctx context.Context, st notice.Store) error) {
	e.t.Helper()
	if err := e.apply(fn); err != nil {
		e.t.Fatal(err)
	}
}

type row struct {
	ID, Kind, Key, To, Status, Subject, Text string
}

func (e *env) mails() []row {
	e.t.Helper()
	rows, err := e.db.QueryContext(context.Background(),
		`SELECT message_id, kind, recipient_key, to_address, status, subject, body_text FROM mail_outbox`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.ID, &r.Kind, &r.Key, &r.To, &r.Status, &r.Subject, &r.Text); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Kind+out[i].Key < out[j].Kind+out[j].Key })
	return out
}

var session = notice.Session{ID: "s1", CentreID: "C1", Type: notice.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
	CCPCodes: []string{"CCP1", "CCP2"}, StartDate: "2026-06-15", EndDate: "2026-06-16", DossierDeadline: "2026-06-01"}

func (e *env) plan() {
	e.must(func(ctx context.Context, st notice.Store) error {
		if err := e.n.TitlePublished(ctx, st, notice.Title{ID: "TP-00495", Version: "2008", Label: "Technicien supérieur",
			CCPs: []notice.CCP{{Code: "CCP1", Label: "Préparer"}, {Code: "CCP2", Label: "Contrôler"}}}); err != nil {
			return err
		}
		return e.n.SessionPlanned(ctx, st, session)
	})
}

func TestCandidateConvocationOncePerEvent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		c := notice.Candidacy{ID: "cy-1", SessionID: "s1", CandidateID: e.ids["camille"], CCPCodes: []string{"CCP1", "CCP2"}}
		register := func(ctx context.Context, st notice.Store) error {
			return e.n.CandidacyRegistered(ctx, st, "ev-reg-1", c)
		}
		// Before its session: retryable, nothing written.
		err := e.apply(register)
		if !errors.Is(err, notify.ErrSessionUnknown) || !apperr.IsRetryable(err) {
			t.Fatalf("CandidacyRegistered before SessionPlanned = %v; want a retryable ErrSessionUnknown", err)
		}
		e.plan()
		e.must(register)
		e.must(register) // a redelivery (another inbox would have stopped it; the outbox does too)
		got := e.mails()
		if len(got) != 1 {
			t.Fatalf("%d messages, want 1: %+v", len(got), got)
		}
		m := got[0]
		if m.ID != notice.MessageID("ev-reg-1", notice.KindCandidateConvocation, notice.CandidateKey(e.ids["camille"])) ||
			m.To != "camille@example.org" || m.Status != "pending" || !strings.Contains(m.Subject, "Convocation") ||
			!strings.Contains(m.Text, "Bonjour Camille Camilleson,") || !strings.Contains(m.Text, "CCP2 – Contrôler") {
			t.Fatalf("convocation = %+v", m)
		}
		// A candidacy of a candidate this service does not hold can never be told.
		err = e.apply(func(ctx context.Context, st notice.Store) error {
			return e.n.CandidacyRegistered(ctx, st, "ev-reg-x", notice.Candidacy{ID: "cy-x", SessionID: "s1", CandidateID: "nobody"})
		})
		if apperr.IsRetryable(err) || err == nil {
			t.Fatalf("unknown candidate: %v; want a final error", err)
		}
	})
}

func TestJurorConvocationWaitsForTheAddress(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		e.plan()
		e.must(func(ctx context.Context, st notice.Store) error {
			if err := e.n.JurorAssigned(ctx, st, "ev-j1", "s1", notice.Juror{Subject: "j1", Name: "Jeanne Dupont"}); err != nil {
				return err
			}
			return e.n.JurorAssigned(ctx, st, "ev-j2", "s1", notice.Juror{Subject: "j2", Name: "Paul Martin"})
		})
		got := e.mails()
		if len(got) != 2 || got[0].Status != "held" || got[1].Status != "held" || got[0].To != "" {
			t.Fatalf("before the addresses: %+v", got)
		}
		// j2 leaves the jury before their address is known: never convened.
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.JurorUnassigned(ctx, st, "ev-unj2", "s1", "j2")
		})
		// The juror register tells j1's and j2's addresses.
		e.must(func(ctx context.Context, st notice.Store) error {
			if err := e.n.JurorAddressKnown(ctx, st, "j1", notice.Person{Name: "Jeanne Dupont", Email: "jeanne@example.org"}); err != nil {
				return err
			}
			return e.n.JurorAddressKnown(ctx, st, "j2", notice.Person{Name: "Paul Martin", Email: "paul@example.org"})
		})
		got = e.mails()
		if got[0].Key != "juror:j1" || got[0].Status != "pending" || got[0].To != "jeanne@example.org" ||
			!strings.Contains(got[0].Text, "Bonjour Jeanne Dupont,") || !strings.Contains(got[0].Text, "membre du jury") {
			t.Fatalf("j1 = %+v", got[0])
		}
		if got[1].Key != "juror:j2" || got[1].Status != "cancelled" {
			t.Fatalf("j2 = %+v", got[1])
		}
		// A juror whose address is known is convened at once.
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.JurorAssigned(ctx, st, "ev-j2-again", "s1", notice.Juror{Subject: "j2", Name: "Paul Martin"})
		})
		pending := 0
		for _, m := range e.mails() {
			if m.Key == "juror:j2" && m.Status == "pending" && m.To == "paul@example.org" {
				pending++
			}
		}
		if pending != 1 {
			t.Fatalf("j2 reassigned: %+v", e.mails())
		}
		// j1, convened, is replaced (absent on the day): told the convocation no longer holds.
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.JurorUnassigned(ctx, st, "ev-unj1", "s1", "j1")
		})
		released := 0
		for _, m := range e.mails() {
			if m.Kind == string(notice.KindJurorReleased) {
				released++
				if m.Key != "juror:j1" || m.To != "jeanne@example.org" || !strings.Contains(m.Text, "Vous n'êtes plus membre du jury") ||
					!strings.Contains(m.Text, "Bonjour Jeanne Dupont,") {
					t.Errorf("release = %+v", m)
				}
			}
		}
		if released != 1 {
			t.Fatalf("%d release messages, want 1 (j1 only: j2 never heard of the session): %+v", released, e.mails())
		}
	})
}

func TestSessionChangesTellEveryCandidateAndJuror(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		e.plan()
		e.must(func(ctx context.Context, st notice.Store) error {
			for _, who := range []string{"camille", "louis"} {
				if err := e.n.CandidacyRegistered(ctx, st, "ev-reg-"+who, notice.Candidacy{ID: "cy-" + who, SessionID: "s1",
					CandidateID: e.ids[who]}); err != nil {
					return err
				}
			}
			if err := e.n.JurorAddressKnown(ctx, st, "j1", notice.Person{Name: "Jeanne", Email: "jeanne@example.org"}); err != nil {
				return err
			}
			return e.n.JurorAssigned(ctx, st, "ev-j1", "s1", notice.Juror{Subject: "j1", Name: "Jeanne Dupont"})
		})
		// Louis withdraws: not told of the changes.
		e.must(func(ctx context.Context, st notice.Store) error { return e.n.CandidacyWithdrawn(ctx, st, "cy-louis") })
		later := session
		later.StartDate, later.EndDate = "2026-09-14", "2026-09-15"
		postpone := func(ctx context.Context, st notice.Store) error {
			return e.n.SessionChanged(ctx, st, "ev-postponed", notice.Change{Kind: notice.ChangePostponed, Session: later, Reason: "plateau indisponible"})
		}
		e.must(postpone)
		e.must(postpone)
		// A late redelivery of SessionPlanned does not undo the postponement.
		e.must(func(ctx context.Context, st notice.Store) error { return e.n.SessionPlanned(ctx, st, session) })
		// A cancellation carries the session id and a reason: the rest is as last told.
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.SessionChanged(ctx, st, "ev-cancelled", notice.Change{Kind: notice.ChangeCancelled,
				Session: notice.Session{ID: "s1"}, Reason: "trop peu de candidats"})
		})
		counts := map[string]int{}
		for _, m := range e.mails() {
			counts[m.Kind+" "+m.Key]++
			if m.Kind == string(notice.KindSessionPostponed) && !strings.Contains(m.Text, "du lundi 14 septembre 2026 au mardi 15 septembre 2026") {
				t.Errorf("postponement without the new dates: %s", m.Text)
			}
			if m.Kind == string(notice.KindSessionCancelled) && !strings.Contains(m.Text, "prévue du lundi 14 septembre 2026") {
				t.Errorf("cancellation without the (postponed) dates: %s", m.Text)
			}
		}
		for key, want := range map[string]int{"candidate:" + e.ids["camille"]: 1, "candidate:" + e.ids["louis"]: 0, "juror:j1": 1} {
			for _, kind := range []notice.Kind{notice.KindSessionPostponed, notice.KindSessionCancelled} {
				if counts[string(kind)+" "+key] != want {
					t.Errorf("%s to %s: %d messages, want %d (%v)", kind, key, counts[string(kind)+" "+key], want, counts)
				}
			}
		}
	})
}

func minutesOf(e *env, hash string) notice.Minutes {
	return notice.Minutes{SessionID: "s1", ContentHash: hash, JuryDate: "2026-06-16", Lines: []notice.Line{
		{CandidacyID: "cy-c", CandidateID: e.ids["camille"], TitleOutcome: notice.TitleAwarded, Decisions: []notice.Decision{
			{CCPCode: "CCP1", Outcome: notice.Obtained}, {CCPCode: "CCP2", Outcome: notice.Obtained}}},
		{CandidacyID: "cy-l", CandidateID: e.ids["louis"], TitleOutcome: notice.TitlePartial, Decisions: []notice.Decision{
			{CCPCode: "CCP1", Outcome: notice.Obtained}, {CCPCode: "CCP2", Outcome: notice.NotObtained, Motivation: "analyse incomplète"}}},
	}}
}

func resultsOf(e *env) []row {
	var out []row
	for _, m := range e.mails() {
		if m.Kind == string(notice.KindResults) {
			out = append(out, m)
		}
	}
	return out
}

func TestR63ResultsToldOnlyAfterValidation(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		e.plan()
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.MinutesSigned(ctx, st, minutesOf(e, "h1"))
		})
		if got := resultsOf(e); len(got) != 0 {
			t.Fatalf("R51: results told before the validation: %+v", got)
		}
		// Minutes returned and signed again (a new hash), then validated: only that version is told.
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.MinutesSigned(ctx, st, minutesOf(e, "h2"))
		})
		validate := func(ctx context.Context, st notice.Store) error {
			return e.n.ResultsValidated(ctx, st, notice.Validation{EventID: "ev-valid", SessionID: "s1", MinutesHash: "h2",
				ValidatedAt: time.Date(2026, 7, 3, 12, 5, 0, 0, time.UTC)})
		}
		e.must(validate)
		e.must(validate)
		got := resultsOf(e)
		if len(got) != 2 {
			t.Fatalf("%d results, want one per candidate: %+v", len(got), got)
		}
		for _, m := range got {
			if !strings.Contains(m.Text, "le vendredi 3 juillet 2026 à 14 h 05") {
				t.Errorf("results without the validation time in Paris: %s", m.Text)
			}
			switch m.To {
			case "louis@example.org":
				if !strings.Contains(m.Text, "CCP2 – Contrôler : non obtenu – motif : analyse incomplète") {
					t.Errorf("louis: %s", m.Text)
				}
			case "camille@example.org":
				if !strings.Contains(m.Text, "Vous avez obtenu le titre professionnel Technicien supérieur") {
					t.Errorf("camille: %s", m.Text)
				}
			default:
				t.Errorf("results to %s", m.To)
			}
		}
	})
}

func TestR63ResultsWhenTheValidationArrivesFirst(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		// The certification stream ran ahead: the validation arrives first,
		// the minutes second; the results go out once, keyed by the validation.
		e.plan()
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.ResultsValidated(ctx, st, notice.Validation{EventID: "ev-valid", SessionID: "s1", MinutesHash: "h1", ValidatedAt: at})
		})
		if got := resultsOf(e); len(got) != 0 {
			t.Fatalf("results without minutes: %+v", got)
		}
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.MinutesSigned(ctx, st, minutesOf(e, "h1"))
		})
		e.must(func(ctx context.Context, st notice.Store) error {
			return e.n.MinutesSigned(ctx, st, minutesOf(e, "h1"))
		})
		got := resultsOf(e)
		if len(got) != 2 || got[0].ID != notice.MessageID("ev-valid", notice.KindResults, got[0].Key) {
			t.Fatalf("results = %+v", got)
		}
	})
}

func TestR63CorrectedResultsGoOnlyToThoseWhoseDecisionsChanged(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		e.plan()
		first := minutesOf(e, "h1")
		e.must(func(ctx context.Context, st notice.Store) error {
			if err := e.n.MinutesSigned(ctx, st, first); err != nil {
				return err
			}
			return e.n.ResultsValidated(ctx, st, notice.Validation{EventID: "ev-valid-1", SessionID: "s1", MinutesHash: "h1",
				ValidatedAt: time.Date(2026, 7, 3, 12, 5, 0, 0, time.UTC)})
		})
		// A material error in Louis's line, corrected after validation: new
		// minutes, validated again.
		corrected := minutesOf(e, "h3")
		corrected.Lines[1].TitleOutcome = notice.TitleAwarded
		corrected.Lines[1].Decisions[1] = notice.Decision{CCPCode: "CCP2", Outcome: notice.Obtained}
		e.must(func(ctx context.Context, st notice.Store) error {
			if err := e.n.MinutesSigned(ctx, st, corrected); err != nil {
				return err
			}
			return e.n.ResultsValidated(ctx, st, notice.Validation{EventID: "ev-valid-2", SessionID: "s1", MinutesHash: "h3",
				ValidatedAt: time.Date(2026, 7, 10, 8, 0, 0, 0, time.UTC)})
		})
		got := resultsOf(e)
		if len(got) != 3 {
			t.Fatalf("%d results messages, want 2 then 1 correction: %+v", len(got), got)
		}
		var corrections []row
		for _, m := range got {
			if strings.HasPrefix(m.Subject, "Résultats rectifiés") {
				corrections = append(corrections, m)
			}
		}
		if len(corrections) != 1 || corrections[0].To != "louis@example.org" ||
			corrections[0].ID != notice.MessageID("ev-valid-2", notice.KindResults, notice.CandidateKey(e.ids["louis"])) ||
			!strings.Contains(corrections[0].Text, "remplacent ceux qui vous ont été communiqués après la validation du vendredi 3 juillet 2026 à 14 h 05") ||
			!strings.Contains(corrections[0].Text, "CCP2 – Contrôler : obtenu") {
			t.Fatalf("corrections = %+v", corrections)
		}
	})
}

// The minutes and their validation come through two consumers at once:
// whichever commits second must see the other, or the results would never
// go (PostgreSQL runs the two transactions side by side).
func TestR63MinutesAndValidationAtOnce(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, e *env) {
		e.plan()
		for i := range 10 {
			id := fmt.Sprintf("s-%d", i)
			e.must(func(ctx context.Context, st notice.Store) error {
				s := session
				s.ID = id
				return e.n.SessionPlanned(ctx, st, s)
			})
			m := minutesOf(e, "h")
			m.SessionID = id
			var wg sync.WaitGroup
			errs := make([]error, 2)
			start := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				<-start
				errs[0] = e.apply(func(ctx context.Context, st notice.Store) error { return e.n.MinutesSigned(ctx, st, m) })
			}()
			go func() {
				defer wg.Done()
				<-start
				errs[1] = e.apply(func(ctx context.Context, st notice.Store) error {
					return e.n.ResultsValidated(ctx, st, notice.Validation{EventID: "ev-" + id, SessionID: id, MinutesHash: "h", ValidatedAt: at})
				})
			}()
			close(start)
			wg.Wait()
			if err := errors.Join(errs...); err != nil {
				t.Fatal(err)
			}
		}
		if got := resultsOf(e); len(got) != 20 {
			t.Fatalf("%d results messages, want 2 for each of 10 sessions", len(got))
		}
	})
}
