package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/titrepro/titrepro/services/candidate"
)

const mailUsage = `usage:
  titrepro mail status [--database-url URL]                  messages held, pending, sent and failed; the failed ones and why
  titrepro mail resend (--failed | MESSAGE-ID...) [--database-url URL]
                                                             send failed messages again (the running server picks them up)
The database is the all-in-one's <data>/candidate.db unless --database-url names a candidate database.`

// mail reads and resends the candidate service's mail outbox
// (docs/operations.md, "Mail").
func mailCommand(ctx context.Context, cfg config, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(mailUsage)
	}
	fs := flag.NewFlagSet("mail "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbURL := fs.String("database-url", "", "candidate database (default: <data>/candidate.db)")
	failed := fs.Bool("failed", false, "resend every failed message")
	if err := fs.Parse(args[1:]); err != nil {
		return fmt.Errorf("%w\n%s", err, mailUsage)
	}
	if *dbURL == "" {
		dir, err := filepath.Abs(cfg.DataDir)
		if err != nil {
			return err
		}
		*dbURL = "sqlite://" + filepath.Join(dir, "candidate.db")
	}
	admin, err := candidate.OpenMailAdmin(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer admin.Close()
	switch args[0] {
	case "status":
		st, err := admin.Status(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "held %d  pending %d  sent %d  failed %d\n", st.Held, st.Pending, st.Sent, st.Failed)
		if !st.OldestPending.IsZero() {
			fmt.Fprintf(out, "oldest pending since %s\n", st.OldestPending.UTC().Format(time.RFC3339))
		}
		list, err := admin.Failed(ctx, 50)
		if err != nil {
			return err
		}
		for _, m := range list {
			fmt.Fprintf(out, "failed %s  %s to %s, %d attempts: %s\n", m.MessageID, m.Kind, m.To, m.Attempts, m.LastError)
		}
		return nil
	case "resend":
		if *failed == (fs.NArg() > 0) {
			return errors.New("mail resend: give --failed or message ids, not both\n" + mailUsage)
		}
		if *failed {
			n, err := admin.ResendFailed(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d messages to send again\n", n)
			return nil
		}
		for _, id := range fs.Args() {
			ok, err := admin.Resend(ctx, id)
			if err != nil {
				return err
			}
			if !ok {
				return fmt.Errorf("mail resend: no failed message %s", id)
			}
			fmt.Fprintf(out, "%s: to send again\n", id)
		}
		return nil
	default:
		return fmt.Errorf("unknown mail command %q\n%s", args[0], mailUsage)
	}
}
