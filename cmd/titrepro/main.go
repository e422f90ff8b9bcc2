// Command titrepro is the all-in-one titrepro server and its command-line
// tools: `serve` runs every service, the gateway and an embedded NATS
// JetStream in one process on SQLite files; `token` prints a bearer token from
// the local issuer; `referentiel import` publishes a title referential;
// `cpf` exports the CPF deposit file and records the Caisse's report;
// `backup` and `restore` copy the data folder and put it back.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

const usage = `titrepro — titre professionnel certification, end to end.

Usage:
  titrepro serve                                   run everything in one process (make run)
  titrepro token --role ROLE --subject SUB [--centre ID] [--ttl 8h]
                                                   print a bearer token from the local issuer
  titrepro referentiel import FILE [--token T]     publish a title referential (ministry)
  titrepro cpf export FILE | ack FILE | late [--token T]
                                                   CPF deposit (R56): write the next file, record the
                                                   Caisse's report, list titres past day 80 (ministry)
  titrepro withdraw NUMBER --motivation TEXT --reference REF [--date D] [--ccp CODE] [--token T]
                                                   withdraw a certificate, or one of its CCPs, after a
                                                   fraud (R59; ministry)
  titrepro francevae push-results SESSION_ID [--token T]
                                                   push a validated session's jury results to France VAE
                                                   (FRANCEVAE_* settings; ministry)
  titrepro francevae push-session SESSION_ID [--token T]
                                                   tell France VAE a session's jury date and site for
                                                   its candidates with a France VAE candidature (ministry)
  titrepro francevae dossiers                      list what France VAE holds: feasibility and validation
                                                   dossiers, jury information (every page)
  titrepro issuer [--addr HOST:PORT] [--web-url URL] serve only the local issuer (keys, dev login) for standalone services
  titrepro cluster [--database-url URL|own] [--port-offset N] [--plaintext] [--no-build]
                                                   run the distributed topology on this machine (make run-cluster;
                                                   S3 store and mutual TLS included; --help lists every option)
  titrepro demo [--url URL]                        run the whole jury workflow against a running server
  titrepro nats-credentials IDENTITY [--seed]      how IDENTITY (ministry, admin, a service) connects to the event bus
  titrepro certificate-key rotate                  new certificate signing key; old certificates still verify
  titrepro backup DIR                              copy the data folder consistently, while serve runs
  titrepro restore DIR                             restore a backup into an empty TITREPRO_DATA_DIR
  titrepro mail status | resend (--failed | ID...) the e-mail notifications waiting or failed; send failed ones again
  titrepro dev-certs DIR [--hosts h1,h2] [--days N] [--force]
                                                   DEVELOPMENT ONLY: a CA and the TLS certificates of the
                                                   distributed topology (production: your PKI, docs/tls.md)
  titrepro help                                    this text

Configuration comes from TITREPRO_* environment variables (see README.md).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "titrepro:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return nil
	}
	if args[0] == "cluster" {
		// The launcher configures its processes itself: no TITREPRO_* setting applies.
		return clusterCommand(ctx, args[1:], os.Stdout)
	}
	if args[0] == "dev-certs" { // writes to DIR only: needs no TITREPRO_* configuration
		return devCerts(args[1:], os.Stdout)
	}
	cfg, err := loadConfig(os.Getenv)
	if err != nil {
		return err
	}
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, os.Stdout)
	case "token":
		return token(cfg, args[1:], os.Stdout)
	case "referentiel":
		return referentiel(ctx, cfg, args[1:], os.Stdout)
	case "cpf":
		return cpf(ctx, cfg, args[1:], os.Stdout)
	case "withdraw":
		return withdraw(ctx, cfg, args[1:], os.Stdout)
	case "francevae":
		return francevaeCommand(ctx, cfg, args[1:], os.Getenv, os.Stdout)
	case "issuer":
		return issuerCommand(ctx, cfg, args[1:], os.Stdout)
	case "demo":
		return demo(ctx, cfg, args[1:], os.Stdout)
	case "nats-credentials":
		return natsCredentials(cfg, args[1:], os.Stdout)
	case "certificate-key":
		return certificateKey(cfg, args[1:], os.Stdout)
	case "backup":
		return backup(ctx, cfg, args[1:], os.Stdout)
	case "restore":
		return restore(ctx, cfg, args[1:], os.Stdout)
	case "mail":
		return mailCommand(ctx, cfg, args[1:], os.Stdout)
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q\n\n%s", args[0], usage)
	}
}
