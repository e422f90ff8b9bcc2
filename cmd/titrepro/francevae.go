package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	"github.com/titrepro/titrepro/services/certification"
)

const francevaeUsage = "usage: titrepro francevae push-results SESSION_ID [--token T] [--url URL] | titrepro francevae push-session SESSION_ID [--token T] [--url URL] | titrepro francevae dossiers"

// francevaeCommand handles `titrepro francevae push-results SESSION_ID`:
// it reads the session's validated result and its candidates through the
// running server's API, as the ministry, and pushes to France VAE (the
// FRANCEVAE_* settings) the jury result of every candidate who has a
// France VAE candidature, one line per candidacy. Without --token it mints
// a short-lived ministry token with the local issuer, as `cpf` does.
// `push-session` and `dossiers` are francevaePushSession and
// francevaeDossiers.
func francevaeCommand(ctx context.Context, cfg config, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 1 && args[0] == "dossiers" {
		return francevaeDossiers(ctx, getenv, stdout)
	}
	if len(args) == 0 || (args[0] != "push-results" && args[0] != "push-session") {
		return fmt.Errorf("%s", francevaeUsage)
	}
	call, err := parseMinistryCall(cfg, "francevae "+args[0], args[1:], true, francevaeUsage)
	if err != nil {
		return err
	}
	session := call.arg
	c := newRESTClient(call.base, nil)
	if args[0] == "push-session" {
		return francevaePushSession(ctx, c, call.token, session, getenv, stdout)
	}
	var res certificationv1.GetResultResponse
	if err := c.call(ctx, "ministry", call.token, "GET", "/v1/results/"+url.PathEscape(session), nil, &res); err != nil {
		return fmt.Errorf("reading the result of session %s: %w", session, err)
	}
	candidatures := map[string]string{}
	for _, l := range res.GetResult().GetLines() {
		id := l.GetCandidateId()
		if _, done := candidatures[id]; done {
			continue
		}
		var cand candidatev1.GetCandidateResponse
		if err := c.call(ctx, "ministry", call.token, "GET", "/v1/candidates/"+url.PathEscape(id), nil, &cand); err != nil {
			return fmt.Errorf("reading candidate %s: %w", id, err)
		}
		candidatures[id] = cand.GetCandidate().GetFranceVaeCandidatureId()
	}
	pushed, err := certification.PushFranceVAEResults(ctx, getenv, res.GetResult(), candidatures)
	return reportFranceVAE(stdout, pushed, err, "results")
}

// reportFranceVAE prints one line per candidacy (what was pushed, skipped
// or refused) and fails when any push failed.
func reportFranceVAE(stdout io.Writer, pushed []certification.FranceVAEPushed, err error, what string) error {
	failed := 0
	for _, p := range pushed {
		switch {
		case p.CandidatureID == "":
			fmt.Fprintf(stdout, "%s\tskipped: no France VAE candidature\n", p.CandidacyID)
		case p.Err != nil:
			failed++
			fmt.Fprintf(stdout, "%s\t%s\tNOT PUSHED: %v\n", p.CandidacyID, p.CandidatureID, p.Err)
		case p.Code == "":
			fmt.Fprintf(stdout, "%s\t%s\tpushed\n", p.CandidacyID, p.CandidatureID)
		default:
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", p.CandidacyID, p.CandidatureID, p.Code)
		}
	}
	if err != nil {
		return err
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d %s not pushed to France VAE", failed, len(pushed), what)
	}
	return nil
}

// francevaeDossiers handles `titrepro francevae dossiers`: every row of
// France VAE's three lists (feasibility dossiers, validation dossiers,
// jury information), all pages, one line each: list, candidature id,
// status, date sent (dossiers) or jury session date (jury), "-" when none.
func francevaeDossiers(ctx context.Context, getenv func(string) string, stdout io.Writer) error {
	items, err := certification.ListFranceVAE(ctx, getenv)
	if err != nil {
		return err
	}
	for _, it := range items {
		sent := "-"
		if it.DateEnvoi != nil {
			sent = it.DateEnvoi.UTC().Format(time.RFC3339)
		}
		if it.JuryDate != "" {
			sent = it.JuryDate
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\t%s\n", it.List, it.CandidatureID, it.Statut, sent)
	}
	return nil
}

// francevaePushSession handles `titrepro francevae push-session
// SESSION_ID`: it reads the session, its candidacies (every page) and their
// candidates through the API, as the ministry, and tells France VAE the
// jury session (date: the session's last day, the jury date; address: its
// site) of every candidate who has a France VAE candidature.
func francevaePushSession(ctx context.Context, c *restClient, tok, session string, getenv func(string) string, stdout io.Writer) error {
	var got assessmentv1.GetSessionResponse
	if err := c.call(ctx, "ministry", tok, "GET", "/v1/sessions/"+url.PathEscape(session), nil, &got); err != nil {
		return fmt.Errorf("reading session %s: %w", session, err)
	}
	sess := got.GetSession()
	jury := certification.FranceVAEJurySession{
		Date:        sess.GetEndDate(),
		Site:        sess.GetSite(),
		Information: fmt.Sprintf("Session titrepro %s, du %s au %s", sess.GetId(), sess.GetStartDate(), sess.GetEndDate()),
	}
	candidatures := map[string]string{}
	var cands []certification.FranceVAECandidacy
	for page := ""; ; {
		var list assessmentv1.ListCandidaciesResponse
		path := "/v1/sessions/" + url.PathEscape(session) + "/candidacies?page_size=100"
		if page != "" {
			path += "&page_token=" + url.QueryEscape(page)
		}
		if err := c.call(ctx, "ministry", tok, "GET", path, nil, &list); err != nil {
			return fmt.Errorf("reading the candidacies of session %s: %w", session, err)
		}
		for _, cy := range list.GetCandidacies() {
			id := cy.GetCandidateId()
			if _, done := candidatures[id]; !done {
				var cand candidatev1.GetCandidateResponse
				if err := c.call(ctx, "ministry", tok, "GET", "/v1/candidates/"+url.PathEscape(id), nil, &cand); err != nil {
					return fmt.Errorf("reading candidate %s: %w", id, err)
				}
				candidatures[id] = cand.GetCandidate().GetFranceVaeCandidatureId()
			}
			cands = append(cands, certification.FranceVAECandidacy{CandidacyID: cy.GetId(), CandidatureID: candidatures[id]})
		}
		if page = list.GetNextPageToken(); page == "" {
			break
		}
	}
	pushed, err := certification.PushFranceVAESession(ctx, getenv, jury, cands)
	return reportFranceVAE(stdout, pushed, err, "jury sessions")
}
