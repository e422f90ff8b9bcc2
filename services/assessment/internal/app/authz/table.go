package authz

import "github.com/titrepro/titrepro/internal/auth"

// The grants the assessment rows share.
var (
	organiser   = auth.Grants(auth.Own(auth.RoleCentre))
	juror       = auth.Grants(auth.Own(auth.RoleJuror))
	sessionRead = auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleJuror, auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin))
	juryRead    = auth.Grants(auth.Own(auth.RoleJuror, auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin))
)

// Table is the assessment service's access table: for every RPC, the roles
// that may call it and the ownership rule that narrows them. The functions
// of this package implement it; docs/authorisation.md shows it and the
// all-in-one's matrix test checks the running service against it.
var Table = auth.AccessTable{
	Service: "titrepro.assessment.v1.AssessmentService",
	Rows: []auth.Access{
		{RPC: "CreateSession", Roles: organiser, Owner: "for the centre of the token"},
		{RPC: "GetSession", Roles: sessionRead, Owner: ownSession},
		{RPC: "ListSessions", Roles: sessionRead, Owner: ownSession + "; a list shows only those"},
		{RPC: "OpenSession", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "UpdateSession", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "PostponeSession", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "CancelSession", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "AddJuror", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "ListJurors", Roles: juryRead, Owner: "the centre's sessions; the sessions the juror sits on"},
		{RPC: "RemoveJuror", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "DeclareJurorLinks", Roles: juror,
			Owner: "the juror's own links on the sessions it sits on; not another juror's, not the centre (ListJurors shows them to the centre, ministry and admin)"},
		{RPC: "CreateCandidacy", Roles: organiser,
			Owner: "the centre's sessions, for a candidate record the centre registered or one that registered itself"},
		{RPC: "GetCandidacy", Roles: sessionRead, Owner: ownCandidacy},
		{RPC: "ListCandidacies", Roles: sessionRead, Owner: ownCandidacy + "; a list shows only those"},
		{RPC: "GetEvaluation", Roles: auth.Grants(auth.Own(auth.RoleJuror), auth.All(auth.RoleMinistry, auth.RoleAdmin)),
			Owner: "a juror's own evaluation, not on a candidacy it is recused from (R21)"},
		{RPC: "GetSessionProgress", Roles: juryRead,
			Owner: "the centre's sessions; the sessions the juror sits on, without the candidacies it is recused from (R21); counts and states, never a verdict"},
		{RPC: "UpdateEvaluation", Roles: juror, Owner: "a juror's own evaluation, not on a candidacy it is recused from (R21)"},
		{RPC: "DeliberateCandidacy", Roles: juror, Owner: "the sessions the juror sits on, not on a candidacy it is recused from (R21)"},
		{RPC: "GetMinutes", Roles: juryRead, Owner: "the centre's sessions; the sessions the juror sits on"},
		{RPC: "SignMinutes", Roles: juror, Owner: "the sessions the juror sits on"},
		{RPC: "ListMinutesVersions", Roles: juryRead, Owner: "the centre's sessions; the sessions the juror sits on"},
		{RPC: "GetMinutesPdf", Roles: juryRead, Owner: "the centre's sessions; the sessions the juror sits on"},
		{RPC: "WithdrawCandidacy", Roles: auth.Grants(auth.Own(auth.RoleCentre, auth.RoleCandidate)),
			Owner: "the candidacies of the centre's sessions; the candidate's own candidacies"},
		{RPC: "TransferCandidacy", Roles: organiser, Owner: "the centre's sessions, to another of its sessions"},
		{RPC: "RecordAttendance", Roles: auth.Grants(auth.Own(auth.RoleCentre, auth.RoleJuror)),
			Owner: "the centre's sessions; the sessions the juror sits on, not on a candidacy it is recused from (R21)"},
		{RPC: "RecordAdjustment", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "RecordEcfResults", Roles: organiser, Owner: "the centre's sessions"},
		{RPC: "CreateFraudReport", Roles: auth.Grants(auth.Own(auth.RoleCentre, auth.RoleJuror)),
			Owner: "the centre's sessions (the responsable de session); the sessions the juror sits on, not on a candidacy it is recused from (R21)"},
		{RPC: "ListFraudReports", Roles: juryRead, Owner: "the centre's sessions; the sessions the juror sits on"},
	},
}

const (
	ownSession   = "the centre's sessions; the sessions the juror sits on; the sessions the candidate has a candidacy in"
	ownCandidacy = "the candidacies of the centre's sessions; of the sessions the juror sits on, except those it is recused from (R21); " +
		"the candidate's own candidacies (without the jury's decision)"
)
