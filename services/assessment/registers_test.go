package assessment_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
)

// TestService_Registers plans sessions and composes juries against the
// projection of the ministry's registers (publishRegisters).
func TestService_Registers(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	e.publishTitle(t)
	create := func(s *assessmentv1.Session) (string, error) {
		resp, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: s}, e.as(t, centre))
		return resp.GetSession().GetId(), err
	}
	ccpSession := func() *assessmentv1.Session {
		s := titreSession()
		s.Type, s.CcpCodes = assessmentv1.SessionType_SESSION_TYPE_CCP, []string{"CCP1"}
		return s
	}

	t.Run("R8: a session at a site the centre is not approved for is refused", func(t *testing.T) {
		s := titreSession()
		s.Site = "AFPA Grenoble"
		_, err := create(s)
		requireStatus(t, err, codes.FailedPrecondition, "AGREMENT_MISSING", "R8")
	})
	t.Run("R8: a session after the agrément's end is refused", func(t *testing.T) {
		s := titreSession()
		s.StartDate, s.EndDate, s.DossierDeadline = "2027-12-31", "2028-01-02", ""
		_, err := create(s)
		requireStatus(t, err, codes.FailedPrecondition, "AGREMENT_MISSING", "R8")
	})
	titreID, err := create(titreSession())
	require.NoError(t, err, "R8: the site is named ignoring case and spaces")
	t.Run("R11: the same agrément covers a CCP session", func(t *testing.T) {
		_, err := create(ccpSession())
		require.NoError(t, err)
	})
	ccpID, err := create(ccpSession())
	require.NoError(t, err)

	add := func(sessionID string, j *assessmentv1.Juror) (*assessmentv1.AddJurorResponse, error) {
		return e.client.AddJuror(ctx, &assessmentv1.AddJurorRequest{SessionId: sessionID, Juror: j}, e.as(t, centre))
	}
	t.Run("R16: a habilitation number the register does not hold is refused", func(t *testing.T) {
		j := jurorMsg("juror-6")
		j.Habilitation.Number = "HAB-TYPED-BY-THE-CENTRE"
		_, err := add(titreID, j)
		requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_UNKNOWN", "R16")
	})
	t.Run("R16: another juror's habilitation is refused", func(t *testing.T) {
		j := jurorMsg("juror-6")
		j.Habilitation.Number = "HAB-juror-7"
		_, err := add(titreID, j)
		requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_OF_ANOTHER_JUROR", "R16")
	})
	t.Run("R16: the register, not the request, says the habilitation's title, dates and the juror's name", func(t *testing.T) {
		j := jurorMsg("juror-6")
		j.DisplayName = "Typed name"
		j.Habilitation.TitleId, j.Habilitation.ValidFrom, j.Habilitation.ValidTo = "TP-99999", "2000-01-01", "2099-12-31"
		resp, err := add(titreID, j)
		require.NoError(t, err)
		got := resp.GetJuror()
		require.Equal(t, "Juror juror-6", got.GetDisplayName())
		require.Equal(t, "TP-00495", got.GetHabilitation().GetTitleId())
		require.Equal(t, "2025-01-01", got.GetHabilitation().GetValidFrom())
		require.Equal(t, "2027-12-31", got.GetHabilitation().GetValidTo())
	})
	t.Run("R20: a trainer may sit in a session titre, not in a CCP session", func(t *testing.T) {
		_, err := add(ccpID, jurorMsg(trainerJuror))
		requireStatus(t, err, codes.FailedPrecondition, "JUROR_TRAINER_IN_CCP_SESSION", "R20")
		_, err = add(titreID, jurorMsg(trainerJuror))
		require.NoError(t, err)
	})
	t.Run("R23: a juror who has not accepted the charte is refused, then accepted", func(t *testing.T) {
		_, err := add(titreID, jurorMsg(newJuror))
		requireStatus(t, err, codes.FailedPrecondition, "CHARTER_NOT_ACCEPTED", "R23")
		e.publish(t, "certification", "titrepro.certification.v1.juror_charter_accepted", "assessment_registers",
			&certificationv1.JurorCharterAccepted{EventId: "charter-new", Acceptance: &certificationv1.CharterAcceptance{
				JurorSubject: newJuror, CharterVersion: "1", AcceptTime: timestamppb.Now()}}, "jurors/"+newJuror)
		_, err = add(titreID, jurorMsg(newJuror))
		require.NoError(t, err)
	})
	t.Run("R16: a withdrawn habilitation is refused; an older event does not restore it", func(t *testing.T) {
		h := &certificationv1.Habilitation{Number: "HAB-juror-8", JurorSubject: "juror-8", JurorName: "Juror juror-8",
			TitleId: "TP-00495", ValidFrom: "2025-01-01", ValidTo: "2027-12-31",
			State: certificationv1.RegisterState_REGISTER_STATE_WITHDRAWN, WithdrawalReason: "radiation", Version: 2}
		e.publish(t, "certification", "titrepro.certification.v1.habilitation_withdrawn", "assessment_registers",
			&certificationv1.HabilitationWithdrawn{EventId: "withdraw-8", Habilitation: h}, "habilitations/HAB-juror-8")
		old := &certificationv1.Habilitation{Number: "HAB-juror-8", JurorSubject: "juror-8", JurorName: "Juror juror-8",
			TitleId: "TP-00495", ValidFrom: "2025-01-01", ValidTo: "2027-12-31",
			State: certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: 1}
		e.publish(t, "certification", "titrepro.certification.v1.habilitation_granted", "assessment_registers",
			&certificationv1.HabilitationGranted{EventId: "regrant-8", Habilitation: old}, "habilitations/HAB-juror-8")
		_, err := add(titreID, jurorMsg("juror-8"))
		requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_WITHDRAWN", "R16")
	})
	t.Run("R16: a habilitation withdrawn after the jury was composed keeps the session closed", func(t *testing.T) {
		for _, j := range []string{"juror-1", "juror-9"} {
			_, err := add(ccpID, jurorMsg(j))
			require.NoError(t, err)
		}
		e.publish(t, "certification", "titrepro.certification.v1.habilitation_withdrawn", "assessment_registers",
			&certificationv1.HabilitationWithdrawn{EventId: "withdraw-9", Habilitation: &certificationv1.Habilitation{
				Number: "HAB-juror-9", JurorSubject: "juror-9", JurorName: "Juror juror-9", TitleId: "TP-00495",
				ValidFrom: "2025-01-01", ValidTo: "2027-12-31", State: certificationv1.RegisterState_REGISTER_STATE_WITHDRAWN,
				WithdrawalReason: "radiation", Version: 2}}, "habilitations/HAB-juror-9")
		_, err := e.client.OpenSession(ctx, &assessmentv1.OpenSessionRequest{SessionId: ccpID}, e.as(t, centre))
		requireStatus(t, err, codes.FailedPrecondition, "HABILITATION_WITHDRAWN", "R16")
	})
	t.Run("R8: a withdrawn agrément refuses new sessions", func(t *testing.T) {
		e.publish(t, "certification", "titrepro.certification.v1.agrement_withdrawn", "assessment_registers",
			&certificationv1.AgrementWithdrawn{EventId: "withdraw-agr", Agrement: &certificationv1.Agrement{
				Id: "AGR-TEST-1", CentreId: centre.Centre, TitleId: "TP-00495", TitleVersion: "2008", Site: registerSite,
				ValidFrom: "2025-01-01", ValidTo: "2027-12-31", State: certificationv1.RegisterState_REGISTER_STATE_WITHDRAWN,
				WithdrawalReason: "fermeture du plateau technique", Version: 2}}, "agrements/AGR-TEST-1")
		_, err := create(titreSession())
		requireStatus(t, err, codes.FailedPrecondition, "AGREMENT_MISSING", "R8")
	})
}

// TestService_TitleValidity plans sessions on a title version that ended
// (R6).
func TestService_TitleValidity(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	e.publishTitle(t)
	ccp := []*certificationv1.Ccp{{Code: "CCP1", Competences: []*certificationv1.Competence{{Code: "CCP1-C1"}}}}
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", "assessment_titles",
		&certificationv1.TitleVersionPublished{EventId: "title-old", Title: &certificationv1.Title{
			Id: "TP-00495", Version: "2001", ValidFrom: "2001-01-01", ValidTo: "2025-12-31", Ccps: ccp}}, "titles/TP-00495")
	e.publish(t, "certification", "titrepro.certification.v1.agrement_granted", "assessment_registers",
		&certificationv1.AgrementGranted{EventId: "agr-old", Agrement: &certificationv1.Agrement{
			Id: "AGR-OLD", CentreId: centre.Centre, TitleId: "TP-00495", TitleVersion: "2001", Site: registerSite,
			ValidFrom: "2020-01-01", ValidTo: "2027-12-31", State: certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: 1}},
		"agrements/AGR-OLD")
	s := titreSession()
	s.TitleVersion = "2001"
	_, err := e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: s}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "TITLE_EXPIRED", "R6")

	// A version that ends in ten days: a session declared now may be held
	// in the délai de prolongation, under an agrément that runs to the
	// title's end (R6, R9); not after the délai.
	today := time.Now().UTC()
	end := today.AddDate(0, 0, 10).Format(time.DateOnly)
	e.publish(t, "certification", "titrepro.certification.v1.title_version_published", "assessment_titles",
		&certificationv1.TitleVersionPublished{EventId: "title-ending", Title: &certificationv1.Title{
			Id: "TP-00495", Version: "2019", ValidFrom: "2019-01-01", ValidTo: end, Ccps: ccp}}, "titles/TP-00495")
	e.publish(t, "certification", "titrepro.certification.v1.agrement_granted", "assessment_registers",
		&certificationv1.AgrementGranted{EventId: "agr-ending", Agrement: &certificationv1.Agrement{
			Id: "AGR-ENDING", CentreId: centre.Centre, TitleId: "TP-00495", TitleVersion: "2019", Site: registerSite,
			ValidFrom: "2020-01-01", ValidTo: end, State: certificationv1.RegisterState_REGISTER_STATE_GRANTED, Version: 1}},
		"agrements/AGR-ENDING")
	later := titreSession()
	later.TitleVersion = "2019"
	later.StartDate, later.EndDate, later.DossierDeadline = today.AddDate(0, 3, 0).Format(time.DateOnly), today.AddDate(0, 3, 1).Format(time.DateOnly), ""
	_, err = e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: later}, e.as(t, centre))
	require.NoError(t, err, "R6: a session declared before the end, held in the délai de prolongation")
	later.StartDate, later.EndDate = today.AddDate(1, 1, 0).Format(time.DateOnly), today.AddDate(1, 1, 0).Format(time.DateOnly)
	_, err = e.client.CreateSession(ctx, &assessmentv1.CreateSessionRequest{Session: later}, e.as(t, centre))
	requireStatus(t, err, codes.FailedPrecondition, "TITLE_EXPIRED", "R6")
}
