package main

import (
	"context"
	"fmt"
	"time"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/auth"
)

// workflowSite is the site of the workflow centre's agrément and sessions.
const workflowSite = "AFPA Lyon Vénissieux"

// registerReasons are the refusals that, right after the ministry recorded
// an agrément or a habilitation or a juror accepted the charte, only mean
// that the event has not reached the assessment service yet.
var registerReasons = []string{"AGREMENT_MISSING", "HABILITATION_UNKNOWN", "CHARTER_NOT_ACCEPTED"}

// registerPeriod is the validity of the workflow's agrément and
// habilitations: from a year ago to two years ahead, or to the title
// version's end of validity when it is earlier (R9, R18).
func (w *workflow) registerPeriod() (string, string) {
	today := time.Now().UTC()
	from, to := today.AddDate(-1, 0, 0).Format(time.DateOnly), today.AddDate(2, 0, 0).Format(time.DateOnly)
	if end := w.title.GetValidTo(); end != "" && end < to {
		to = end
	}
	return from, to
}

// setUpRegisters has the ministry record the centre's agrément for the
// title version at workflowSite (R8) and the two jurors' habilitations
// (R16), and each juror accept the charte de déontologie (R23), through
// the certification service's REST API.
func (w *workflow) setUpRegisters(ctx context.Context) error {
	w.step("The ministry records the centre's agrément and the jurors' habilitations; the jurors accept the charte (certification service)")
	from, to := w.registerPeriod()
	err := w.call(ctx, asMinistry, "POST", "/v1/agrements", &certificationv1.Agrement{
		Id: "AGR-69-" + w.run, CentreId: w.centreID, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		Site: workflowSite, ValidFrom: from, ValidTo: to,
	}, nil)
	if err != nil {
		return fmt.Errorf("agrément: %w", err)
	}
	for i, who := range []string{asJuror1, asJuror2} {
		number, err := w.habilitate(ctx, w.subjects[who], fmt.Sprintf("Juré %d", i+1), false)
		if err != nil {
			return err
		}
		w.habilitations[who] = number
		if err := w.acceptCharter(ctx, w.tokens[who]); err != nil {
			return err
		}
	}
	return nil
}

// habilitate has the ministry record a habilitation of the juror subject
// for the workflow's title in the juror register, and returns its number.
func (w *workflow) habilitate(ctx context.Context, subject, name string, trainer bool) (string, error) {
	w.habilitated++
	number := fmt.Sprintf("HAB-69-%s-%d", w.run, w.habilitated)
	from, to := w.registerPeriod()
	err := w.call(ctx, asMinistry, "POST", "/v1/habilitations", &certificationv1.Habilitation{
		Number: number, JurorSubject: subject, JurorName: name, JurorEmail: fmt.Sprintf("jure-%s-%d@example.org", w.run, w.habilitated),
		TitleId: w.title.GetId(), ValidFrom: from, ValidTo: to,
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 8, Trainer: trainer,
	}, nil)
	if err != nil {
		return "", fmt.Errorf("habilitation of %s: %w", subject, err)
	}
	return number, nil
}

// acceptCharter has the juror holding token accept the current charte de
// déontologie (R23).
func (w *workflow) acceptCharter(ctx context.Context, token string) error {
	return w.c.call(ctx, "juror", token, "POST", "/v1/jurors/me:acceptCharter", &certificationv1.AcceptCharterRequest{}, nil)
}

// enrolJuror makes a new juror of subject ready to sit: a token, a
// habilitation recorded by the ministry and the charte accepted. It
// returns the token and the habilitation number.
func (w *workflow) enrolJuror(ctx context.Context, subject, name string) (token, number string, err error) {
	token, err = w.issuer.Issue(auth.Principal{Subject: subject, Roles: []auth.Role{auth.RoleJuror}}, time.Hour)
	if err != nil {
		return "", "", err
	}
	if number, err = w.habilitate(ctx, subject, name, false); err != nil {
		return "", "", err
	}
	return token, number, w.acceptCharter(ctx, token)
}
