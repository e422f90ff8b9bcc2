package portfolio_test

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	commonv1 "github.com/titrepro/titrepro/gen/go/titrepro/common/v1"
	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/svctest"
	"github.com/titrepro/titrepro/services/portfolio"
)

// env is a running portfolio service with its JetStream, its token issuer
// and a client.
type env struct {
	harness *svctest.Env
	js      jetstream.JetStream
	client  portfoliov1.PortfolioServiceClient
	conn    *grpc.ClientConn
	blobDir string
	metrics *prometheus.Registry // the service's own metrics
}

// start runs a portfolio service on 127.0.0.1:0 with a SQLite file, a
// file blob store, an embedded JetStream and a local token issuer; edit
// changes the configuration. At cleanup it stops the service and checks
// that Run returned nil.
func start(t testing.TB, edit func(*portfolio.Config)) *env {
	t.Helper()
	h := svctest.NewEnv(t)
	cfg, err := portfolio.LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	dir := t.TempDir()
	cfg.DatabaseURL = "sqlite://" + filepath.Join(dir, "portfolio.db")
	cfg.BlobURL = "file://" + filepath.Join(dir, "blobs")
	cfg.ShutdownTimeout = 5 * time.Second
	if edit != nil {
		edit(&cfg)
	}
	metrics := prometheus.NewRegistry()
	svc, err := portfolio.New(context.Background(), cfg, portfolio.Deps{
		Logger:    h.Logger,
		Verifier:  h.Verifier,
		JetStream: h.JetStreamAs(t, "portfolio"),
		Listener:  svctest.Listen(t),
		Metrics:   metrics,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	conn := svctest.Start(t, svc).Conn
	return &env{harness: h, js: h.JetStream, client: portfoliov1.NewPortfolioServiceClient(conn), conn: conn, blobDir: filepath.Join(dir, "blobs"), metrics: metrics}
}

// as returns a call option carrying a token for p.
func (e *env) as(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	return e.harness.As(t, p)
}

// eventually polls cond until it returns nil, or fails the test with its
// last error after svctest.WaitFor.
var eventually = svctest.Eventually

// publish sends an event of another context the way its outbox relay does:
// CloudEvents headers, de-duplicated by id.
func (e *env) publish(t testing.TB, context_, subject, resource string, m proto.Message) {
	t.Helper()
	ctx := context.Background()
	if err := eventbus.EnsureStream(ctx, e.js, eventbus.ContextStream(context_)); err != nil {
		t.Fatal(err)
	}
	data, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	msg := nats.NewMsg(subject)
	msg.Data = data
	msg.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	msg.Header.Set(eventbus.HeaderID, id)
	msg.Header.Set(eventbus.HeaderType, string(m.ProtoReflect().Descriptor().FullName()))
	msg.Header.Set(eventbus.HeaderSource, "titrepro/"+context_)
	msg.Header.Set(eventbus.HeaderSubject, resource)
	msg.Header.Set(eventbus.HeaderTime, time.Now().UTC().Format(time.RFC3339Nano))
	msg.Header.Set(eventbus.HeaderContentType, eventbus.ContentTypeProtobuf)
	msg.Header.Set(jetstream.MsgIDHeader, id)
	if _, err := e.js.PublishMsg(ctx, msg); err != nil {
		t.Fatalf("publish %s: %v", subject, err)
	}
}

var (
	alice    = auth.Principal{Subject: "alice@idp", Roles: []auth.Role{auth.RoleCandidate}}
	bob      = auth.Principal{Subject: "bob@idp", Roles: []auth.Role{auth.RoleCandidate}}
	centre1  = auth.Principal{Subject: "c1-user", Roles: []auth.Role{auth.RoleCentre}, Centre: "CENTRE-1"}
	juror1   = auth.Principal{Subject: "juror-1", Roles: []auth.Role{auth.RoleJuror}}
	juror2   = auth.Principal{Subject: "juror-2", Roles: []auth.Role{auth.RoleJuror}}
	ministry = auth.Principal{Subject: "officer", Roles: []auth.Role{auth.RoleMinistry}}
)

// seed publishes what the other contexts would: alice's candidate record
// (VAE route), the TSGERI title, session s1 of CENTRE-1 with juror-1 and
// alice's candidacy cy-1 in it.
func (e *env) seed(t testing.TB) {
	t.Helper()
	e.publish(t, "candidate", "titrepro.candidate.v1.candidate_registered", "candidates/cand-alice",
		&candidatev1.CandidateRegistered{Version: 1, Candidate: &candidatev1.Candidate{
			Id: "cand-alice", Subject: alice.Subject, BirthName: "Durand", GivenNames: []string{"Camille"},
			AccessRoute:   commonv1.AccessRoute_ACCESS_ROUTE_VAE,
			PostalAddress: &commonv1.PostalAddress{Lines: []string{"12 rue des Lilas"}, PostalCode: "69003", Locality: "Lyon", CountryCode: "FR"},
		}})
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", "titles/TP-00495",
		&certificationv1.TitleVersionPublished{Title: &certificationv1.Title{
			Id: "TP-00495", Version: "2008", Label: "Technicien(ne) supérieur(e) gestionnaire exploitant(e) de ressources informatiques",
			PublishTime: timestamppb.Now(),
			Ccps:        []*certificationv1.Ccp{{Code: "CCP1", Order: 1}, {Code: "CCP2", Order: 2}, {Code: "CCP3", Order: 3}},
		}})
	e.publish(t, "assessment", "titrepro.assessment.v1.session_planned", "sessions/s1",
		&assessmentv1.SessionPlanned{SessionId: "s1", CentreId: "CENTRE-1", Type: assessmentv1.SessionType_SESSION_TYPE_TITRE,
			TitleId: "TP-00495", TitleVersion: "2008", CcpCodes: []string{"CCP1", "CCP2", "CCP3"}})
	e.publish(t, "assessment", "titrepro.assessment.v1.juror_assigned", "sessions/s1",
		&assessmentv1.JurorAssigned{SessionId: "s1", JurorSubject: juror1.Subject, OccurTime: timestamppb.Now()})
	e.publish(t, "assessment", "titrepro.assessment.v1.candidacy_registered", "sessions/s1/candidacies/cy-1",
		&assessmentv1.CandidacyRegistered{SessionId: "s1", CandidacyId: "cy-1", CandidateId: "cand-alice", CcpCodes: []string{"CCP1", "CCP2", "CCP3"}})
}

// createDossier creates alice's dossier, waiting for the projections to
// receive her record and the title.
func (e *env) createDossier(t testing.TB, d *portfoliov1.Dossier) *portfoliov1.Dossier {
	t.Helper()
	var created *portfoliov1.Dossier
	eventually(t, "CreateDossier once the projections caught up", func() error {
		resp, err := e.client.CreateDossier(context.Background(), &portfoliov1.CreateDossierRequest{Dossier: d}, e.as(t, alice))
		if err != nil {
			return err
		}
		created = resp.GetDossier()
		return nil
	})
	return created
}

// upload sends content in chunks of chunk bytes through the client stream.
func (e *env) upload(t testing.TB, p auth.Principal, dossierID, name string, content []byte, chunk int) (*portfoliov1.UploadDocumentResponse, error) {
	t.Helper()
	stream, err := e.client.UploadDocument(context.Background(), e.as(t, p))
	if err != nil {
		return nil, err
	}
	if err := stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Metadata{
		Metadata: &portfoliov1.UploadDocumentMetadata{DossierId: dossierID, FileName: name, Kind: portfoliov1.DocumentKind_DOCUMENT_KIND_EVIDENCE},
	}}); err != nil {
		return nil, err
	}
	for len(content) > 0 {
		n := min(chunk, len(content))
		if err := stream.Send(&portfoliov1.UploadDocumentRequest{Payload: &portfoliov1.UploadDocumentRequest_Chunk{Chunk: content[:n]}}); err != nil {
			if errors.Is(err, io.EOF) {
				break // the server answered early: the status comes with CloseAndRecv
			}
			return nil, err
		}
		content = content[n:]
	}
	return stream.CloseAndRecv()
}

// download reads a document through the server stream.
func (e *env) download(t testing.TB, p auth.Principal, req *portfoliov1.DownloadDocumentRequest) (*portfoliov1.Document, []byte, error) {
	t.Helper()
	stream, err := e.client.DownloadDocument(context.Background(), req, e.as(t, p))
	if err != nil {
		return nil, nil, err
	}
	first, err := stream.Recv()
	if err != nil {
		return nil, nil, err
	}
	var content []byte
	for {
		msg, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return first.GetMetadata(), content, nil
		}
		if err != nil {
			return nil, nil, err
		}
		content = append(content, msg.GetChunk()...)
	}
}

func errorInfo(t testing.TB, err error) *errdetails.ErrorInfo {
	t.Helper()
	for _, d := range status.Convert(err).Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	t.Fatalf("no ErrorInfo in %v", err)
	return nil
}
