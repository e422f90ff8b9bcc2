package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// BenchmarkDreetsPages measures the server time of the DREETS officer's
// pages with the handler alone, against the four real services on
// loopback (dreets_backend_test.go), as BenchmarkPages does: a list of
// results (a full page), and the result page of a session of a full page
// of candidates (linesPerPage, each looked up), before and after its
// validation (each person's certificates looked up too), and the sanctions
// page of a candidate holding the most sanctions. Figures printed,
// never asserted (issue 7's target: p95 < 50 ms).
func BenchmarkDreetsPages(b *testing.B) {
	be := startBackend(b)
	app := be.app
	people := make([]person, linesPerPage)
	for i := range people {
		people[i] = person{Given: "Camille", Birth: fmt.Sprintf("Durand%02d", i)}
		if i%2 == 1 {
			people[i].NotObtained = []string{"CCP2"}
		}
	}
	big := be.signMinutes(b, people, 2)
	be.signMany(b, dreetsResultsPerPage)
	session, err := app.cookies.seal(sessionPurpose, Session{Subject: ministry.Subject, Roles: ministry.Roles,
		AccessToken: be.token(b, ministry), Expiry: time.Now().Add(time.Hour), CSRFSecret: newCSRFSecret()})
	if err != nil {
		b.Fatal(err)
	}
	measure := func(name, path string) {
		b.Run(name, func(b *testing.B) {
			var durations []time.Duration
			var size int
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				req.AddCookie(&http.Cookie{Name: sessionCookiePlain, Value: session})
				rec := httptest.NewRecorder()
				start := time.Now()
				app.ServeHTTP(rec, req)
				durations = append(durations, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d", path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(p95(durations), "p95-ms")
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
	measure("awaiting-list", "/dreets/a-valider")
	measure("result-awaiting", "/dreets/resultats/"+big.ID)
	res, err := be.cert.GetResult(b.Context(), &certificationv1.GetResultRequest{SessionId: big.ID}, be.as(b, ministry))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := be.cert.ValidateResult(b.Context(), &certificationv1.ValidateResultRequest{SessionId: big.ID,
		MinutesHash: res.GetResult().GetMinutesHash()}, be.as(b, ministry)); err != nil {
		b.Fatal(err)
	}
	measure("result-validated", "/dreets/resultats/"+big.ID)
	measure("validated-list", "/dreets/valides")

	// A candidate holding the most sanctions the service keeps, bans
	// from a past notification (R58).
	for i := range 50 { // the candidate service's maximum

		if _, err := be.cand.CreateSanction(b.Context(), &candidatev1.CreateSanctionRequest{CandidateId: big.Candidates[0],
			Sanction: &candidatev1.Sanction{Kind: candidatev1.SanctionKind_SANCTION_KIND_BAN, DurationMonths: 12, NotifiedOn: "2025-01-15",
				Reference: fmt.Sprintf("RF-%02d", i), Motivation: "Fraude constatée lors de la mise en situation professionnelle."}},
			be.as(b, ministry)); err != nil {
			b.Fatal(err)
		}
	}
	measure("sanctions-full", sanctionsHref(big.Candidates[0]))
}
