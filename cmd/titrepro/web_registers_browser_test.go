package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/gateway/web/browsertest"
	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// browserRegisters plays the DREETS officer and the jurors of a browser
// test through REST: the centre approved for the latest titleID at
// workflowSite (R8), each juror (subject → name) habilitated for it (R16)
// and having accepted the charte (R23).
func browserRegisters(t *testing.T, s *testServer, centre, titleID string, jurors [][2]string) {
	t.Helper()
	ctx := context.Background()
	c := newRESTClient(s.base, nil)
	run := randomSuffix()
	ministry := s.mustToken(t, "ministry", "dreets-"+run, "")
	title := &certificationv1.GetTitleResponse{}
	must(t, c.call(ctx, "anyone", "", "GET", "/v1/titles/"+titleID, nil, title))
	today := time.Now().UTC()
	from, to := today.AddDate(-1, 0, 0).Format(time.DateOnly), today.AddDate(2, 0, 0).Format(time.DateOnly)
	must(t, c.call(ctx, "ministry", ministry, "POST", "/v1/agrements", &certificationv1.Agrement{
		Id: "AGR-" + run, CentreId: centre, TitleId: titleID, TitleVersion: title.GetTitle().GetVersion(),
		Site: workflowSite, ValidFrom: from, ValidTo: to,
	}, nil))
	// The assessment service learns the agrément from its event: a probe
	// that plans nothing (a CCP the title does not have) is refused for
	// the agrément until then, for the CCP after.
	probe := s.mustToken(t, "centre", "probe-"+run, centre)
	day := today.Format(time.DateOnly)
	must(t, waitFor(ctx, "the agrément to reach the assessment service", func() (bool, error) {
		err := c.call(ctx, "centre", probe, "POST", "/v1/sessions", &assessmentv1.Session{
			Type: assessmentv1.SessionType_SESSION_TYPE_CCP, TitleId: titleID, TitleVersion: title.GetTitle().GetVersion(),
			CcpCodes: []string{"NO-SUCH-CCP"}, Site: workflowSite, StartDate: day, EndDate: day,
		}, nil)
		return reasonOf(err) != "AGREMENT_MISSING", nil
	}))
	for i, j := range jurors {
		must(t, c.call(ctx, "ministry", ministry, "POST", "/v1/habilitations", &certificationv1.Habilitation{
			Number: fmt.Sprintf("HAB-%s-%d", run, i+1), JurorSubject: j[0], JurorName: j[1], JurorEmail: fmt.Sprintf("jure-%s-%d@example.org", run, i+1),
			TitleId: titleID, ValidFrom: from, ValidTo: to,
			Category: certificationv1.HabilitationCategory_HABILITATION_CATEGORY_PROFESSIONAL, ExperienceYears: 7,
		}, nil))
		must(t, c.call(ctx, "juror", s.mustToken(t, "juror", j[0], ""), "POST", "/v1/jurors/me:acceptCharter",
			&certificationv1.AcceptCharterRequest{}, nil))
	}
}

// centreChooseJuror picks, in the jury form, the juror of the register
// whose option starts with name, as the person picks it in the list.
func centreChooseJuror(tab *browsertest.Tab, name string) {
	tab.Eval(fmt.Sprintf(`(s => { const o = Array.from(s.options).find(o => o.textContent.trim().startsWith(%q));
  if (o) { s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true})); } })(document.getElementById("hab-numero"))`, name), nil)
}

// centreAddJurorInTheBrowser sends the jury form until the page says want:
// a juror just recorded by the DREETS reaches the assessment service a
// moment later (until then the refusal names R16 or R23).
func centreAddJurorInTheBrowser(t *testing.T, tab *browsertest.Tab, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		tab.Follow("Ajouter le juré au jury")
		if strings.Contains(tab.MainText(), want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the jury form never said %q:\n%s", want, tab.MainText())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
