package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/titrepro/titrepro/internal/eventbus"
	"github.com/titrepro/titrepro/internal/natsauth"
)

// natsCredentials prints how an identity connects to the embedded event
// bus: the URL, its nkey and seed, its inbox prefix. The keys are those of
// the data folder, created at the first start (here or by `serve`) and
// reused after, so what it prints stays valid across restarts.
func natsCredentials(cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("nats-credentials", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	seedOnly := fs.Bool("seed", false, "print the seed only, e.g. to save it in a file for `nats --nkey`")
	// The identity comes first (`nats-credentials ministry --seed`); the
	// flag package stops at the first non-flag argument.
	var name string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if name == "" && fs.NArg() == 1 {
		name = fs.Arg(0)
	} else if fs.NArg() > 0 {
		return fmt.Errorf("nats-credentials: one identity, got %q", fs.Args())
	}
	if !slices.Contains(natsauth.Names(), name) {
		return fmt.Errorf("nats-credentials: identity %q: want one of %s", name, strings.Join(natsauth.Names(), ", "))
	}
	dir, err := filepath.Abs(cfg.DataDir)
	if err != nil {
		return err
	}
	creds, err := natsauth.LoadOrCreate(credentialsPath(dir))
	if err != nil {
		return err
	}
	seed, err := creds.Seed(name)
	if err != nil {
		return err
	}
	if *seedOnly {
		_, err = fmt.Fprintln(stdout, seed)
		return err
	}
	pub, err := creds.PublicKey(name)
	if err != nil {
		return err
	}
	url := natsURL(cfg.NATSAddr)
	w := &errWriter{w: stdout}
	w.printf("# titrepro event bus identity %q (keep the seed secret)\n", name)
	w.printf("url:          %s\n", url)
	w.printf("nkey:         %s\n", pub)
	w.printf("seed:         %s\n", seed)
	w.printf("inbox prefix: %s\n", natsauth.InboxPrefix(name))
	switch name {
	case natsauth.Ministry:
		stream := eventbus.ContextStream("certification").Name
		w.printf("reads:        stream %s through the durable consumer %q only\n", stream, natsauth.MinistryDurable)
		w.printf("\nWith the nats CLI:\n")
		w.printf("  titrepro nats-credentials ministry --seed > ministry.nk && chmod 600 ministry.nk\n")
		w.printf("  nats --server %s --nkey ministry.nk --inbox-prefix %s \\\n", url, natsauth.InboxPrefix(name))
		w.printf("    consumer next %s %s --ack\n", stream, natsauth.MinistryDurable)
		w.printf("(create the consumer %q first, e.g. with `consumer add %s %s --pull --deliver all --ack explicit`).\n",
			natsauth.MinistryDurable, stream, natsauth.MinistryDurable)
	case natsauth.Admin:
		w.printf("may:          everything (operator tools only: nats CLI, stream edits)\n")
	default:
		w.printf("for:          the %s service (run alone: NATS_NKEY_SEED_FILE=<file holding the seed>)\n", name)
	}
	return w.err
}

// natsURL is the URL clients use for the embedded server's address: an
// empty host is the loopback address natsembed listens on.
func natsURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host != "" {
		return "nats://" + addr
	}
	return "nats://" + net.JoinHostPort("127.0.0.1", port)
}

// errWriter keeps the first write error, so that a run of prints is checked
// once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
