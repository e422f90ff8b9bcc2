package natsauth_test

// These tests run the permissions on a real embedded server: what each
// identity must be able to do, and what it must be refused.

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/types/known/wrapperspb"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natstest"
	"github.com/titrepro/titrepro/internal/outbox"
	"github.com/titrepro/titrepro/internal/sqldb"
)

const waitFor = 20 * time.Second

// refusedWithin bounds a JetStream request the server drops for lack of
// permission: the client only learns it when the request times out.
const refusedWithin = 2 * time.Second

// client is a connection as one identity that records the permission
// violations the server reports to it.
type client struct {
	nc *nats.Conn
	js jetstream.JetStream

	mu         sync.Mutex
	violations []string
}

func connect(t *testing.T, s *server.Server, name string) *client {
	t.Helper()
	c := &client{}
	c.nc, c.js = natstest.ConnectAs(t, s, name, nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) {
			c.mu.Lock()
			c.violations = append(c.violations, err.Error())
			c.mu.Unlock()
		}
	}))
	return c
}

// requireViolation waits until the server has reported a permission
// violation naming subject.
func (c *client) requireViolation(t *testing.T, subject string) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	for {
		c.mu.Lock()
		got := append([]string(nil), c.violations...)
		c.mu.Unlock()
		for _, v := range got {
			if strings.Contains(v, `"`+subject+`"`) {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no permission violation for %q; got %v", subject, got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// event is a titrepro event as the outbox relay publishes it.
func event(t *testing.T, subject, id string) *nats.Msg {
	t.Helper()
	m := nats.NewMsg(subject)
	m.Header.Set(jetstream.MsgIDHeader, id)
	m.Header.Set(eventbus.HeaderSpecVersion, eventbus.SpecVersion)
	m.Header.Set(eventbus.HeaderID, id)
	m.Header.Set(eventbus.HeaderType, "titrepro.test.v1.Forged")
	m.Header.Set(eventbus.HeaderSource, "titrepro/test")
	m.Data = []byte(id)
	return m
}

func streamMsgs(t *testing.T, js jetstream.JetStream, stream string) uint64 {
	t.Helper()
	st, err := js.Stream(t.Context(), stream)
	require.NoError(t, err)
	info, err := st.Info(t.Context())
	require.NoError(t, err)
	return info.State.Msgs
}

func TestAnonymousClientIsRefused(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	_, err := nats.Connect(s.ClientURL(), nats.MaxReconnects(0))
	require.ErrorIs(t, err, nats.ErrAuthorization)

	// Nor does a key the server does not know get in.
	kp, err := nkeys.CreateUser()
	require.NoError(t, err)
	pub, err := kp.PublicKey()
	require.NoError(t, err)
	_, err = nats.Connect(s.ClientURL(), nats.MaxReconnects(0), nats.Nkey(pub, kp.Sign))
	require.ErrorIs(t, err, nats.ErrAuthorization)
}

// TestServicesDoTheirWholeJob runs, as each service's identity, everything
// the service does on the bus: make sure its stream exists (and change it),
// publish through the outbox relay, make sure the streams it reads exist
// before their owners started, and consume them through its durables.
func TestServicesDoTheirWholeJob(t *testing.T) {
	t.Parallel()
	consumes := map[string][]struct{ context, durable string }{
		"candidate":     nil,
		"portfolio":     {{"candidate", "portfolio_candidates"}, {"certification", "portfolio_titles"}, {"assessment", "portfolio_sessions"}},
		"assessment":    {{"certification", "assessment_titles"}, {"candidate", "assessment_candidates"}, {"portfolio", "assessment_dossiers"}},
		"certification": {{"candidate", "certification_holders"}, {"assessment", "certification_results"}},
	}
	for _, name := range natsauth.Services() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := natstest.RunJetStream(t)
			_, admin := natstest.Connect(t, s)
			svc := connect(t, s, name)
			db, err := sqldb.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), name+".db"))
			require.NoError(t, err)
			t.Cleanup(func() { _ = db.Close() })
			require.NoError(t, outbox.Migrate(ctx, db))
			require.NoError(t, eventbus.Migrate(ctx, db))

			// Its consumers, on streams whose owners have not started.
			handled := make(chan string, 8)
			for _, c := range consumes[name] {
				stream := eventbus.ContextStream(c.context)
				require.NoError(t, eventbus.EnsureStream(ctx, svc.js, stream), c.context)
				sub, err := eventbus.Subscribe(ctx, svc.js, db, slog.New(slog.DiscardHandler), eventbus.ConsumerConfig{
					Stream: stream.Name, Durable: c.durable, FilterSubjects: []string{"titrepro." + c.context + ".v1.thing_done"},
				}, func(_ context.Context, _ *sqldb.Tx, msg eventbus.Message) error {
					handled <- msg.ID
					return nil
				})
				require.NoError(t, err, c.durable)
				t.Cleanup(sub.Stop)
				_, err = admin.PublishMsg(ctx, event(t, "titrepro."+c.context+".v1.thing_done", c.durable))
				require.NoError(t, err)
			}
			got := map[string]bool{}
			for range consumes[name] {
				select {
				case id := <-handled:
					got[id] = true
				case <-time.After(waitFor):
					t.Fatalf("handled %v; want every consumer's event", got)
				}
			}
			for _, c := range consumes[name] {
				require.True(t, got[c.durable], c.durable)
			}

			// Its own stream, created then changed by the owner.
			own := eventbus.ContextStream(name)
			require.NoError(t, eventbus.EnsureStream(ctx, svc.js, own))
			own.Duplicates = 30 * time.Minute
			require.NoError(t, eventbus.EnsureStream(ctx, svc.js, own))

			// Its events, through the outbox relay.
			ev, err := outbox.NewEvent(wrapperspb.String("x"), "titrepro/"+name, "things/1", time.Now())
			require.NoError(t, err)
			ev.Subject = "titrepro." + name + ".v1.thing_done" // a stand-in event on the service's stream
			o := outbox.New(db)
			require.NoError(t, db.InTx(ctx, func(tx *sqldb.Tx) error { return o.Write(ctx, tx, ev) }))
			rctx, stop := context.WithCancel(ctx)
			done := make(chan error, 1)
			go func() {
				done <- outbox.NewRelay(o, svc.js, slog.New(slog.DiscardHandler), outbox.RelayOptions{Stream: own.Name}).Run(rctx)
			}()
			deadline := time.Now().Add(waitFor)
			for streamMsgs(t, admin, own.Name) != 1 {
				if time.Now().After(deadline) {
					t.Fatal("the relay did not publish the event")
				}
				time.Sleep(10 * time.Millisecond)
			}
			stop()
			require.NoError(t, <-done)

			svc.mu.Lock()
			defer svc.mu.Unlock()
			require.Empty(t, svc.violations, "the service's job needs no other permission")
		})
	}
}

// TestServicesAreRefused checks what a service identity must not do.
func TestServicesAreRefused(t *testing.T) {
	t.Parallel()
	s := natstest.RunJetStream(t)
	_, admin := natstest.Connect(t, s)
	for _, c := range natsauth.Services() {
		require.NoError(t, eventbus.EnsureStream(t.Context(), admin, eventbus.ContextStream(c)))
	}
	tests := []struct {
		name     string
		identity string
		do       func(ctx context.Context, c *client) error
		subject  string // the subject the server refuses
	}{
		{"publish into another context's stream", "candidate", func(ctx context.Context, c *client) error {
			_, err := c.js.PublishMsg(ctx, event(t, "titrepro.certification.v1.title_awarded", "forged"))
			return err
		}, "titrepro.certification.v1.title_awarded"},
		{"publish outside titrepro", "candidate", func(ctx context.Context, c *client) error {
			return c.nc.Publish("anything", nil)
		}, "anything"},
		{"read live events", "portfolio", func(ctx context.Context, c *client) error {
			_, err := c.nc.SubscribeSync("titrepro.>")
			return err
		}, "titrepro.>"},
		{"read another identity's replies", "portfolio", func(ctx context.Context, c *client) error {
			_, err := c.nc.SubscribeSync("_INBOX_assessment.>")
			return err
		}, "_INBOX_assessment.>"},
		{"consume a stream it does not read", "certification", func(ctx context.Context, c *client) error {
			_, err := c.js.CreateOrUpdateConsumer(ctx, "TITREPRO_PORTFOLIO", jetstream.ConsumerConfig{Durable: "certification_dossiers"})
			return err
		}, "$JS.API.CONSUMER.CREATE.TITREPRO_PORTFOLIO.certification_dossiers"},
		{"take over another service's consumer", "assessment", func(ctx context.Context, c *client) error {
			_, err := c.js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{Durable: "portfolio_titles"})
			return err
		}, "$JS.API.CONSUMER.CREATE.TITREPRO_CERTIFICATION.portfolio_titles"},
		{"change a stream it only reads", "assessment", func(ctx context.Context, c *client) error {
			cfg := eventbus.ContextStream("certification")
			cfg.MaxAge = time.Second
			return eventbus.EnsureStream(ctx, c.js, cfg)
		}, "$JS.API.STREAM.UPDATE.TITREPRO_CERTIFICATION"},
		{"read a stream's messages directly", "portfolio", func(ctx context.Context, c *client) error {
			st, err := c.js.Stream(ctx, "TITREPRO_CANDIDATE")
			if err != nil {
				return err
			}
			_, err = st.GetMsg(ctx, 1)
			return err
		}, "$JS.API.STREAM.MSG.GET.TITREPRO_CANDIDATE"},
		{"delete its own stream", "candidate", func(ctx context.Context, c *client) error {
			return c.js.DeleteStream(ctx, "TITREPRO_CANDIDATE")
		}, "$JS.API.STREAM.DELETE.TITREPRO_CANDIDATE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, s, tt.identity)
			ctx, cancel := context.WithTimeout(t.Context(), refusedWithin)
			defer cancel()
			_ = tt.do(ctx, c) // core operations fail asynchronously
			c.requireViolation(t, tt.subject)
		})
	}
	t.Run("nothing forged reached a stream", func(t *testing.T) {
		t.Parallel()
		c := connect(t, s, "candidate")
		ctx, cancel := context.WithTimeout(t.Context(), refusedWithin)
		defer cancel()
		_, err := c.js.PublishMsg(ctx, event(t, "titrepro.certification.v1.title_awarded", "forged-2"))
		require.Error(t, err, "JetStream must not acknowledge a forged event")
		require.Zero(t, streamMsgs(t, admin, "TITREPRO_CERTIFICATION"))
	})
}

// TestMinistryReadsTheCertificationStream checks the ministry identity: it
// consumes the certification stream through its durable, and nothing else.
func TestMinistryReadsTheCertificationStream(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	s := natstest.RunJetStream(t)
	_, admin := natstest.Connect(t, s)
	for _, c := range natsauth.Services() {
		require.NoError(t, eventbus.EnsureStream(ctx, admin, eventbus.ContextStream(c)))
	}
	cert := connect(t, s, "certification")
	_, err := cert.js.PublishMsg(ctx, event(t, "titrepro.certification.v1.title_awarded", "award-1"))
	require.NoError(t, err)

	t.Run("reads", func(t *testing.T) {
		t.Parallel()
		m := connect(t, s, natsauth.Ministry)
		cons, err := m.js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{
			Durable: natsauth.MinistryDurable, AckPolicy: jetstream.AckExplicitPolicy,
			FilterSubjects: []string{"titrepro.certification.v1.title_awarded", "titrepro.certification.v1.ccp_awarded"},
		})
		require.NoError(t, err)
		batch, err := cons.Fetch(1, jetstream.FetchMaxWait(waitFor))
		require.NoError(t, err)
		var ids []string
		for msg := range batch.Messages() {
			ids = append(ids, msg.Headers().Get(eventbus.HeaderID))
			require.NoError(t, msg.DoubleAck(ctx))
		}
		require.NoError(t, batch.Error())
		require.Equal(t, []string{"award-1"}, ids)
		info, err := cons.Info(ctx)
		require.NoError(t, err)
		require.Equal(t, uint64(1), info.AckFloor.Stream)
		_, err = m.js.Stream(ctx, "TITREPRO_CERTIFICATION")
		require.NoError(t, err)
		m.mu.Lock()
		defer m.mu.Unlock()
		require.Empty(t, m.violations)
	})

	tests := []struct {
		name    string
		do      func(ctx context.Context, c *client) error
		subject string
	}{
		{"publish into the certification stream", func(ctx context.Context, c *client) error {
			_, err := c.js.PublishMsg(ctx, event(t, "titrepro.certification.v1.title_awarded", "forged"))
			return err
		}, "titrepro.certification.v1.title_awarded"},
		{"publish into another stream", func(ctx context.Context, c *client) error {
			return c.nc.Publish("titrepro.candidate.v1.candidate_registered", nil)
		}, "titrepro.candidate.v1.candidate_registered"},
		{"consume another stream", func(ctx context.Context, c *client) error {
			_, err := c.js.CreateOrUpdateConsumer(ctx, "TITREPRO_CANDIDATE", jetstream.ConsumerConfig{Durable: natsauth.MinistryDurable})
			return err
		}, "$JS.API.CONSUMER.CREATE.TITREPRO_CANDIDATE.ministry"},
		{"take over a service's consumer", func(ctx context.Context, c *client) error {
			_, err := c.js.CreateOrUpdateConsumer(ctx, "TITREPRO_CERTIFICATION", jetstream.ConsumerConfig{Durable: "assessment_titles"})
			return err
		}, "$JS.API.CONSUMER.CREATE.TITREPRO_CERTIFICATION.assessment_titles"},
		{"read another stream's messages", func(ctx context.Context, c *client) error {
			return c.nc.PublishRequest("$JS.API.STREAM.MSG.GET.TITREPRO_CANDIDATE", c.nc.NewInbox(), []byte(`{"seq":1}`))
		}, "$JS.API.STREAM.MSG.GET.TITREPRO_CANDIDATE"},
		{"create or change a stream", func(ctx context.Context, c *client) error {
			_, err := c.js.CreateStream(ctx, jetstream.StreamConfig{Name: "MINISTRY", Subjects: []string{"ministry.>"}})
			return err
		}, "$JS.API.STREAM.CREATE.MINISTRY"},
		{"read live events", func(ctx context.Context, c *client) error {
			_, err := c.nc.SubscribeSync("titrepro.>")
			return err
		}, "titrepro.>"},
		{"read the services' replies", func(ctx context.Context, c *client) error {
			_, err := c.nc.SubscribeSync("_INBOX.>")
			return err
		}, "_INBOX.>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, s, natsauth.Ministry)
			ctx, cancel := context.WithTimeout(t.Context(), refusedWithin)
			defer cancel()
			_ = tt.do(ctx, c)
			c.requireViolation(t, tt.subject)
		})
	}
}
