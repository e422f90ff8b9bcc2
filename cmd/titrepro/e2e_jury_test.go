package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// The jury workflow end to end through REST against the all-in-one server:
// success, partial success then capitalisation, the ministry stream across a
// restart of the certification service, and the refusals.

func newTestWorkflow(t *testing.T, s *testServer) *workflow {
	t.Helper()
	issuer, err := localIssuer(s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	w, err := newWorkflow(context.Background(), newRESTClient(s.base, nil), issuer, nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// ministryConsumer is a durable consumer a ministry system would run on the
// certification stream, from its very first event.
type ministryConsumer struct {
	t    *testing.T
	cons jetstream.Consumer
	seen map[string]int // ce-id → deliveries
	byID map[string]*jetstream.RawStreamMsg
	got  []jetstream.Msg
}

// newMinistryConsumer returns the ministry's durable on the award events,
// or on subjects when given.
func newMinistryConsumer(t *testing.T, cfg config, subjects ...string) *ministryConsumer {
	t.Helper()
	nc := busConnect(t, cfg, natsauth.Ministry, nats.MaxReconnects(-1), nats.ReconnectWait(50*time.Millisecond))
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if len(subjects) == 0 {
		subjects = []string{"titrepro.certification.v1.ccp_awarded", "titrepro.certification.v1.title_awarded", "titrepro.certification.v1.livret_issued"}
	}
	cons, err := js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{
		Durable: natsauth.MinistryDurable, AckPolicy: jetstream.AckExplicitPolicy, DeliverPolicy: jetstream.DeliverAllPolicy,
		FilterSubjects: subjects,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &ministryConsumer{t: t, cons: cons, seen: map[string]int{}}
}

// drain fetches and acknowledges everything available, counting by type.
func (m *ministryConsumer) drain(want map[string]int) map[string]int {
	m.t.Helper()
	counts := map[string]int{}
	deadline := time.Now().Add(20 * time.Second)
	for {
		batch, err := m.cons.FetchNoWait(100)
		if err != nil {
			m.t.Fatal(err)
		}
		for msg := range batch.Messages() {
			id := msg.Headers().Get("ce-id")
			m.seen[id]++
			if m.seen[id] > 1 {
				m.t.Errorf("event %s (%s) delivered twice", id, msg.Headers().Get("ce-type"))
			}
			counts[strings.TrimPrefix(msg.Headers().Get("ce-type"), "titrepro.certification.v1.")]++
			m.got = append(m.got, msg)
			if err := msg.DoubleAck(context.Background()); err != nil {
				m.t.Fatal(err)
			}
		}
		if equalCounts(counts, want) || time.Now().After(deadline) {
			return counts
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

func TestEndToEndJuryWorkflow(t *testing.T) {
	cfg := testConfig(t, t.TempDir())
	s := startServer(t, cfg)
	outer := t // the restarted server must outlive the subtest that restarts it
	ctx := context.Background()
	ministry := newMinistryConsumer(t, cfg)

	t.Run("1. full success: TitleAwarded and a certificate that verifies", func(t *testing.T) {
		w := newTestWorkflow(t, s)
		res, err := runFullSession(ctx, w)
		if err != nil {
			t.Fatal(err)
		}
		if !res.signatureValid {
			t.Fatalf("certificate %s does not verify", res.certificate)
		}
		got := ministry.drain(map[string]int{"CcpAwarded": 3, "TitleAwarded": 1})
		if !equalCounts(got, map[string]int{"CcpAwarded": 3, "TitleAwarded": 1}) {
			t.Fatalf("ministry stream = %v; want 3 CcpAwarded and 1 TitleAwarded", got)
		}
		// R51: validating again awards nothing more.
		err = w.call(ctx, asMinistry, "POST", "/v1/results/"+res.sessionID+":validate", &certificationv1.ValidateResultRequest{}, nil)
		if reasonOf(err) != "RESULTS_ALREADY_VALIDATED" {
			t.Fatalf("second validation: %v", err)
		}
		// A tampered number does not verify.
		bad := res.certificate[:len(res.certificate)-1] + flipCheck(res.certificate[len(res.certificate)-1])
		if v, err := w.verify(ctx, bad); err == nil && v.GetValid() {
			t.Fatalf("tampered number %s verified", bad)
		}
	})

	t.Run("2+3. partial success, livret, then titre by capitalisation; the ministry stream sees each event once across a restart", func(t *testing.T) {
		w := newTestWorkflow(t, s)
		candidateID, err := w.registerCandidate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all := w.ccpCodes()
		sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		if err != nil {
			t.Fatal(err)
		}
		candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
		if err != nil {
			t.Fatal(err)
		}
		dossierID, err := w.prepareDossier(ctx, candidateID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID); err != nil {
			t.Fatal(err)
		}
		if err := w.open(ctx, sessionID); err != nil {
			t.Fatal(err)
		}
		failCCP3 := map[string]bool{"CCP3": true}
		if err := w.evaluate(ctx, sessionID, candidacyID, all, failCCP3); err != nil {
			t.Fatal(err)
		}
		decided, err := w.deliberate(ctx, sessionID, candidacyID, all, failCCP3)
		if err != nil {
			t.Fatal(err)
		}
		if got := decided.GetDeliberation().GetTitleOutcome(); got != assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL {
			t.Fatalf("title outcome = %v; want PARTIAL", got)
		}
		minutes, err := w.signMinutes(ctx, sessionID)
		if err != nil {
			t.Fatal(err)
		}

		// The whole server — so the certification service — restarts
		// between the signed minutes and their validation.
		s.stop()
		s = startServer(outer, cfg)
		w.c = newRESTClient(s.base, nil)

		if err := w.validate(ctx, sessionID, minutes.GetContentHash()); err != nil {
			t.Fatal(err)
		}
		certs, err := w.certificates(ctx, candidateID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if certs[0].GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET || len(certs[0].GetCcps()) != 2 {
			t.Fatalf("after the partial success: %v; want a livret with CCP1 and CCP2", certs[0])
		}
		if got := ministry.drain(map[string]int{"CcpAwarded": 2, "LivretIssued": 1}); !equalCounts(got, map[string]int{"CcpAwarded": 2, "LivretIssued": 1}) {
			t.Fatalf("ministry stream after the partial success = %v", got)
		}

		// A CCP session for CCP3 completes the record (R54).
		ccpSession, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_CCP, []string{"CCP3"})
		if err != nil {
			t.Fatal(err)
		}
		ccpCandidacy, err := w.registerCandidacy(ctx, ccpSession, candidateID, []string{"CCP3"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.submitDossier(ctx, dossierID, ccpSession, ccpCandidacy); err != nil {
			t.Fatal(err)
		}
		if err := w.open(ctx, ccpSession); err != nil {
			t.Fatal(err)
		}
		if err := w.evaluate(ctx, ccpSession, ccpCandidacy, []string{"CCP3"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := w.deliberate(ctx, ccpSession, ccpCandidacy, []string{"CCP3"}, nil); err != nil {
			t.Fatal(err)
		}
		ccpMinutes, err := w.signMinutes(ctx, ccpSession)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.validate(ctx, ccpSession, ccpMinutes.GetContentHash()); err != nil {
			t.Fatal(err)
		}
		certs, err = w.certificates(ctx, candidateID, 2)
		if err != nil {
			t.Fatal(err)
		}
		var titre *certificationv1.Certificate
		for _, c := range certs {
			if c.GetKind() == certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE {
				titre = c
			}
		}
		if titre == nil || !titre.GetByCapitalisation() || len(titre.GetCcps()) != 3 {
			t.Fatalf("certificates after the CCP session = %v; want a titre by capitalisation with 3 CCPs", certs)
		}
		if got := ministry.drain(map[string]int{"CcpAwarded": 1, "TitleAwarded": 1}); !equalCounts(got, map[string]int{"CcpAwarded": 1, "TitleAwarded": 1}) {
			t.Fatalf("ministry stream after capitalisation = %v", got)
		}
	})

	t.Run("4. refusals", func(t *testing.T) {
		w := newTestWorkflow(t, s)
		candidateID, err := w.registerCandidate(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sessionID, err := w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil)
		if err != nil {
			t.Fatal(err)
		}
		candidacyID, err := w.registerCandidacy(ctx, sessionID, candidateID, nil)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("conflicted juror is refused with R21", func(t *testing.T) {
			subject := "juror-trainer-" + randomSuffix()
			_, number, err := w.enrolJuror(ctx, subject, "Formateur AFPA")
			if err != nil {
				t.Fatal(err)
			}
			err = w.addJuror(ctx, sessionID, subject, number,
				[]*assessmentv1.DeclaredLink{{Kind: assessmentv1.LinkKind_LINK_KIND_TRAINING_ORGANISATION, Value: "AFPA Lyon"}})
			assertRefused(t, err, http.StatusBadRequest, "R21")
		})

		dossierID, err := w.prepareDossier(ctx, candidateID)
		if err != nil {
			t.Fatal(err)
		}

		t.Run("oversize, disguised and empty uploads are refused and nothing is stored", func(t *testing.T) {
			before := documentCount(t, w, dossierID)
			upload := func(name, contentType string, body []byte) error {
				return w.c.send(ctx, asCandidate, w.tokens[asCandidate], "POST",
					"/v1/dossiers/"+dossierID+"/documents?kind=DOCUMENT_KIND_EVIDENCE&file_name="+name, contentType, bytes.NewReader(body), nil)
			}
			exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), bytes.Repeat([]byte{0}, 512)...)
			assertRefused(t, upload("rapport.pdf", "application/pdf", exe), http.StatusBadRequest, "")
			assertRefused(t, upload("vide.pdf", "application/pdf", nil), http.StatusBadRequest, "")
			big := bytes.Repeat([]byte("%PDF-1.4\n"), (26<<20)/9)
			assertRefused(t, upload("enorme.pdf", "application/pdf", big), http.StatusRequestEntityTooLarge, "")
			if after := documentCount(t, w, dossierID); after != before {
				t.Fatalf("documents: %d before, %d after refused uploads", before, after)
			}
		})

		if _, err := w.submitDossier(ctx, dossierID, sessionID, candidacyID); err != nil {
			t.Fatal(err)
		}
		if err := w.open(ctx, sessionID); err != nil {
			t.Fatal(err)
		}

		t.Run("a juror who is not assigned gets 403", func(t *testing.T) {
			outsider, err := mintToken(s.cfg, "juror", "juror-outsider-"+randomSuffix(), "")
			if err != nil {
				t.Fatal(err)
			}
			r := s.call(t, "GET", "/v1/sessions/"+sessionID+"/candidacies/"+candidacyID+"/evaluations/me", outsider, nil)
			if r.status != http.StatusForbidden {
				t.Fatalf("unassigned juror = HTTP %d; want 403: %s", r.status, r.body)
			}
		})

		t.Run("deliberation with a missing evaluation is refused with R49", func(t *testing.T) {
			_, err := w.deliberate(ctx, sessionID, candidacyID, w.ccpCodes(), nil)
			assertRefused(t, err, http.StatusBadRequest, "R49")
		})

		t.Run("award before the minutes are validated is refused with R51", func(t *testing.T) {
			err := w.call(ctx, asMinistry, "POST", "/v1/results/"+sessionID+":validate", &certificationv1.ValidateResultRequest{}, nil)
			assertRefused(t, err, http.StatusBadRequest, "R51")
		})

		t.Run("scoring after the session closed is refused with the rule named", func(t *testing.T) {
			if err := w.evaluate(ctx, sessionID, candidacyID, w.ccpCodes(), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.deliberate(ctx, sessionID, candidacyID, w.ccpCodes(), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := w.signMinutes(ctx, sessionID); err != nil {
				t.Fatal(err)
			}
			err := w.evaluate(ctx, sessionID, candidacyID, w.ccpCodes(), nil)
			assertRefused(t, err, http.StatusBadRequest, "R50")
		})
	})
}

func assertRefused(t *testing.T, err error, status int, rule string) {
	t.Helper()
	ae, ok := err.(*apiError)
	if !ok {
		t.Fatalf("got %v; want an API error with HTTP %d", err, status)
	}
	if ae.HTTPStatus != status {
		t.Fatalf("HTTP %d (%v); want %d", ae.HTTPStatus, ae, status)
	}
	if rule != "" && ae.Rule != rule {
		t.Fatalf("rule %q (%v); want %s", ae.Rule, ae, rule)
	}
	if ae.Reason == "" || ae.Status.GetMessage() == "" {
		t.Fatalf("refusal without a reason or message: %v", ae)
	}
}

func documentCount(t *testing.T, w *workflow, dossierID string) int {
	t.Helper()
	resp := &portfoliov1.GetDossierResponse{}
	if err := w.call(context.Background(), asCandidate, "GET", "/v1/dossiers/"+dossierID, nil, resp); err != nil {
		t.Fatal(err)
	}
	return len(resp.GetDossier().GetDocuments())
}

func mintToken(cfg config, role, subject, centre string) (string, error) {
	var out strings.Builder
	args := []string{"--role", role, "--subject", subject}
	if centre != "" {
		args = append(args, "--centre", centre)
	}
	err := token(cfg, args, &out)
	return strings.TrimSpace(out.String()), err
}

// flipCheck returns another character than c, to corrupt a check symbol.
func flipCheck(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}
