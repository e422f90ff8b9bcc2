package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"time"

	"github.com/titrepro/titrepro/internal/auth"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification"
)

const francevaeUsage = "usage: titrepro francevae push-results SESSION_ID [--token T] [--url URL]"

// francevaeCommand handles `titrepro francevae push-results SESSION_ID`:
// it reads the session's validated result and its candidates through the
// running server's API, as the ministry, and pushes to France VAE (the
// FRANCEVAE_* settings) the jury result of every candidate who has a
// France VAE candidature, one line per candidacy. Without --token it mints
// a short-lived ministry token with the local issuer, as `cpf` does.
func francevaeCommand(ctx context.Context, cfg config, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "push-results" {
		return fmt.Errorf("%s", francevaeUsage)
	}
	fs := flag.NewFlagSet("francevae push-results", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	tok := fs.String("token", "", "bearer token of a ministry user (default: minted by the local issuer)")
	base := fs.String("url", cfg.PublicURL, "base URL of the titrepro gateway")
	session, rest := splitFileArg(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if session == "" && fs.NArg() == 1 {
		session = fs.Arg(0)
	}
	if session == "" {
		return fmt.Errorf("%s", francevaeUsage)
	}
	if *tok == "" {
		issuer, err := localIssuer(cfg)
		if err != nil {
			return err
		}
		if *tok, err = issuer.Issue(auth.Principal{Subject: "titrepro-cli", Roles: []auth.Role{auth.RoleMinistry}}, 5*time.Minute); err != nil {
			return err
		}
	}
	c := newRESTClient(*base, nil)
	var res certificationv1.GetResultResponse
	if err := c.call(ctx, "ministry", *tok, "GET", "/v1/results/"+url.PathEscape(session), nil, &res); err != nil {
		return fmt.Errorf("reading the result of session %s: %w", session, err)
	}
	candidatures := map[string]string{}
	for _, l := range res.GetResult().GetLines() {
		id := l.GetCandidateId()
		if _, done := candidatures[id]; done {
			continue
		}
		var cand candidatev1.GetCandidateResponse
		if err := c.call(ctx, "ministry", *tok, "GET", "/v1/candidates/"+url.PathEscape(id), nil, &cand); err != nil {
			return fmt.Errorf("reading candidate %s: %w", id, err)
		}
		candidatures[id] = cand.GetCandidate().GetFranceVaeCandidatureId()
	}
	pushed, err := certification.PushFranceVAEResults(ctx, getenv, res.GetResult(), candidatures)
	failed := 0
	for _, p := range pushed {
		switch {
		case p.CandidatureID == "":
			fmt.Fprintf(stdout, "%s\tskipped: no France VAE candidature\n", p.CandidacyID)
		case p.Err != nil:
			failed++
			fmt.Fprintf(stdout, "%s\t%s\tNOT PUSHED: %v\n", p.CandidacyID, p.CandidatureID, p.Err)
		default:
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", p.CandidacyID, p.CandidatureID, p.Code)
		}
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d results not pushed to France VAE", failed, len(pushed))
	}
	return nil
}
