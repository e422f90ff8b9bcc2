package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/services/assessment"
	"github.com/titrepro/titrepro/services/candidate"
	"github.com/titrepro/titrepro/services/certification"
	"github.com/titrepro/titrepro/services/portfolio"
)

// The authorisation matrix test calls every REST route of the OpenAPI
// document the server serves as every role (and without a token), on a
// resource of the caller's own and on somebody else's, and compares each
// answer with the services' access tables (docs/authorisation.md):
//
//   - a role the row does not list gets 403; no token gets 401 unless the
//     row is public;
//   - a role the row gives ReachAll is let through (any answer but 401 and
//     403: a write with an empty body is refused for its content, which
//     shows that the caller passed authorisation);
//   - a role the row gives ReachOwn is let through on its own resource and
//     gets 403 on the other one. Routes without a resource in their path
//     (lists, creates) have no "other": they are let through, narrowed.
//
// A route without a row fails the test, and so does a path parameter the
// fixture cannot fill: a new route cannot ship without its rule.

// accessTables are the services' tables, by gRPC service short name as the
// OpenAPI operation ids spell it ("CandidateService_GetCandidate").
var accessTables = map[string]auth.AccessTable{
	"CandidateService":     candidate.Access,
	"PortfolioService":     portfolio.Access,
	"AssessmentService":    assessment.Access,
	"CertificationService": certification.Access,
}

// matrixRoles are the callers of the matrix: the five roles and "" for a
// call without a token.
var matrixRoles = []auth.Role{auth.RoleCandidate, auth.RoleJuror, auth.RoleCentre, auth.RoleMinistry, auth.RoleAdmin, ""}

// A malformed request (a required field missing) is refused with 400
// before any resource rule: it tells nothing about any resource. So the
// matrix sends well-formed requests: extraQuery and bodies complete a
// route, with path-parameter placeholders, in a way that changes nothing
// even for a caller let through (a stale etag, an unknown session, an
// empty upload, a wrong minutes hash).
var (
	extraQuery = map[string]string{
		"PortfolioService_ListSnapshots":      "session_id={session_id}",
		"PortfolioService_UploadDocumentREST": "kind=DOCUMENT_KIND_ILLUSTRATIVE&file_name=matrix.pdf",
		"CandidateService_UpdateCandidate":    "update_mask=phone",
		"PortfolioService_UpdateDossier":      "update_mask=examples",
		"AssessmentService_UpdateEvaluation":  "update_mask=items",
		"AssessmentService_UpdateSession":     "update_mask=site",
	}
	bodies = map[string]map[string]any{
		"CandidateService_UpdateCandidate": {"etag": "999", "phone": "+33612345679"},
		"PortfolioService_UpdateDossier":   {"etag": "999"},
		"PortfolioService_SubmitDossier":   {"session_id": "no-such-session"},
		"AssessmentService_SignMinutes":    {"content_hash": strings.Repeat("0", 64)},
		// The world's sessions are closed: a change is refused after the
		// access check, and the etag is stale anyway.
		"AssessmentService_UpdateSession":   {"etag": "999", "site": "Matrix"},
		"AssessmentService_PostponeSession": {"etag": "999", "start_date": "2030-01-07", "end_date": "2030-01-08", "reason": "matrix"},
		"AssessmentService_CancelSession":   {"etag": "999", "reason": "matrix"},
		// An unknown target: refused once the caller's right on the source is checked.
		"AssessmentService_TransferCandidacy": {"target_session_id": "0197a5d0-0000-7000-8000-00000000ffff"},
		"AssessmentService_RecordAdjustment":  {"epreuve": "EPREUVE_KIND_MISE_EN_SITUATION_PROFESSIONNELLE"},
		// The world's session is closed: a report is refused after the
		// access check (R57).
		"AssessmentService_CreateFraudReport": {"facts": "matrix", "observe_time": "2030-01-01T00:00:00Z"},
		// A ban longer than any maximum: refused for its content (R58).
		"CandidateService_CreateSanction": {"kind": "SANCTION_KIND_BAN", "duration_months": 999, "notified_on": "2020-01-01",
			"reference": "matrix", "motivation": "matrix"},
	}
)

// world is one complete run of the jury workflow: every resource a route
// can name, as ids by path parameter. A key "role/param" overrides param
// for that role: a centre's own candidate record is one it registered.
type world map[string]string

// buildWorld takes w's candidate from registration to a validated
// certificate, as runFullSession does, and returns the ids of everything
// created on the way.
func buildWorld(ctx context.Context, w *workflow) (world, error) {
	ids := world{"title_id": w.title.GetId(), "juror_subject": w.subjects[asJuror1],
		"agrement_id": "AGR-69-" + w.run, "habilitation_number": w.habilitations[asJuror1]}
	var err error
	if ids["candidate_id"], err = w.registerCandidate(ctx); err != nil {
		return nil, err
	}
	scope := w.ccpCodes()
	if ids["session_id"], err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil); err != nil {
		return nil, err
	}
	if ids["candidacy_id"], err = w.registerCandidacy(ctx, ids["session_id"], ids["candidate_id"], nil); err != nil {
		return nil, err
	}
	if ids["dossier_id"], err = w.prepareDossier(ctx, ids["candidate_id"]); err != nil {
		return nil, err
	}
	got := &portfoliov1.GetDossierResponse{}
	if err := w.call(ctx, asCandidate, "GET", "/v1/dossiers/"+ids["dossier_id"], nil, got); err != nil {
		return nil, err
	}
	ids["document_id"] = got.GetDossier().GetDocuments()[0].GetId()
	snap, err := w.submitDossier(ctx, ids["dossier_id"], ids["session_id"], ids["candidacy_id"])
	if err != nil {
		return nil, err
	}
	ids["snapshot_id"] = snap.GetId()
	if err := w.open(ctx, ids["session_id"]); err != nil {
		return nil, err
	}
	if err := w.evaluate(ctx, ids["session_id"], ids["candidacy_id"], scope, nil); err != nil {
		return nil, err
	}
	if _, err := w.deliberate(ctx, ids["session_id"], ids["candidacy_id"], scope, nil); err != nil {
		return nil, err
	}
	minutes, err := w.signMinutes(ctx, ids["session_id"])
	if err != nil {
		return nil, err
	}
	if err := w.validate(ctx, ids["session_id"], minutes.GetContentHash()); err != nil {
		return nil, err
	}
	certs, err := w.certificates(ctx, ids["candidate_id"], 1)
	if err != nil {
		return nil, err
	}
	ids["number"] = certs[0].GetNumber()
	// The certificate is a titre: its credentials are "titre" and one per
	// CCP; the one status list is "revocation".
	ids["credential"], ids["purpose"] = "titre", "revocation"
	// An appeal against the certificate (R60): the holder reads it, the
	// ministry decides it; it changes nothing of the certificate.
	filed := &certificationv1.FileAppealResponse{}
	if err := w.call(ctx, asMinistry, "POST", "/v1/appeals", &certificationv1.Appeal{
		Kind: certificationv1.AppealKind_APPEAL_KIND_GRACIEUX, Decision: "certificates/" + ids["number"],
		Appellant: "Anne Martin", Grounds: "Matrix appeal.",
	}, filed); err != nil {
		return nil, err
	}
	ids["appeal_id"] = filed.GetAppeal().GetId()
	// The centre's own candidate record: one it registered.
	registered := &candidatev1.CreateCandidateResponse{}
	if err := w.call(ctx, asCentre, "POST", "/v1/candidates?request_id="+newUUID(), &candidatev1.Candidate{
		BirthName: "Martin", GivenNames: []string{"Louise"}, BirthDate: "1990-05-04",
		BirthPlace: &candidatev1.BirthPlace{Commune: "Lyon", CountryCode: "FR"}, Email: "louise.martin@example.org",
		AccessRoute: commonv1.AccessRoute_ACCESS_ROUTE_TRAINING, Training: &candidatev1.TrainingEnrolment{Organisation: "AFPA Lyon", TitleId: "TP-00495"},
	}, registered); err != nil {
		return nil, err
	}
	ids["centre/candidate_id"] = registered.GetCandidate().GetId()
	// Parameters spelled after the body field of an update.
	ids["candidate.id"], ids["dossier.id"], ids["session.id"] = ids["candidate_id"], ids["dossier_id"], ids["session_id"]
	ids["centre/candidate.id"] = ids["centre/candidate_id"]
	return ids, nil
}

// route is one REST operation of the OpenAPI document.
type route struct {
	method, path, operation string
}

func (r route) String() string { return r.method + " " + r.path }

// routes reads the OpenAPI document the server serves.
func routes(t *testing.T, s *testServer) []route {
	t.Helper()
	resp := s.call(t, "GET", "/openapi.json", "", nil)
	if resp.status != http.StatusOK {
		t.Fatalf("GET /openapi.json = %d", resp.status)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string `json:"operationId"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		t.Fatal(err)
	}
	var out []route
	for path, ops := range doc.Paths {
		for method, op := range ops {
			out = append(out, route{strings.ToUpper(method), path, op.OperationID})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	if len(out) == 0 {
		t.Fatal("the OpenAPI document lists no route")
	}
	return out
}

// rowOf returns the access-table row of an OpenAPI operation id
// ("PortfolioService_UploadDocumentREST" is the REST face of
// UploadDocument).
func rowOf(operation string) (auth.Access, bool) {
	service, rpc, ok := strings.Cut(operation, "_")
	if !ok {
		return auth.Access{}, false
	}
	table, ok := accessTables[service]
	if !ok {
		return auth.Access{}, false
	}
	return table.Row(strings.TrimSuffix(rpc, "REST"))
}

var pathParam = regexp.MustCompile(`\{([^}]+)\}`)

// fill returns r's path and query with the ids of w, as role sees them.
func fill(t *testing.T, r route, w world, role auth.Role) (string, bool) {
	t.Helper()
	target := r.path
	if q := extraQuery[r.operation]; q != "" {
		target += "?" + q
	}
	hasParam := pathParam.MatchString(r.path)
	var missing []string
	target = pathParam.ReplaceAllStringFunc(target, func(m string) string {
		name := m[1 : len(m)-1]
		if v, ok := w[string(role)+"/"+name]; ok {
			return v
		}
		v, ok := w[name]
		if !ok {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		t.Fatalf("%s: the matrix fixture has no value for %v: add it to buildWorld", r, missing)
	}
	return target, hasParam
}

// expectation is what the table says a call should meet.
type expectation int

const (
	letThrough expectation = iota
	forbidden
	unauthenticated
)

func (e expectation) String() string {
	return [...]string{"let through", "403", "401"}[e]
}

func expect(row auth.Access, role auth.Role, own, hasParam bool) expectation {
	if role == "" {
		if row.Public {
			return letThrough
		}
		return unauthenticated
	}
	switch row.ReachOf(role) {
	case auth.ReachAll:
		return letThrough
	case auth.ReachOwn:
		if own || !hasParam {
			return letThrough
		}
	}
	return forbidden
}

func met(e expectation, status int) bool {
	switch e {
	case forbidden:
		return status == http.StatusForbidden
	case unauthenticated:
		return status == http.StatusUnauthorized
	}
	return status != http.StatusForbidden && status != http.StatusUnauthorized
}

func TestAuthorisationMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole jury workflow twice")
	}
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	ctx := context.Background()

	// Two complete worlds: the callers' own (A) and somebody else's (B).
	wA, wB := newTestWorkflow(t, s), newTestWorkflow(t, s)
	own, err := buildWorld(ctx, wA)
	if err != nil {
		t.Fatalf("world A: %v", err)
	}
	other, err := buildWorld(ctx, wB)
	if err != nil {
		t.Fatalf("world B: %v", err)
	}
	tokens := map[auth.Role]string{
		auth.RoleCandidate: wA.tokens[asCandidate],
		auth.RoleJuror:     wA.tokens[asJuror1],
		auth.RoleCentre:    wA.tokens[asCentre],
		auth.RoleMinistry:  wA.tokens[asMinistry],
		auth.RoleAdmin:     s.mustToken(t, string(auth.RoleAdmin), "operator-"+randomSuffix(), ""),
	}

	var mismatches []string
	covered := map[string]bool{}
	for _, r := range routes(t, s) {
		row, ok := rowOf(r.operation)
		if !ok {
			t.Errorf("%s (%s) has no row in any access table: add one to the service's internal/app/authz/table.go", r, r.operation)
			continue
		}
		covered[r.operation] = true
		for _, side := range []struct {
			name string
			ids  world
		}{{"own", own}, {"other", other}} {
			for _, role := range matrixRoles {
				target, hasParam := fill(t, r, side.ids, role)
				if side.name == "other" && !hasParam {
					continue // no resource in the path: nothing else to try
				}
				var body any
				if r.method != "GET" && r.method != "DELETE" {
					body = map[string]any{}
					if b, ok := bodies[r.operation]; ok {
						body = b
					}
				}
				got := s.call(t, r.method, target, tokens[role], body)
				want := expect(row, role, side.name == "own", hasParam)
				if !met(want, got.status) {
					who := string(role)
					if who == "" {
						who = "anonymous"
					}
					mismatches = append(mismatches, fmt.Sprintf("%-60s %-9s %-5s want %-11s got %d %s",
						r, who, side.name, want, got.status, firstLine(got.body)))
				}
			}
		}
	}
	for _, m := range mismatches {
		t.Error(m)
	}
	t.Logf("%d routes × %d callers × own/other checked against the access tables", len(covered), len(matrixRoles))
}

func firstLine(b []byte) string {
	s := string(b)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160]
	}
	return s
}

// The matrix's own checks, without a server.
func TestAuthorisationMatrixExpectations(t *testing.T) {
	t.Parallel()
	row := auth.Access{RPC: "GetThing", Roles: auth.Grants(auth.Own(auth.RoleCandidate), auth.All(auth.RoleMinistry))}
	tests := []struct {
		role          auth.Role
		own, hasParam bool
		want          expectation
	}{
		{auth.RoleCandidate, true, true, letThrough},
		{auth.RoleCandidate, false, true, forbidden},
		{auth.RoleCandidate, false, false, letThrough},
		{auth.RoleMinistry, false, true, letThrough},
		{auth.RoleJuror, true, true, forbidden},
		{"", true, true, unauthenticated},
	}
	for _, tt := range tests {
		if got := expect(row, tt.role, tt.own, tt.hasParam); got != tt.want {
			t.Errorf("expect(%q, own=%v, param=%v) = %s; want %s", tt.role, tt.own, tt.hasParam, got, tt.want)
		}
	}
	if !met(letThrough, 400) || met(letThrough, 403) || !met(forbidden, 403) || met(forbidden, 404) {
		t.Error("met() does not tell a refusal for the content from one for the caller")
	}
	for op := range map[string]bool{"PortfolioService_UploadDocumentREST": true, "CertificationService_VerifyCertificate": true} {
		if _, ok := rowOf(op); !ok {
			t.Errorf("rowOf(%s) found no row", op)
		}
	}
	if _, ok := rowOf("NewService_Thing"); ok {
		t.Error("rowOf found a row for an unknown service")
	}
}
