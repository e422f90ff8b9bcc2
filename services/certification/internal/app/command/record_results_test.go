package command_test

import (
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/certification/internal/app/command"
	"github.com/titrepro/titrepro/services/certification/internal/app/query"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// TestTheRecordShowsTheDecisionsOnceValidated checks R51 from the person's
// side: the certification record shows the jury's decision on each CCP of
// the person's candidacy, with the motivation of a CCP not obtained, once
// the ministry validated the minutes and not before; and only the person's
// own line, without the jurors' signatures.
func TestTheRecordShowsTheDecisionsOnceValidated(t *testing.T) {
	t.Parallel()
	for _, e := range dbtest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := awardsDB(t, migrated(t, e))
			records := query.NewGetRecordHandler(sqlstore.NewHolderRepository(db), sqlstore.NewRecordRepository(db),
				sqlstore.NewCertificateRepository(db), sqlstore.NewResultRepository(db))
			anne := auth.WithPrincipal(t.Context(), auth.Principal{Subject: "sub-cand-a", Roles: []auth.Role{auth.RoleCandidate}})
			resultsOf := func() []result.SessionResult {
				t.Helper()
				rec, err := records.Handle(anne, query.GetRecord{CandidateID: "cand-a"})
				if err != nil {
					t.Fatalf("GetRecord: %v", err)
				}
				return rec.Results
			}

			receive(t, db, signedMinutes("s1", "2026-06-01", line("cand-a", []string{"CCP1"}, "CCP2", "CCP3"), line("cand-b", []string{"CCP1", "CCP2", "CCP3"})))
			if got := resultsOf(); len(got) != 0 {
				t.Fatalf("R51: before validation the record shows %d results", len(got))
			}
			if _, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s1"}); err != nil {
				t.Fatalf("validate: %v", err)
			}
			receive(t, db, signedMinutes("s0", "2026-05-01", line("cand-a", nil, "CCP1")))
			if _, err := validator(t, db, testSigner(t)).Handle(ministry(), command.ValidateResult{SessionID: "s0"}); err != nil {
				t.Fatalf("validate: %v", err)
			}
			receive(t, db, signedMinutes("s2", "2026-07-01", line("cand-a", []string{"CCP2"})))

			got := resultsOf()
			if len(got) != 2 || got[0].SessionID != "s0" || got[1].SessionID != "s1" {
				t.Fatalf("results = %+v; want s0 then s1 (by jury date), not s2 (awaiting validation)", got)
			}
			s1 := got[1]
			if s1.State != result.Validated || s1.ValidatedAt.IsZero() || len(s1.Signatures) != 0 {
				t.Errorf("s1 = state %s, validated %v, %d signatures; want validated, no signature", s1.State, s1.ValidatedAt, len(s1.Signatures))
			}
			if len(s1.Lines) != 1 || s1.Lines[0].CandidateID != "cand-a" {
				t.Fatalf("s1 lines = %+v; want cand-a's only", s1.Lines)
			}
			d := s1.Lines[0].Decisions
			if len(d) != 3 || d[0].Outcome != result.Obtained || d[1].Outcome != result.NotObtained || d[1].Motivation != "à retravailler" {
				t.Errorf("s1 decisions = %+v", d)
			}
		})
	}
}
