package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// backend is the stack (stack_test.go) as the DREETS's tests use it: the
// people of the jury workflow play sessions of TP-00495 over gRPC up to
// their signed minutes, which the ministry's screens then show.
type backend struct {
	*stack
	ref *certificationv1.Title // TP-00495, from the repository's referentials
}

func startBackend(t testing.TB) *backend {
	t.Helper()
	s := startStack(t)
	return &backend{stack: s, ref: s.title(t)}
}

// person is a candidate of a session and what the jury decides.
type person struct {
	Given, Birth string
	Absent       bool
	NotObtained  []string // CCP codes not obtained; every other CCP is
}

// signedSession is a session whose minutes the jury signed.
type signedSession struct {
	ID          string
	Centre      string
	Candidates  []string // candidate ids, in the order of the people
	Candidacies []string
	Jurors      []auth.Principal
}

// motivation is what the jury writes for a CCP not obtained.
const motivation = "Compétences non démontrées lors de la mise en situation professionnelle."

// signMinutes plays a session titre of TP-00495 through the services up to
// the minutes signed by signers of its two jurors: each person registers,
// the centre plans the session, composes the jury and registers the
// candidacies, each present person writes and submits a complete Dossier
// Professionnel, the centre opens the session, both jurors score every
// competence, the jury deliberates and signs. With signers = 2 it then
// waits until the certification service has received the signed minutes.
func (b *backend) signMinutes(t testing.TB, people []person, signers int) signedSession {
	t.Helper()
	ctx := t.Context()
	run := randomRun()
	s := signedSession{Centre: "CENTRE-69-" + run}
	centre := auth.Principal{Subject: "centre-" + run, Roles: []auth.Role{auth.RoleCentre}, Centre: s.Centre}
	s.Jurors = []auth.Principal{
		{Subject: "jure-1-" + run, Roles: []auth.Role{auth.RoleJuror}},
		{Subject: "jure-2-" + run, Roles: []auth.Role{auth.RoleJuror}},
	}
	subjects := make([]auth.Principal, len(people))
	for i, p := range people {
		subjects[i] = auth.Principal{Subject: fmt.Sprintf("candidat-%d-%s", i, run), Roles: []auth.Role{auth.RoleCandidate}}
		record := candidateRecord(p.Birth, p.Given)
		record.Email = fmt.Sprintf("candidat-%d-%s@example.org", i, run)
		s.Candidates = append(s.Candidates, b.registerCandidate(t, subjects[i], record))
	}

	s.ID = b.planSession(t, centre, jury{session: sessionFrom(assessmentv1.SessionType_SESSION_TYPE_TITRE, b.ref.GetId(), b.ref.GetVersion(), nil), jurors: s.Jurors})
	for _, id := range s.Candidates {
		s.Candidacies = append(s.Candidacies, b.registerCandidacy(t, centre, s.ID, id))
	}
	for i, p := range people {
		if !p.Absent {
			b.fileDossier(t, subjects[i], centre, s.Candidates[i], b.ref, s.ID, s.Candidacies[i])
		}
	}
	_, err := b.assess.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: s.ID}, b.as(t, centre))
	stackMust(t, "open the session", err)

	for i, p := range people {
		if p.Absent {
			_, err := b.assess.DeliberateCandidacy(ctx, &assessmentv1.DeliberateCandidacyRequest{SessionId: s.ID, CandidacyId: s.Candidacies[i], Absent: true},
				b.as(t, s.Jurors[0]))
			stackMust(t, "deliberate", err)
			continue
		}
		for _, j := range s.Jurors {
			b.score(t, j, s.ID, s.Candidacies[i], b.ref, nil, notMasteredIn(p.NotObtained))
		}
		failed := map[string]string{}
		for _, code := range p.NotObtained {
			failed[code] = motivation
		}
		b.deliberate(t, s.Jurors[0], s.ID, s.Candidacies[i], ccpCodes(b.ref), failed)
	}

	b.sign(t, s.ID, s.Jurors[:signers]...)
	if signers == len(s.Jurors) {
		eventually(t, "the signed minutes reach the certification service", func() error {
			_, err := b.cert.GetResult(ctx, &certificationv1.GetResultRequest{SessionId: s.ID}, b.as(t, ministry))
			return err
		})
	}
	return s
}

// signMany plays n sessions, each with one absent person: the cheapest
// signed minutes. One after the other: a failure stops the test, which
// only the test's goroutine may do.
func (b *backend) signMany(t testing.TB, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = b.signMinutes(t, []person{{Given: "Alex", Birth: fmt.Sprintf("Absent%02d", i), Absent: true}}, 2).ID
	}
	return ids
}

var ministry = auth.Principal{Subject: "agent-dreets-69", Roles: []auth.Role{auth.RoleMinistry}}

func randomRun() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
