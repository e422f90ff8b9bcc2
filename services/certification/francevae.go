package certification

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"

	fvaeclient "github.com/titrepro/titrepro/services/certification/internal/adapters/francevae"
	"github.com/titrepro/titrepro/services/certification/internal/domain/francevae"
	"github.com/titrepro/titrepro/services/certification/internal/domain/result"
)

// FranceVAEPushed is what became of one candidacy's jury result.
type FranceVAEPushed struct {
	CandidacyID   string
	CandidatureID string // empty: the candidate has no France VAE candidature (skipped)
	Code          string // the jury result code sent, when mapped
	Err           error  // France VAE's refusal or the mapping's; nil when pushed or skipped
}

// PushFranceVAEResults pushes to France VAE the jury result of every line
// of the validated result r whose candidate has a France VAE candidature
// (candidatures maps candidate ids to candidature ids). The settings are
// the FRANCEVAE_* variables read with getenv. A refusal for one
// candidature is reported on its line and the others go on; a refused
// token stops everything.
func PushFranceVAEResults(ctx context.Context, getenv func(string) string, r *certificationv1.SessionResult, candidatures map[string]string) ([]FranceVAEPushed, error) {
	c, err := franceVAEClient(getenv)
	if err != nil {
		return nil, err
	}
	if r.GetState() != certificationv1.ResultState_RESULT_STATE_VALIDATED {
		return nil, fmt.Errorf("the result of session %s is %s: a result is pushed once the ministry validated it (R51)", r.GetSessionId(), r.GetState())
	}
	var out []FranceVAEPushed
	for _, l := range r.GetLines() {
		p := FranceVAEPushed{CandidacyID: l.GetCandidacyId(), CandidatureID: candidatures[l.GetCandidateId()]}
		if p.CandidatureID != "" {
			p.Code, p.Err = pushFranceVAE(ctx, c, p.CandidatureID, l)
		}
		out = append(out, p)
		if errors.Is(p.Err, fvaeclient.ErrUnauthorized) {
			return out, p.Err
		}
	}
	return out, nil
}

func pushFranceVAE(ctx context.Context, c *fvaeclient.Client, candidatureID string, l *certificationv1.ResultLine) (string, error) {
	cand, err := c.Candidature(ctx, candidatureID)
	if err != nil {
		return "", err
	}
	line := result.Line{
		CandidacyID:  l.GetCandidacyId(),
		CandidateID:  l.GetCandidateId(),
		TitleOutcome: result.TitleOutcome(strings.TrimPrefix(l.GetTitleOutcome().String(), "TITLE_OUTCOME_")),
	}
	for _, d := range l.GetCcpResults() {
		line.Decisions = append(line.Decisions, result.CcpDecision{
			CcpCode: d.GetCcpCode(),
			Outcome: result.CcpOutcome(strings.TrimPrefix(d.GetOutcome().String(), "CCP_OUTCOME_")),
		})
	}
	partial := cand.Certification.EstViseePartiellement != nil && *cand.Certification.EstViseePartiellement
	res, err := francevae.Map(francevae.Outcome{Line: line, PartialTarget: partial})
	if err != nil {
		return "", err
	}
	_, err = c.PushResultat(ctx, candidatureID, string(res.Code), res.Comment)
	return string(res.Code), err
}

// FranceVAEItem is one row of a France VAE list: a feasibility dossier, a
// validation dossier or a jury information.
type FranceVAEItem struct {
	List          string // "faisabilite", "validation" or "jury"
	CandidatureID string
	Statut        string
	DateEnvoi     *time.Time // dossiers only
	JuryDate      string     // jury information only: the session's date, when France VAE has one
}

// ListFranceVAE reads, page by page, the three lists France VAE holds for
// the certifier (feasibility dossiers, validation dossiers, jury
// information), every status, with the jury session's date of each jury
// information. The settings are the FRANCEVAE_* variables
// read with getenv.
func ListFranceVAE(ctx context.Context, getenv func(string) string) ([]FranceVAEItem, error) {
	c, err := franceVAEClient(getenv)
	if err != nil {
		return nil, err
	}
	var out []FranceVAEItem
	df, err := c.DossiersDeFaisabilite(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("feasibility dossiers: %w", err)
	}
	for _, d := range df {
		out = append(out, FranceVAEItem{List: "faisabilite", CandidatureID: d.CandidatureID, Statut: d.Statut, DateEnvoi: d.DateEnvoi})
	}
	dv, err := c.DossiersDeValidation(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("validation dossiers: %w", err)
	}
	for _, d := range dv {
		out = append(out, FranceVAEItem{List: "validation", CandidatureID: d.CandidatureID, Statut: d.Statut, DateEnvoi: d.DateEnvoi})
	}
	ij, err := c.InformationsJury(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("jury information: %w", err)
	}
	for _, j := range ij {
		it := FranceVAEItem{List: "jury", CandidatureID: j.CandidatureID, Statut: j.Statut}
		s, err := c.SessionJury(ctx, j.CandidatureID)
		switch {
		case err == nil:
			it.JuryDate = strings.TrimSpace(s.Date + " " + s.Heure)
		case !errors.Is(err, fvaeclient.ErrNotFound):
			return nil, fmt.Errorf("jury session of %s: %w", j.CandidatureID, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// FranceVAEJurySession is the jury session told to France VAE: the jury
// date ("YYYY-MM-DD"), the site and a free text.
type FranceVAEJurySession struct {
	Date, Site, Information string
}

// FranceVAECandidacy is a candidacy of a session and its candidate's
// France VAE candidature id (empty when the candidate has none).
type FranceVAECandidacy struct {
	CandidacyID, CandidatureID string
}

// PushFranceVAESession tells France VAE the jury session s of every
// candidacy whose candidate has a France VAE candidature; the others are
// reported as skipped. A refusal for one candidature is reported on its
// line and the others go on; a refused token stops everything.
func PushFranceVAESession(ctx context.Context, getenv func(string) string, s FranceVAEJurySession, candidacies []FranceVAECandidacy) ([]FranceVAEPushed, error) {
	c, err := franceVAEClient(getenv)
	if err != nil {
		return nil, err
	}
	var out []FranceVAEPushed
	for _, cy := range candidacies {
		p := FranceVAEPushed{CandidacyID: cy.CandidacyID, CandidatureID: cy.CandidatureID}
		if p.CandidatureID != "" {
			_, p.Err = c.PushSessionJury(ctx, p.CandidatureID, fvaeclient.SessionJury{Date: s.Date, AdresseSession: s.Site, InformationsSession: s.Information})
		}
		out = append(out, p)
		if errors.Is(p.Err, fvaeclient.ErrUnauthorized) {
			return out, p.Err
		}
	}
	return out, nil
}

// franceVAEClient is the client of the FRANCEVAE_* settings read with
// getenv; an error when they are unset (France VAE off) or invalid.
func franceVAEClient(getenv func(string) string) (*fvaeclient.Client, error) {
	cfg, ok, err := fvaeclient.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("France VAE is off: set FRANCEVAE_BASE_URL and FRANCEVAE_TOKEN")
	}
	return fvaeclient.New(cfg), nil
}
