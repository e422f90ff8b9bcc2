package certification_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/sqldb"

	"github.com/titrepro/titrepro/services/certification"
)

const (
	anne = "0198c0de-0000-7000-8000-00000000a001"
	bob  = "0198c0de-0000-7000-8000-00000000b002"
)

// TestJuryToCertificate runs the award flow end to end on the real
// service: identities and signed minutes arrive as events, the ministry
// validates, certificates verify publicly, and a durable consumer of the
// ministry stream receives every award event exactly once, across a
// restart of the service.
func TestJuryToCertificate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	svc := e.start(t)
	ministry := e.as(t, "officer", auth.RoleMinistry)
	e.publishCandidate(t, "titrepro.candidate.v1.candidate_registered", registered("ev-anne", anne, "sub-anne", 1, "Martin"), "ev-anne", "ev-anne", anne)
	e.publishCandidate(t, "titrepro.candidate.v1.candidate_registered", registered("ev-bob", bob, "sub-bob", 1, "Durand"), "ev-bob", "ev-bob", bob)

	// Session 1, a session titre: Anne obtains CCP1 and CCP2 but not CCP3,
	// Bob obtains every CCP. The event is delivered three times: once,
	// again with the same ce-id (the inbox drops it) and re-published
	// under another ce-id (the repository drops it).
	s1 := minutesSigned("s1-0198c0de", assessmentv1.SessionType_SESSION_TYPE_TITRE, "2026-03-01",
		minutesLine(anne, []string{"CCP1", "CCP2"}, "CCP3"), minutesLine(bob, []string{"CCP1", "CCP2", "CCP3"}))
	e.publishMinutes(t, s1, "ev-s1", "ev-s1")
	e.publishMinutes(t, s1, "ev-s1", "ev-s1-redelivered")
	last := e.publishMinutes(t, s1, "ev-s1-republished", "ev-s1-republished")
	e.waitConsumed(t, "TITREPRO_ASSESSMENT", "certification_results", last)
	results, err := svc.client.ListResults(t.Context(), &certificationv1.ListResultsRequest{}, ministry)
	if err != nil || len(results.GetResults()) != 1 || results.GetResults()[0].GetState() != certificationv1.ResultState_RESULT_STATE_AWAITING_VALIDATION {
		t.Fatalf("ListResults after three deliveries = %v, %v; want one result awaiting validation", results, err)
	}

	// R51: nothing is awarded before the validation, and only the
	// ministry validates.
	if rec := e.record(t, svc, anne, ministry); len(rec.GetHeldCcps()) != 0 || len(rec.GetCertificateNumbers()) != 0 {
		t.Fatalf("R51: record before validation = %v; want no CCP and no certificate", rec)
	}
	for _, who := range []struct {
		name string
		role auth.Role
	}{{"centre", auth.RoleCentre}, {"admin", auth.RoleAdmin}, {"candidate", auth.RoleCandidate}} {
		_, err := svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: s1.GetSessionId()}, e.as(t, "user", who.role))
		if code(err) != codes.PermissionDenied {
			t.Fatalf("R51: ValidateResult by %s = %v; want PermissionDenied", who.name, err)
		}
	}
	_, err = svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: "s-never-signed"}, ministry)
	if code(err) != codes.FailedPrecondition {
		t.Fatalf("R51: ValidateResult of unsigned minutes = %v; want FailedPrecondition", err)
	}

	v1, err := svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{
		SessionId: s1.GetSessionId(), MinutesHash: s1.GetContentHash()}, ministry)
	if err != nil {
		t.Fatalf("ValidateResult(s1): %v", err)
	}
	byCandidate := map[string]*certificationv1.Certificate{}
	for _, c := range v1.GetCertificates() {
		byCandidate[c.GetCandidateId()] = c
	}
	livret, titre := byCandidate[anne], byCandidate[bob]
	if livret.GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_LIVRET || len(livret.GetCcps()) != 2 ||
		titre.GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE || titre.GetByCapitalisation() {
		t.Fatalf("validation of s1 issued %v; want a livret for Anne and a titre for Bob", v1.GetCertificates())
	}
	if v1.GetResult().GetState() != certificationv1.ResultState_RESULT_STATE_VALIDATED || v1.GetResult().GetValidatedBy() != "officer" {
		t.Fatalf("validated result = %v", v1.GetResult())
	}
	if _, err := svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: s1.GetSessionId()}, ministry); code(err) != codes.FailedPrecondition {
		t.Fatalf("ValidateResult(s1) again = %v; want FailedPrecondition (RESULTS_ALREADY_VALIDATED)", err)
	}

	// Anyone verifies a certificate without a token.
	ver, err := svc.client.VerifyCertificate(t.Context(), &certificationv1.VerifyCertificateRequest{Number: titre.GetNumber()})
	if err != nil || !ver.GetValid() || !ver.GetSignatureValid() || ver.GetCertificate().GetHolderBirthName() != "Durand" ||
		ver.GetStatus() != certificationv1.CertificateStatus_CERTIFICATE_STATUS_ISSUED {
		t.Fatalf("VerifyCertificate(Bob's titre) without token = %v, %v; want valid", ver, err)
	}
	// A candidate lists their own certificates, and only theirs.
	mine, err := svc.client.ListCertificates(t.Context(), &certificationv1.ListCertificatesRequest{}, e.as(t, "sub-anne", auth.RoleCandidate))
	if err != nil || len(mine.GetCertificates()) != 1 || mine.GetCertificates()[0].GetNumber() != livret.GetNumber() {
		t.Fatalf("Anne's certificates = %v, %v; want her livret", mine, err)
	}
	if _, err := svc.client.GetCertificate(t.Context(), &certificationv1.GetCertificateRequest{Number: titre.GetNumber()},
		e.as(t, "sub-anne", auth.RoleCandidate)); code(err) != codes.PermissionDenied {
		t.Fatalf("Anne reads Bob's titre = %v; want PermissionDenied", err)
	}

	// The service restarts between the two sessions, and the signing key
	// is rotated meanwhile: certificates signed before still verify, with
	// the retired key the authority keeps publishing.
	if titre.GetFormat() != "titrepro-certificate/2" || ver.GetKeyId() != titre.GetKeyId() || ver.GetFormat() != titre.GetFormat() {
		t.Fatalf("Bob's titre format %q key %q, verified as %q %q", titre.GetFormat(), titre.GetKeyId(), ver.GetFormat(), ver.GetKeyId())
	}
	svc.stop()
	rotation, err := certification.RotateSigningKey(e.config())
	if err != nil || rotation.RetiredKeyID != titre.GetKeyId() || rotation.CurrentKeyID == titre.GetKeyId() {
		t.Fatalf("RotateSigningKey = %+v, %v; want %s retired", rotation, err, titre.GetKeyId())
	}
	svc = e.start(t)
	ver, err = svc.client.VerifyCertificate(t.Context(), &certificationv1.VerifyCertificateRequest{Number: titre.GetNumber()})
	if err != nil || !ver.GetValid() || ver.GetKeyId() != rotation.RetiredKeyID {
		t.Fatalf("VerifyCertificate(signed before the rotation) = %v, %v; want valid, key %s", ver, err, rotation.RetiredKeyID)
	}
	keys, err := svc.client.GetCertificateKeys(t.Context(), &certificationv1.GetCertificateKeysRequest{})
	if err != nil {
		t.Fatalf("GetCertificateKeys without token: %v", err)
	}
	published := map[string]string{}
	for _, k := range keys.GetKeys() {
		published[k.GetKid()] = k.GetStatus()
	}
	if len(published) != 2 || published[rotation.RetiredKeyID] != "retired" || published[rotation.CurrentKeyID] != "current" {
		t.Fatalf("published keys after rotation = %v; want %s retired and %s current", published, rotation.RetiredKeyID, rotation.CurrentKeyID)
	}

	// Session 2, a CCP session: Anne obtains CCP3; her record is complete.
	s2 := minutesSigned("s2-0198c0de", assessmentv1.SessionType_SESSION_TYPE_CCP, "2026-06-01", minutesLine(anne, []string{"CCP3"}))
	last = e.publishMinutes(t, s2, "ev-s2", "ev-s2")
	e.waitConsumed(t, "TITREPRO_ASSESSMENT", "certification_results", last)
	v2, err := svc.client.ValidateResult(t.Context(), &certificationv1.ValidateResultRequest{SessionId: s2.GetSessionId()}, ministry)
	if err != nil || len(v2.GetCertificates()) != 1 {
		t.Fatalf("ValidateResult(s2) = %v, %v; want one certificate", v2, err)
	}
	annesTitre := v2.GetCertificates()[0]
	if annesTitre.GetKeyId() != rotation.CurrentKeyID {
		t.Fatalf("certificate issued after the rotation signed by %s; want %s", annesTitre.GetKeyId(), rotation.CurrentKeyID)
	}
	if annesTitre.GetKind() != certificationv1.CertificateKind_CERTIFICATE_KIND_TITRE || !annesTitre.GetByCapitalisation() || len(annesTitre.GetCcps()) != 3 {
		t.Fatalf("R54: Anne's certificate after s2 = %v; want a titre by capitalisation with 3 CCPs", annesTitre)
	}
	rec := e.record(t, svc, anne, e.as(t, "sub-anne", auth.RoleCandidate))
	var held []string
	for _, h := range rec.GetHeldCcps() {
		held = append(held, h.GetCcpCode()+"@"+strings.SplitN(h.GetSessionId(), "-", 2)[0])
	}
	if fmt.Sprint(held) != "[CCP1@s1 CCP2@s1 CCP3@s2]" || len(rec.GetCertificateNumbers()) != 2 {
		t.Fatalf("R53: Anne's record = %v; want CCP1, CCP2 from s1, CCP3 from s2 and two certificates", rec)
	}

	// A marker event after every award: once it is in the stream, every
	// award event committed before it is too (the relay publishes in
	// commit order).
	if _, err := svc.client.ImportTitle(t.Context(), &certificationv1.ImportTitleRequest{ReferentielYaml: importYAML}, ministry); err != nil {
		t.Fatalf("ImportTitle: %v", err)
	}
	eventually(t, "marker event published", func() error {
		if n := countTitleEvents(e.titleEvents(t), "TP-09999", "2026"); n != 1 {
			return fmt.Errorf("%d marker events", n)
		}
		return nil
	})
	got := e.readMinistryStream(t, "ministry_test")
	want := []string{
		"CcpAwarded " + anne + " CCP1 s1", "CcpAwarded " + anne + " CCP2 s1", "CcpAwarded " + anne + " CCP3 s2",
		"CcpAwarded " + bob + " CCP1 s1", "CcpAwarded " + bob + " CCP2 s1", "CcpAwarded " + bob + " CCP3 s1",
		"LivretIssued " + anne + " " + livret.GetNumber() + " [CCP1 CCP2]",
		"ResultsValidated s1 officer", "ResultsValidated s2 officer",
		"TitleAwarded " + anne + " " + annesTitre.GetNumber() + " by_capitalisation=true",
		"TitleAwarded " + bob + " " + titre.GetNumber() + " by_capitalisation=false",
	}
	sort.Strings(want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ministry stream =\n%s\nwant each once:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// A byte changed in the database: the certificate no longer verifies.
	db, err := sqldb.Open(t.Context(), e.dbURL)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(t.Context(), `UPDATE certificates SET holder_birth_name = 'Durant' WHERE number = $1`, titre.GetNumber()); err != nil {
		t.Fatalf("tamper: %v", err)
	}
	ver, err = svc.client.VerifyCertificate(t.Context(), &certificationv1.VerifyCertificateRequest{Number: titre.GetNumber()})
	if err != nil || ver.GetValid() || ver.GetSignatureValid() || ver.GetReason() != "SIGNATURE_INVALID" {
		t.Fatalf("VerifyCertificate(tampered) = %v, %v; want signature_valid false", ver, err)
	}
}

// minutesSigned builds the assessment service's event by hand.
func minutesSigned(sessionID string, typ assessmentv1.SessionType, juryDate string, lines ...*assessmentv1.MinutesLine) *assessmentv1.MinutesSigned {
	hash := fmt.Sprintf("%064x", len(sessionID)*7919+len(lines))
	signed := timestamppb.New(time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC))
	return &assessmentv1.MinutesSigned{
		EventId: "", OccurTime: signed, SessionId: sessionID, CentreId: "centre-1", Type: typ,
		TitleId: "TP-00495", TitleVersion: "2008", JuryDate: juryDate, ContentHash: hash, Lines: lines,
		Signatures: []*assessmentv1.MinutesSignature{
			{JurorSubject: "juror-1", JurorName: "Juror One", SignTime: signed, ContentHash: hash},
			{JurorSubject: "juror-2", JurorName: "Juror Two", SignTime: signed, ContentHash: hash},
		},
	}
}

func minutesLine(candidateID string, obtained []string, notObtained ...string) *assessmentv1.MinutesLine {
	l := &assessmentv1.MinutesLine{CandidacyId: "cy-" + candidateID, CandidateId: candidateID,
		TitleOutcome: assessmentv1.TitleOutcome_TITLE_OUTCOME_PARTIAL, DossierManifestHash: strings.Repeat("d", 64)}
	for _, c := range obtained {
		l.CcpDecisions = append(l.CcpDecisions, &assessmentv1.CcpDecision{CcpCode: c, Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_OBTAINED})
	}
	for _, c := range notObtained {
		l.CcpDecisions = append(l.CcpDecisions, &assessmentv1.CcpDecision{CcpCode: c,
			Outcome: assessmentv1.CcpOutcome_CCP_OUTCOME_NOT_OBTAINED, Motivation: "compétence non démontrée"})
	}
	if len(notObtained) == 0 {
		l.TitleOutcome = assessmentv1.TitleOutcome_TITLE_OUTCOME_AWARDED
	}
	return l
}

// publishMinutes publishes MinutesSigned the way the assessment service's
// relay does, with ce-id eventID and Nats-Msg-Id msgID.
func (e *env) publishMinutes(t *testing.T, ev *assessmentv1.MinutesSigned, eventID, msgID string) uint64 {
	t.Helper()
	if err := eventbus.EnsureStream(t.Context(), e.js, eventbus.ContextStream("assessment")); err != nil {
		t.Fatalf("ensure assessment stream: %v", err)
	}
	ev = proto.Clone(ev).(*assessmentv1.MinutesSigned)
	ev.EventId = eventID
	data, err := proto.Marshal(ev)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	m := nats.NewMsg("titrepro.assessment.v1.minutes_signed")
	m.Header.Set(jetstream.MsgIDHeader, msgID)
	m.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	m.Header.Set(eventbus.HeaderID, eventID)
	m.Header.Set(eventbus.HeaderType, "titrepro.assessment.v1.MinutesSigned")
	m.Header.Set(eventbus.HeaderSource, "titrepro/assessment")
	m.Header.Set(eventbus.HeaderSubject, "sessions/"+ev.GetSessionId())
	m.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	m.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	m.Data = data
	ack, err := e.js.PublishMsg(t.Context(), m)
	if err != nil {
		t.Fatalf("publish: %v", err)
	}
	return ack.Sequence
}

// waitConsumed waits until a durable consumer has acknowledged every
// message up to stream sequence seq.
func (e *env) waitConsumed(t *testing.T, stream, durable string, seq uint64) {
	t.Helper()
	eventually(t, durable+" catches up", func() error {
		c, err := e.js.Consumer(t.Context(), stream, durable)
		if err != nil {
			return err
		}
		info, err := c.Info(t.Context())
		if err != nil {
			return err
		}
		if info.AckFloor.Stream < seq {
			return fmt.Errorf("ack floor %d < %d", info.AckFloor.Stream, seq)
		}
		return nil
	})
}

func (e *env) record(t *testing.T, svc running, candidateID string, as grpc.CallOption) *certificationv1.CertificationRecord {
	t.Helper()
	resp, err := svc.client.GetRecord(t.Context(), &certificationv1.GetRecordRequest{CandidateId: candidateID}, as)
	if err != nil {
		t.Fatalf("GetRecord(%s): %v", candidateID, err)
	}
	return resp.GetRecord()
}

// readMinistryStream reads every award event of TITREPRO_CERTIFICATION
// with a new durable consumer from the start, as a ministry system would,
// and returns one sorted line per event. It checks the CloudEvents headers
// on the way.
func (e *env) readMinistryStream(t *testing.T, durable string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitFor)
	defer cancel()
	cons, err := e.js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{
		Durable: durable, DeliverPolicy: jetstream.DeliverAllPolicy, AckPolicy: jetstream.AckExplicitPolicy,
		FilterSubjects: []string{
			"titrepro.certification.v1.results_validated", "titrepro.certification.v1.ccp_awarded",
			"titrepro.certification.v1.title_awarded", "titrepro.certification.v1.livret_issued",
		},
	})
	if err != nil {
		t.Fatalf("create consumer: %v", err)
	}
	info, err := cons.Info(ctx)
	if err != nil {
		t.Fatalf("consumer info: %v", err)
	}
	var out []string
	for pending := int(info.NumPending); pending > 0; {
		batch, err := cons.Fetch(pending, jetstream.FetchMaxWait(5*time.Second))
		if err != nil {
			t.Fatalf("fetch: %v", err)
		}
		for m := range batch.Messages() {
			out = append(out, describe(t, m))
			if err := m.DoubleAck(ctx); err != nil {
				t.Fatalf("ack: %v", err)
			}
			pending--
		}
		if err := batch.Error(); err != nil {
			t.Fatalf("fetch: %v", err)
		}
	}
	sort.Strings(out)
	return out
}

// describe decodes one ministry-stream message into a comparable line.
func describe(t *testing.T, m jetstream.Msg) string {
	t.Helper()
	h := m.Headers()
	if h.Get(eventbus.HeaderSource) != "titrepro/certification" || h.Get(eventbus.HeaderSpecVersion) != "1.0" ||
		h.Get(eventbus.HeaderID) == "" || h.Get(jetstream.MsgIDHeader) != h.Get(eventbus.HeaderID) {
		t.Fatalf("headers of %s = %v", m.Subject(), h)
	}
	decode := func(msg proto.Message) {
		t.Helper()
		if got := string(msg.ProtoReflect().Descriptor().FullName()); got != h.Get(eventbus.HeaderType) {
			t.Fatalf("ce-type %q on %s; want %s", h.Get(eventbus.HeaderType), m.Subject(), got)
		}
		if err := proto.Unmarshal(m.Data(), msg); err != nil {
			t.Fatalf("decode %s: %v", m.Subject(), err)
		}
		if id := msg.ProtoReflect().Get(msg.ProtoReflect().Descriptor().Fields().ByName("event_id")).String(); id != h.Get(eventbus.HeaderID) {
			t.Fatalf("event_id %s != ce-id %s", id, h.Get(eventbus.HeaderID))
		}
	}
	short := func(session string) string { return strings.SplitN(session, "-", 2)[0] }
	switch m.Subject() {
	case "titrepro.certification.v1.results_validated":
		var ev certificationv1.ResultsValidated
		decode(&ev)
		return "ResultsValidated " + short(ev.GetSessionId()) + " " + ev.GetValidatedBy()
	case "titrepro.certification.v1.ccp_awarded":
		var ev certificationv1.CcpAwarded
		decode(&ev)
		return "CcpAwarded " + ev.GetCandidateId() + " " + ev.GetCcpCode() + " " + short(ev.GetSessionId())
	case "titrepro.certification.v1.title_awarded":
		var ev certificationv1.TitleAwarded
		decode(&ev)
		return fmt.Sprintf("TitleAwarded %s %s by_capitalisation=%v", ev.GetCandidateId(), ev.GetCertificateNumber(), ev.GetByCapitalisation())
	case "titrepro.certification.v1.livret_issued":
		var ev certificationv1.LivretIssued
		decode(&ev)
		return fmt.Sprintf("LivretIssued %s %s %v", ev.GetCandidateId(), ev.GetCertificateNumber(), ev.GetCcpCodes())
	default:
		t.Fatalf("unexpected subject %s", m.Subject())
		return ""
	}
}
