package main

import (
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natsembed"
)

// bus is the embedded NATS server and one connection per service, each as
// the service's own identity: a service can only publish its own events and
// read the streams it consumes, in this process as in a deployment.
type bus struct {
	server *server.Server
	conns  []*nats.Conn
	js     map[string]jetstream.JetStream // by service name
}

// credentialsPath is where the bus identities' keys live in the data folder.
func credentialsPath(dataDir string) string {
	return filepath.Join(dataDir, natsauth.CredentialsFile)
}

// startBus loads the identities' keys (created at the first start), starts
// the embedded server that accepts only them, and connects every service.
func startBus(cfg config, dataDir string, log *slog.Logger) (*bus, error) {
	creds, err := natsauth.LoadOrCreate(credentialsPath(dataDir))
	if err != nil {
		return nil, fmt.Errorf("event bus credentials: %w", err)
	}
	users, err := creds.Users()
	if err != nil {
		return nil, err
	}
	ns, err := startNATS(cfg, dataDir, users, log)
	if err != nil {
		return nil, err
	}
	b := &bus{server: ns, js: map[string]jetstream.JetStream{}}
	for _, name := range natsauth.Services() {
		auth, err := creds.ConnectOptions(name)
		if err != nil {
			return nil, b.fail(err)
		}
		nc, err := nats.Connect(ns.ClientURL(), append(eventbus.ConnectOptions("titrepro-"+name, log), auth...)...)
		if err != nil {
			return nil, b.fail(fmt.Errorf("connect to the embedded NATS as %s: %w", name, err))
		}
		b.conns = append(b.conns, nc)
		if b.js[name], err = jetstream.New(nc); err != nil {
			return nil, b.fail(err)
		}
	}
	return b, nil
}

// close closes the connections, then stops the server.
func (b *bus) close() {
	for _, nc := range b.conns {
		nc.Close()
	}
	b.server.Shutdown()
	b.server.WaitForShutdown()
}

// fail closes what startBus opened and returns err.
func (b *bus) fail(err error) error {
	b.close()
	return err
}

func startNATS(cfg config, dataDir string, users []natsauth.User, log *slog.Logger) (*server.Server, error) {
	host, portText, _ := net.SplitHostPort(cfg.NATSAddr)
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("TITREPRO_NATS_ADDR: bad port %q", portText)
	}
	if port == 0 {
		port = -1 // random free port; natsembed reads 0 as the NATS default 4222
	}
	ns, err := natsembed.Start(natsembed.Options{
		StoreDir: filepath.Join(dataDir, "nats"), Host: host, Port: port, Logger: log, Users: users,
	})
	if err != nil {
		return nil, fmt.Errorf("embedded NATS on %s: %w", cfg.NATSAddr, err)
	}
	return ns, nil
}
