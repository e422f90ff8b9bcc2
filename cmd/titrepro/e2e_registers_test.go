package main

import (
	"context"
	"net/http"
	"testing"
	"time"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestEndToEndRegisters plays the ministry's registers over REST on the
// all-in-one: a centre without an agrément cannot plan a session (R8) until
// the ministry approves it; a juror without a habilitation (R16), then
// without the charte (R23), cannot sit until the ministry habilitates them
// and they accept it; each side reads what it may of the registers.
func TestEndToEndRegisters(t *testing.T) {
	s := startServer(t, testConfig(t, t.TempDir()))
	w := newTestWorkflow(t, s) // the ministry, the jurors, the candidate
	ctx := context.Background()
	run := randomSuffix()
	centreID := "CENTRE-38-" + run
	w.tokens["new-centre"] = s.mustToken(t, "centre", "agent-"+run, centreID)
	today := time.Now().UTC()
	session := &assessmentv1.Session{
		Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		CcpCodes: []string{w.title.GetCcps()[0].GetCode()}, Site: "GRETA Grenoble",
		StartDate: today.Format(time.DateOnly), EndDate: today.AddDate(0, 0, 1).Format(time.DateOnly),
	}
	plan := func() (string, error) {
		resp := &assessmentv1.CreateSessionResponse{}
		err := w.call(ctx, "new-centre", "POST", "/v1/sessions", session, resp)
		return resp.GetSession().GetId(), err
	}

	// R8: no agrément, no session.
	_, err := plan()
	assertRefused(t, err, http.StatusBadRequest, "R8")
	// R9 and R17 are checked when the ministry records: a habilitation of
	// two years' experience is refused.
	err = w.call(ctx, asMinistry, "POST", "/v1/habilitations", &certificationv1.Habilitation{
		Number: "HAB-38-" + run + "-0", JurorSubject: "juror-" + run, JurorName: "Jeanne Roux", JurorEmail: "jeanne.roux@example.org",
		TitleId: w.title.GetId(), ValidFrom: today.Format(time.DateOnly), ValidTo: today.AddDate(1, 0, 0).Format(time.DateOnly),
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 2,
	}, nil)
	assertRefused(t, err, http.StatusBadRequest, "R17")

	// The ministry approves the centre at that site: the session is planned.
	agrement := &certificationv1.GrantAgrementResponse{}
	from, to := w.registerPeriod()
	must(t, w.call(ctx, asMinistry, "POST", "/v1/agrements", &certificationv1.Agrement{
		Id: "AGR-38-" + run, CentreId: centreID, TitleId: w.title.GetId(), TitleVersion: w.title.GetVersion(),
		Site: "GRETA Grenoble", ValidFrom: from, ValidTo: to,
	}, agrement))
	if !agrement.GetCreated() || agrement.GetAgrement().GetState() != certificationv1.RegisterState_REGISTER_STATE_GRANTED {
		t.Fatalf("granted agrément = %v", agrement)
	}
	var sessionID string
	must(t, retryWhile(ctx, registerReasons, func() error {
		sessionID, err = plan()
		return err
	}))

	// The centre reads its own agréments, not another centre's.
	mine := &certificationv1.ListAgrementsResponse{}
	must(t, w.call(ctx, "new-centre", "GET", "/v1/agrements", nil, mine))
	if len(mine.GetAgrements()) != 1 || mine.GetAgrements()[0].GetId() != "AGR-38-"+run {
		t.Fatalf("the centre's agréments = %v", mine.GetAgrements())
	}
	assertRefused(t, w.call(ctx, "new-centre", "GET", "/v1/agrements/AGR-69-"+w.run, nil, &certificationv1.GetAgrementResponse{}), http.StatusForbidden, "")

	// R16: a juror the register does not know cannot sit.
	juror := "jeanne-" + run
	w.tokens["jeanne"] = s.mustToken(t, "juror", juror, "")
	add := func() error {
		return w.call(ctx, "new-centre", "POST", "/v1/sessions/"+sessionID+"/jurors", &assessmentv1.Juror{
			Subject: juror, DisplayName: "typed by the centre",
			Habilitation: &assessmentv1.Habilitation{Number: "HAB-38-" + run + "-1", TitleId: "TP-00000", ValidFrom: "2000-01-01", ValidTo: "2099-12-31"},
		}, nil)
	}
	assertRefused(t, add(), http.StatusBadRequest, "R16")

	// The ministry habilitates her: now the charte is missing (R23).
	must(t, w.call(ctx, asMinistry, "POST", "/v1/habilitations", &certificationv1.Habilitation{
		Number: "HAB-38-" + run + "-1", JurorSubject: juror, JurorName: "Jeanne Roux", JurorEmail: "jeanne.roux@example.org",
		TitleId: w.title.GetId(), ValidFrom: from, ValidTo: to,
		Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_SUPERVISOR, ExperienceYears: 12,
	}, nil))
	err = retryWhile(ctx, []string{"HABILITATION_UNKNOWN"}, add)
	assertRefused(t, err, http.StatusBadRequest, "R23")

	// The centre finds her in the register, without her e-mail; she reads
	// her own entry with it.
	register := &certificationv1.ListHabilitationsResponse{}
	must(t, w.call(ctx, "new-centre", "GET", "/v1/habilitations?title_id="+w.title.GetId()+"&valid_from="+session.GetStartDate()+
		"&valid_to="+session.GetEndDate()+"&juror_subject="+juror, nil, register))
	if len(register.GetHabilitations()) != 1 || register.GetHabilitations()[0].GetJurorEmail() != "" {
		t.Fatalf("the register as the centre reads it = %v", register.GetHabilitations())
	}
	own := &certificationv1.GetHabilitationResponse{}
	must(t, w.call(ctx, "jeanne", "GET", "/v1/habilitations/HAB-38-"+run+"-1", nil, own))
	if own.GetHabilitation().GetJurorEmail() != "jeanne.roux@example.org" {
		t.Fatalf("the juror's own entry = %v", own.GetHabilitation())
	}
	assertRefused(t, w.call(ctx, "jeanne", "GET", "/v1/habilitations/"+w.habilitations[asJuror1], nil, own), http.StatusForbidden, "")

	// She accepts the charte: she joins the jury, with the register's name
	// and dates, whatever the centre typed.
	must(t, w.acceptCharter(ctx, w.tokens["jeanne"]))
	must(t, retryWhile(ctx, []string{"CHARTER_NOT_ACCEPTED"}, add))
	jury := &assessmentv1.ListJurorsResponse{}
	must(t, w.call(ctx, "new-centre", "GET", "/v1/sessions/"+sessionID+"/jurors", nil, jury))
	if len(jury.GetJurors()) != 1 || jury.GetJurors()[0].GetDisplayName() != "Jeanne Roux" ||
		jury.GetJurors()[0].GetHabilitation().GetTitleId() != w.title.GetId() || jury.GetJurors()[0].GetHabilitation().GetValidTo() != to {
		t.Fatalf("the jury = %v", jury.GetJurors())
	}

	// The ministry withdraws the agrément: no new session under it.
	withdrawn := &certificationv1.WithdrawAgrementResponse{}
	must(t, w.call(ctx, asMinistry, "POST", "/v1/agrements/AGR-38-"+run+":withdraw",
		&certificationv1.WithdrawAgrementRequest{Reason: "Plateau technique fermé"}, withdrawn))
	if withdrawn.GetAgrement().GetState() != certificationv1.RegisterState_REGISTER_STATE_WITHDRAWN {
		t.Fatalf("withdrawn = %v", withdrawn.GetAgrement())
	}
	err = waitFor(ctx, "the withdrawal to reach the assessment service", func() (bool, error) {
		_, err := plan()
		if reasonOf(err) == "AGREMENT_MISSING" {
			return true, nil
		}
		return false, nil
	})
	must(t, err)
}
