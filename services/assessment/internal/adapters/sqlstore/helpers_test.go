package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/titrepro/titrepro/internal/civildate"
	"github.com/titrepro/titrepro/internal/dbtest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/services/assessment/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidacy"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/candidate"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/deliberation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/evaluation"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/jury"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/session"
	"github.com/titrepro/titrepro/services/assessment/internal/domain/title"
	"github.com/titrepro/titrepro/services/assessment/internal/protoconv"
)

// now is to the microsecond, as the service's clock is: storage keeps
// microseconds (PostgreSQL's precision).
var now = time.Date(2026, 5, 4, 8, 0, 0, 123456000, time.UTC)

// store is a migrated database with the repositories under test.
type store struct {
	db       *sqldb.DB
	sessions *sqlstore.SessionRepository
	engine   string
}

// forEachEngine runs test on SQLite and PostgreSQL (dbtest.Engines), each
// with a fresh migrated database.
func forEachEngine(t *testing.T, test func(t *testing.T, st store)) {
	t.Helper()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t)
			ctx := context.Background()
			if err := sqlstore.Migrate(ctx, db); err != nil {
				t.Fatalf("Migrate() = %v", err)
			}
			if err := outbox.Migrate(ctx, db); err != nil {
				t.Fatalf("outbox.Migrate() = %v", err)
			}
			test(t, store{db: db, sessions: sqlstore.NewSessionRepository(db, outbox.New(db)), engine: e.Name})
		})
	}
}

func tsgeri() title.Title {
	return title.Title{
		ID: "TP-00495", Version: "2008",
		CCPs: []title.CCP{
			{Code: "CCP1", Competences: []string{"CCP1-C1", "CCP1-C2"}},
			{Code: "CCP2", Competences: []string{"CCP2-C1"}},
		},
		Epreuves: []title.Epreuve{
			{Kind: title.MiseEnSituation, SessionTypes: []title.SessionType{title.SessionTitre, title.SessionCCP}, Minutes: 240},
			{Kind: title.EntretienFinal, SessionTypes: []title.SessionType{title.SessionTitre}},
		},
	}
}

func newID(t *testing.T) string {
	t.Helper()
	id, err := uuid.NewV7()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// newSession returns a new PLANNED session of centre, not stored.
func newSession(t *testing.T, centre string, key session.RequestKey, at time.Time) *session.Session {
	t.Helper()
	s, err := session.New(newID(t), centre, session.Draft{Type: title.SessionTitre, TitleID: "TP-00495", TitleVersion: "2008",
		Site: "AFPA Lyon", StartDate: "2026-06-01", EndDate: "2026-06-03"}, tsgeri(), key, at)
	if err != nil {
		t.Fatalf("session.New() = %v", err)
	}
	return s
}

func create(t *testing.T, st store, centre string, at time.Time) *session.Session {
	t.Helper()
	s, err := st.sessions.Create(context.Background(), newSession(t, centre, session.RequestKey{CreatedBy: "u"}, at))
	if err != nil {
		t.Fatalf("Create() = %v", err)
	}
	return s
}

func update(t *testing.T, st store, id string, fn func(s *session.Session) error) *session.Session {
	t.Helper()
	s, err := st.sessions.Update(context.Background(), id, fn)
	if err != nil {
		t.Fatalf("Update() = %v", err)
	}
	return s
}

// score stores juror j's full evaluation of candidacy cyID, from etag.
func score(t *testing.T, st store, id, cyID, j, etag string) evaluation.Evaluation {
	t.Helper()
	e, err := st.sessions.Score(context.Background(), id, session.Part{CandidacyID: cyID}, func(s *session.Session) (evaluation.Evaluation, error) {
		return s.RecordEvaluation(cyID, j, etag, items(), tsgeri(), now)
	})
	if err != nil {
		t.Fatalf("Score() = %v", err)
	}
	return e
}

func juror(t *testing.T, subject string) jury.Juror {
	t.Helper()
	j, err := jury.New(jury.Input{Subject: subject, DisplayName: "Juror " + subject, HabNumber: "HAB-" + subject,
		HabTitleID: "TP-00495", HabValidFrom: "2025-01-01", HabValidTo: "2027-12-31",
		Links: []jury.Link{{Kind: jury.LinkEmployer, Value: "Employer of " + subject}}}, now)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func person(id, subject string) candidate.Candidate {
	return candidate.Candidate{ID: id, Subject: subject, BirthName: "Martin", GivenNames: []string{"Alice", "Marie"},
		AccessRoute: candidate.RouteTraining, TrainingOrganisation: "AFPA Lyon", Version: 1,
		TrainingTitleID: "TP-00495", TrainingCCPs: []string{"CCP1", "CCP2"}, TrainingStart: "2025-09-01"}
}

func items() []evaluation.Item {
	var out []evaluation.Item
	for _, c := range tsgeri().Competences([]string{"CCP1", "CCP2"}) {
		out = append(out, evaluation.Item{CompetenceCode: c, Epreuve: title.MiseEnSituation, Verdict: evaluation.Mastered, Observation: "vu " + c})
	}
	// A session titre ends with the entretien final (R43).
	return append(out, evaluation.Item{CompetenceCode: "CCP2-C1", Epreuve: title.EntretienFinal, Verdict: evaluation.Mastered})
}

// ecf is an ECF result obtained for every CCP of the fixtures' title (R30).
func ecf() []candidacy.ECFResult {
	var out []candidacy.ECFResult
	for _, code := range tsgeri().CCPCodes() {
		out = append(out, candidacy.ECFResult{CCPCode: code, Obtained: true, AssessedOn: civildate.Of(now.AddDate(0, -1, 0))})
	}
	return out
}

// deliberated stores a session of centre C with jurors j1 and j2, one
// candidacy (returned) evaluated by both and deliberated: DELIBERATED.
func deliberated(t *testing.T, st store) (*session.Session, string) {
	t.Helper()
	s, cyID := evaluated(t, st)
	s = update(t, st, s.ID(), func(s *session.Session) error {
		_, err := s.Deliberate(cyID, "j1", decisions(), tsgeri(), now)
		return err
	})
	return s, cyID
}

func decisions() deliberation.Input {
	return deliberation.Input{Decisions: []deliberation.Decision{
		{CCPCode: "CCP1", Outcome: deliberation.Obtained},
		{CCPCode: "CCP2", Outcome: deliberation.NotObtained, Motivation: "incident handling not shown"},
	}}
}

// evaluated stores a session of centre C with jurors j1 and j2 and one
// candidacy (returned, of cand-1 whose subject is alice) with its dossier,
// evaluated by both: IN_PROGRESS.
func evaluated(t *testing.T, st store) (*session.Session, string) {
	t.Helper()
	s := create(t, st, "C", now)
	cyID := newID(t)
	update(t, st, s.ID(), func(s *session.Session) error {
		for _, j := range []string{"j1", "j2"} {
			if _, err := s.AddJuror(juror(t, j), now); err != nil {
				return err
			}
		}
		if _, err := s.Register(cyID, candidacy.Registration{CandidateID: "cand-1", Employer: "ACME"}, person("cand-1", "alice"),
			tsgeri(), session.RequestKey{}, now); err != nil {
			return err
		}
		if _, err := s.AttachDossier(session.Submission{CandidateID: "cand-1",
			Dossier: candidacy.Dossier{SnapshotID: "snap-1", ManifestHash: "mh-1", SubmittedAt: now}}, now); err != nil {
			return err
		}
		if _, err := s.RecordECF(cyID, ecf(), "centre", now); err != nil {
			return err
		}
		return s.Open("", now)
	})
	for _, j := range []string{"j1", "j2"} {
		score(t, st, s.ID(), cyID, j, "")
	}
	got, err := st.sessions.Get(context.Background(), s.ID())
	if err != nil {
		t.Fatal(err)
	}
	return got, cyID
}

type outboxRow struct {
	ID, Subject, Type, Source, Resource string
	Payload                             []byte
}

func outboxRows(t *testing.T, db *sqldb.DB, subject string) []outboxRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(),
		`SELECT id, subject, type, source, resource, payload FROM outbox WHERE subject = $1 ORDER BY seq`, subject)
	if err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		if err := rows.Scan(&r.ID, &r.Subject, &r.Type, &r.Source, &r.Resource, &r.Payload); err != nil {
			t.Fatalf("read outbox: %v", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("read outbox: %v", err)
	}
	return out
}

var hasher = protoconv.MinutesHasher{}

type sqldbTx = sqldb.Tx

func newTxRepo(st store, tx *sqldb.Tx) *sqlstore.SessionRepository {
	return sqlstore.NewSessionRepositoryTx(tx, outbox.New(st.db))
}
