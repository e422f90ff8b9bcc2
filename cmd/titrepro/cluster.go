package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/titrepro/titrepro/internal/cluster"
)

// clusterCommand runs the distributed topology on this machine (make
// run-cluster) until Ctrl-C: see internal/cluster and deploy/README.md.
func clusterCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	root := fs.String("root", ".", "the titrepro repository (binaries are built from it, referentiels/ read)")
	data := fs.String("data", "", "data folder (default ROOT/var/cluster); reused at the next start")
	db := fs.String("database-url", envOrDefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"),
		`PostgreSQL database (a schema per service is created in it); "own" runs an instance of the topology's own under the data folder`)
	blobURL := fs.String("blob-url", "", "portfolio BLOB_URL for the evidence files (default: the topology's own S3 store, versitygw over DATA/s3)")
	plainText := fs.Bool("plaintext", false, "no TLS between the parts (default: gRPC mutual TLS and NATS over TLS, development certificates in DATA/tls)")
	offset := fs.Int("port-offset", 0, "added to every port (gateway 8080, issuer 8090, NATS 4251-4253, services 9091-9094…)")
	assessment := fs.Int("assessment-replicas", 2, "processes of the assessment service")
	noBuild := fs.Bool("no-build", false, "use the binaries already in ROOT/bin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := cluster.Options{Root: *root, DataDir: *data, BlobURL: *blobURL, PlainText: *plainText, PortOffset: *offset,
		Replicas: map[string]int{"assessment": *assessment}, Log: stdout}
	if *db != "own" {
		opts.DatabaseURL = *db
	}
	if !*noBuild {
		if err := cluster.Build(ctx, *root, filepath.Join(*root, "bin"), stdout); err != nil {
			return err
		}
	}
	start := time.Now()
	c, err := cluster.Start(ctx, opts)
	if err != nil {
		return err
	}
	printClusterBanner(stdout, c, time.Since(start))
	watchCluster(ctx, c, stdout)
	fmt.Fprintln(stdout, "\ncluster: stopping every process")
	return c.Stop()
}

// watchCluster says when a process exits on its own, until ctx ends: the
// launcher does not restart it (a supervisor would); the operator reads its
// log and starts the topology again.
func watchCluster(ctx context.Context, c *cluster.Cluster, w io.Writer) {
	reported := map[string]bool{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for _, name := range c.Names() {
			if running := c.Process(name).Running(); !running && !reported[name] {
				fmt.Fprintf(w, "cluster: %s exited on its own; see %s\n", name, c.LogFile(name))
			} else if running {
				reported[name] = false
				continue
			}
			reported[name] = true
		}
	}
}

func printClusterBanner(w io.Writer, c *cluster.Cluster, took time.Duration) {
	p := c.Ports()
	fmt.Fprintf(w, "\ntitrepro distributed topology is up (%s) — Ctrl-C stops everything\n\n", took.Round(100*time.Millisecond))
	fmt.Fprintf(w, "  web and REST API   %s   (API docs %s/docs, metrics %s/metrics)\n", c.GatewayURL(), c.GatewayURL(), c.GatewayURL())
	fmt.Fprintf(w, "  OIDC issuer        %s   (keys %s/.well-known/jwks.json)\n", c.IssuerURL(), c.IssuerURL())
	fmt.Fprintf(w, "  NATS JetStream     %s   (monitoring :%d :%d :%d)\n", c.NATSURLs(), p.NATSMonitor[0], p.NATSMonitor[1], p.NATSMonitor[2])
	fmt.Fprintf(w, "  PostgreSQL         %s   (schemas candidate, portfolio, assessment, certification)\n", c.DatabaseURL())
	fmt.Fprintf(w, "  evidence           %s\n", c.BlobURL())
	if c.TLS() {
		fmt.Fprintf(w, "  TLS                gRPC gateway→services with client certificates, NATS clients; certificates in %s\n", c.TLSDir())
	} else {
		fmt.Fprintf(w, "  TLS                off (--plaintext)\n")
	}
	for _, svc := range cluster.Services {
		for r := 1; r <= c.ReplicaCount(svc); r++ {
			fmt.Fprintf(w, "  %-18s gRPC 127.0.0.1:%d   metrics 127.0.0.1:%d\n", c.ProcessName(svc, r), p.GRPC(svc, r), p.Metrics(svc, r))
		}
	}
	fmt.Fprintf(w, "\n  data and logs      %s   (logs/<process>.log)\n", c.DataDir())
	fmt.Fprintf(w, "  a token            TITREPRO_DATA_DIR=%s TITREPRO_PUBLIC_URL=%s bin/titrepro token --role ministry --subject me\n", c.IssuerDataDir(), c.IssuerURL())
	if c.TLS() {
		fmt.Fprintf(w, "  the event bus      nats --server %s --nkey %s/nkeys/admin.nk --tlsca %s/ca.crt stream ls\n", c.NATSURLs(), c.DataDir(), c.TLSDir())
	} else {
		fmt.Fprintf(w, "  the event bus      nats --server %s --nkey %s/nkeys/admin.nk stream ls\n", c.NATSURLs(), c.DataDir())
	}
	fmt.Fprintf(w, "  the jury workflow  TITREPRO_DATA_DIR=%s TITREPRO_PUBLIC_URL=%s bin/titrepro demo --url %s\n\n", c.IssuerDataDir(), c.IssuerURL(), c.GatewayURL())
}

func envOrDefault(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
