package main

import (
	"errors"
	"flag"
	"os"
	"time"

	"github.com/titrepro/titrepro/internal/auth"
)

// ministryCall is what a ministry command run against the gateway's API
// needs: its one positional argument (a file, a session…), the gateway's
// base URL and a bearer token.
type ministryCall struct {
	arg, base, token string
}

// parseMinistryCall reads `ARG [--token T] [--url URL]` (ARG before or
// after the flags) for the command called name. An empty ARG when needArg
// is refused with usage, before anything else. Without --token it mints a
// short-lived ministry token with the local issuer, which only works on
// the machine that holds the data folder.
func parseMinistryCall(cfg config, name string, args []string, needArg bool, usage string) (ministryCall, error) {
	return parseMinistryCallWith(cfg, name, args, needArg, usage, nil)
}

// parseMinistryCallWith is parseMinistryCall for a command with flags of
// its own, which define adds to the flag set.
func parseMinistryCallWith(cfg config, name string, args []string, needArg bool, usage string, define func(*flag.FlagSet)) (ministryCall, error) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	if define != nil {
		define(fs)
	}
	tok := fs.String("token", "", "bearer token of a ministry user (default: minted by the local issuer)")
	base := fs.String("url", cfg.PublicURL, "base URL of the titrepro gateway")
	arg, rest := splitFileArg(args)
	if err := fs.Parse(rest); err != nil {
		return ministryCall{}, err
	}
	if arg == "" && fs.NArg() == 1 {
		arg = fs.Arg(0)
	}
	if needArg && arg == "" {
		return ministryCall{}, errors.New(usage)
	}
	call := ministryCall{arg: arg, base: *base, token: *tok}
	if call.token == "" {
		issuer, err := localIssuer(cfg)
		if err != nil {
			return call, err
		}
		if call.token, err = issuer.Issue(auth.Principal{Subject: "titrepro-cli", Roles: []auth.Role{auth.RoleMinistry}}, 5*time.Minute); err != nil {
			return call, err
		}
	}
	return call, nil
}
