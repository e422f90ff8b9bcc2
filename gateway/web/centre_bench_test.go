package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/svctest"
)

// BenchmarkCentrePages measures the server time of the centre's pages
// (p95-ms, bytes/op) as BenchmarkPages does, with the real services behind
// them: an open session of 30 candidacies and 3 jurors, so that each page
// makes its real gRPC calls (the board makes six; a third of the
// candidacies are scored by every juror). Printed, never
// asserted (issue 7's target: p95 < 50 ms).
func BenchmarkCentrePages(b *testing.B) {
	lb := startLiveBackend(b)
	const centre = "CENTRE-69-001"
	as := lb.env.As(b, centrePrincipal(centre))
	t := lb.title(b)
	today := time.Now().In(paris).Format(time.DateOnly)
	s, err := lb.assess.CreateSession(b.Context(), &assessmentv1.CreateSessionRequest{Session: &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_TITRE, TitleId: t.GetId(), TitleVersion: t.GetVersion(),
		Site: "AFPA Lyon", StartDate: today, EndDate: today,
	}}, as)
	if err != nil {
		b.Fatal(err)
	}
	id := s.GetSession().GetId()
	for i := range 3 {
		_, err := lb.assess.AddJuror(b.Context(), &assessmentv1.AddJurorRequest{SessionId: id, Juror: &assessmentv1.Juror{
			Subject: fmt.Sprintf("juror-%d", i), DisplayName: fmt.Sprintf("Juré %d", i),
			Habilitation: &assessmentv1.Habilitation{Number: "HAB", TitleId: t.GetId(), ValidFrom: "2020-01-01", ValidTo: "2099-12-31"},
		}}, as)
		if err != nil {
			b.Fatal(err)
		}
	}
	for i := range 30 {
		c, err := lb.cand.CreateCandidate(b.Context(), &candidatev1.CreateCandidateRequest{Candidate: centreCandidateRecord(fmt.Sprintf("Nom%02d", i), "AFPA Lyon")}, as)
		if err != nil {
			b.Fatal(err)
		}
		svctest.Eventually(b, "registration", func() error {
			_, err := lb.assess.CreateCandidacy(b.Context(), &assessmentv1.CreateCandidacyRequest{SessionId: id,
				Candidacy: &assessmentv1.Candidacy{CandidateId: c.GetCandidate().GetId()}}, as)
			return err
		})
	}
	if _, err := lb.assess.OpenSession(b.Context(), &assessmentv1.OpenSessionRequest{SessionId: id}, as); err != nil {
		b.Fatal(err)
	}
	// The jury is under way: each juror has scored every competence of a
	// third of the candidacies, so that the board's progress counts real
	// evaluations.
	list, err := lb.assess.ListCandidacies(b.Context(), &assessmentv1.ListCandidaciesRequest{SessionId: id}, as)
	if err != nil {
		b.Fatal(err)
	}
	ev := &assessmentv1.Evaluation{Etag: "0"}
	for _, ccp := range t.GetCcps() {
		for _, comp := range ccp.GetCompetences() {
			ev.Items = append(ev.Items, &assessmentv1.EvaluationItem{CompetenceCode: comp.GetCode(), Verdict: assessmentv1.Verdict_VERDICT_MASTERED,
				Epreuve: certificationv1.EpreuveKind_EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE})
		}
	}
	for i := range 3 {
		juror := lb.env.As(b, auth.Principal{Subject: fmt.Sprintf("juror-%d", i), Roles: []auth.Role{auth.RoleJuror}})
		for _, c := range list.GetCandidacies()[:10] {
			if _, err := lb.assess.UpdateEvaluation(b.Context(), &assessmentv1.UpdateEvaluationRequest{SessionId: id, CandidacyId: c.GetId(),
				JurorSubject: "me", Evaluation: ev}, juror); err != nil {
				b.Fatal(err)
			}
		}
	}
	client := browser(b)
	lb.signIn(b, client, centrePrincipal(centre))
	u, _ := url.Parse(lb.srv.URL)
	cookies := client.Jar.Cookies(u)
	for _, page := range []struct{ name, path string }{
		{"sessions", "/centre/sessions"},
		{"session", "/centre/sessions/" + id},
		{"jury", "/centre/sessions/" + id + "/jury"},
		{"candidacies", "/centre/sessions/" + id + "/candidatures"},
		{"board", "/centre/sessions/" + id + "/suivi"},
		{"candidates", "/centre/candidats"},
		{"plan-step-2", centrePlanPath + "?titre=" + url.QueryEscape(centreTitleKey(t.GetId(), t.GetVersion()))},
	} {
		b.Run(page.name, func(b *testing.B) {
			var durations []time.Duration
			var size int
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodGet, page.path, nil)
				req.Header.Set("Accept-Encoding", "gzip")
				for _, c := range cookies {
					req.AddCookie(c)
				}
				rec := httptest.NewRecorder()
				start := time.Now()
				lb.app.ServeHTTP(rec, req)
				durations = append(durations, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s = %d", page.path, rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(p95(durations), "p95-ms")
			b.ReportMetric(float64(size), "bytes/op")
		})
	}
}
