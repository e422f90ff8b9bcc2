package certification

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	cfg, ok, err := fvaeclient.ConfigFromEnv(getenv)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("France VAE is off: set FRANCEVAE_BASE_URL and FRANCEVAE_TOKEN")
	}
	if r.GetState() != certificationv1.ResultState_RESULT_STATE_VALIDATED {
		return nil, fmt.Errorf("the result of session %s is %s: a result is pushed once the ministry validated it (R51)", r.GetSessionId(), r.GetState())
	}
	c := fvaeclient.New(cfg)
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
