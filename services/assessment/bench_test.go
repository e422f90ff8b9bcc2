package assessment_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/dbtest"
	dbfloor "github.com/titrepro/titrepro/internal/dbtest/floor"
	"github.com/titrepro/titrepro/internal/sqldb"
)

// BenchmarkScoringGRPC measures jurors scoring through the assessment
// service's gRPC API (no REST gateway: the all-in-one runs on SQLite only)
// on SQLite and on PostgreSQL with one harness, beside a floor measured in
// the same run on the same engine (ADR 0006). A write is GetEvaluation for
// the etag, then UpdateEvaluation of every competence; three jurors score
// at once, each on its own candidacies, in sessions of 10 and 500
// candidacies. Figures are printed, never asserted.
func BenchmarkScoringGRPC(b *testing.B) {
	for _, eng := range dbtest.Engines(b) {
		b.Run(eng.Name, func(b *testing.B) {
			url := eng.URL(b)
			e := startOn(b, url)
			e.publishTitle(b)
			const people = 500
			candidates := make([]string, people)
			var last uint64
			for i := range candidates {
				candidates[i] = fmt.Sprintf("0197a5d0-0000-7000-8000-%012d", i)
				last = e.sendCandidate(b, candidates[i], fmt.Sprintf("person-%d", i), "AFPA Lyon")
			}
			e.waitConsumed(b, "candidate", "assessment_candidates", last)

			jurors := []string{"juror-1", "juror-2", "juror-3"}
			results := map[int]dbfloor.Figures{}
			sessions := map[int][2]any{}
			for _, size := range []int{10, 500} {
				id, cys := benchSession(b, e, jurors, candidates[:size])
				sessions[size] = [2]any{id, cys}
				// Every evaluation is written once first, so that in every
				// session the measured writes are rewrites.
				for _, j := range jurors {
					as := e.as(b, auth.Principal{Subject: j, Roles: []auth.Role{auth.RoleJuror}})
					for _, cy := range cys {
						if err := benchWrite(e, as, id, j, cy); err != nil {
							b.Fatalf("prime: %v", err)
						}
					}
				}
			}
			if err := dbfloor.Drain(context.Background(), url); err != nil {
				b.Fatal(err)
			}
			for _, size := range []int{10, 500} {
				id, cys := sessions[size][0].(string), sessions[size][1].([]string)
				b.Run(fmt.Sprintf("score/jurors=3/candidacies=%d", size), func(b *testing.B) {
					f := benchScore(b, e, id, jurors, cys)
					results[size] = f
					b.ReportMetric(f.P50, "p50-ms")
					b.ReportMetric(f.P99, "p99-ms")
					b.ReportMetric(f.PerSecond, "writes/s")
					b.ReportMetric(0, "ns/op")
				})
			}
			floor := dbfloor.Bench(b, "floor/writers=3", func(b *testing.B) *sqldb.DB { return eng.Open(b) })
			b.Run("targets", func(b *testing.B) {
				if small := results[10]; small.P50 > 0 {
					b.ReportMetric(results[500].P50/small.P50, "p50@500/p50@10")
				}
				if floor > 0 {
					b.ReportMetric(100*results[500].PerSecond/floor, "%floor@500")
				}
				b.ReportMetric(0, "ns/op")
			})
		})
	}
}

// benchSession plans an IN_PROGRESS session titre with jurors and a
// candidacy of each candidate; it returns its id and candidacies.
func benchSession(b *testing.B, e *env, jurors, candidates []string) (string, []string) {
	ctx := context.Background()
	s, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: titreSession()}, e.as(b, centre))
	if err != nil {
		b.Fatal(err)
	}
	id := s.GetSession().GetId()
	for _, j := range jurors {
		if _, err := e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: id, Juror: jurorMsg(j)}, e.as(b, centre)); err != nil {
			b.Fatal(err)
		}
	}
	cys := make([]string, len(candidates))
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(candidates); i += 4 {
				c, err := e.client.CreateCandidacy(ctx, &assessmentv1.CreateCandidacyRequest{SessionId: id,
					Candidacy: &assessmentv1.Candidacy{CandidateId: candidates[i]}}, e.as(b, centre))
				if err != nil {
					errs <- err
					return
				}
				cys[i] = c.GetCandidacy().GetId()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	if _, err := e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: id}, e.as(b, centre)); err != nil {
		b.Fatal(err)
	}
	return id, cys
}

// benchItems is a verdict on every competence of the title publishTitle
// announces.
var benchItems = func() []*assessmentv1.EvaluationItem {
	var items []*assessmentv1.EvaluationItem
	for _, c := range []string{"CCP1-C1", "CCP1-C2", "CCP2-C1", "CCP2-C2", "CCP3-C1"} {
		items = append(items, &assessmentv1.EvaluationItem{CompetenceCode: c, Verdict: assessmentv1.Verdict_VERDICT_MASTERED,
			Observation: "observed", Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
	}
	return items
}()

// benchWrite is one juror's write: GetEvaluation for the etag, then
// UpdateEvaluation of every competence.
func benchWrite(e *env, as grpc.CallOption, sessionID, juror, candidacyID string) error {
	ctx := context.Background()
	got, err := e.client.GetEvaluation(ctx, &assessmentv1.GetEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID, JurorSubject: juror}, as)
	if err != nil {
		return err
	}
	_, err = e.client.UpdateEvaluation(ctx, &assessmentv1.UpdateEvaluationRequest{SessionId: sessionID, CandidacyId: candidacyID,
		JurorSubject: juror, Evaluation: &assessmentv1.Evaluation{Etag: got.GetEvaluation().GetEtag(), Items: benchItems}}, as)
	return err
}

// benchScore has the jurors write b.N evaluations between them and returns
// the latency of each write (GetEvaluation + UpdateEvaluation).
func benchScore(b *testing.B, e *env, sessionID string, jurors, candidacies []string) dbfloor.Figures {
	lat := make([][]time.Duration, len(jurors))
	errs := make(chan error, len(jurors))
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for k, j := range jurors {
		n := b.N / len(jurors)
		if k < b.N%len(jurors) {
			n++
		}
		as := e.as(b, auth.Principal{Subject: j, Roles: []auth.Role{auth.RoleJuror}})
		wg.Go(func() {
			for i := range n {
				t0 := time.Now()
				if err := benchWrite(e, as, sessionID, j, candidacies[(i*len(jurors)+k)%len(candidacies)]); err != nil {
					errs <- err
					return
				}
				lat[k] = append(lat[k], time.Since(t0))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	return dbfloor.Summarise(slices.Concat(lat...), elapsed)
}
