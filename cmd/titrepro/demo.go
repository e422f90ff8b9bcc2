package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/google/uuid"
	"google.golang.org/protobuf/proto"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
)

type protoMessage = proto.Message

func newUUID() string {
	id, err := uuid.NewRandom()
	if err != nil {
		return "00000000-0000-4000-8000-000000000000"
	}
	return id.String()
}

// demo runs the whole jury workflow against a running `titrepro serve`
// (make run) and prints each step with the REST calls it made. Tokens are
// minted with the local issuer of the data folder, so it runs on the machine
// that runs the server.
func demo(ctx context.Context, cfg config, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	base := fs.String("url", cfg.PublicURL, "base URL of the titrepro gateway")
	if err := fs.Parse(args); err != nil {
		return err
	}
	issuer, err := localIssuer(cfg)
	if err != nil {
		return err
	}
	w, err := newWorkflow(ctx, newRESTClient(*base, stdout), issuer, stdout)
	if err != nil {
		return fmt.Errorf("is `titrepro serve` running at %s? %w", *base, err)
	}
	res, err := runFullSession(ctx, w)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "\n✔ %s awarded to %s: certificate %s, signature valid: %v\n",
		w.title.GetId(), res.candidateID, res.certificate, res.signatureValid)
	return nil
}

// sessionResult is what one run of the workflow produced.
type sessionResult struct {
	candidateID, sessionID, candidacyID string
	certificate                         string
	signatureValid                      bool
}

// openSession takes a new candidate up to an open session with the
// dossier submitted: everything before the jurors' work.
func openSession(ctx context.Context, w *workflow) (sessionResult, error) {
	var r sessionResult
	var err error
	if r.candidateID, err = w.registerCandidate(ctx); err != nil {
		return r, err
	}
	return openSessionFor(ctx, w, r)
}

func openSessionFor(ctx context.Context, w *workflow, r sessionResult) (sessionResult, error) {
	var err error
	if r.sessionID, err = w.planSession(ctx, assessmentv1.SessionType_SESSION_TYPE_TITRE, nil); err != nil {
		return r, err
	}
	if r.candidacyID, err = w.registerCandidacy(ctx, r.sessionID, r.candidateID, nil); err != nil {
		return r, err
	}
	if err := w.dossierFor(ctx, r); err != nil {
		return r, err
	}
	return r, w.open(ctx, r.sessionID)
}

// finishSession takes an open session from the jurors' verdicts to the
// candidate's certificate.
func finishSession(ctx context.Context, w *workflow, r sessionResult) (sessionResult, error) {
	scope := w.ccpCodes()
	if err := w.evaluate(ctx, r.sessionID, r.candidacyID, scope, nil); err != nil {
		return r, err
	}
	if _, err := w.deliberate(ctx, r.sessionID, r.candidacyID, scope, nil); err != nil {
		return r, err
	}
	m, err := w.signMinutes(ctx, r.sessionID)
	if err != nil {
		return r, err
	}
	if err := w.validate(ctx, r.sessionID, m.GetContentHash()); err != nil {
		return r, err
	}
	certs, err := w.certificates(ctx, r.candidateID, 1)
	if err != nil {
		return r, err
	}
	r.certificate = certs[0].GetNumber()
	return r, nil
}

// runFullSession takes one candidate through a session titre where every
// CCP is obtained, up to the verified certificate.
func runFullSession(ctx context.Context, w *workflow) (sessionResult, error) {
	r, err := openSession(ctx, w)
	if err != nil {
		return r, err
	}
	if r, err = finishSession(ctx, w, r); err != nil {
		return r, err
	}
	v, err := w.verify(ctx, r.certificate)
	if err != nil {
		return r, err
	}
	r.signatureValid = v.GetValid() && v.GetSignatureValid()
	return r, nil
}

// dossierFor prepares and submits the candidate's dossier for the session.
func (w *workflow) dossierFor(ctx context.Context, r sessionResult) error {
	dossierID, err := w.prepareDossier(ctx, r.candidateID)
	if err != nil {
		return err
	}
	_, err = w.submitDossier(ctx, dossierID, r.sessionID, r.candidacyID)
	return err
}
