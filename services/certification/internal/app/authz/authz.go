// Package authz holds the access rules of the certification context, on
// top of the coarse roles of the token:
//
//   - anyone, even without a token: the published catalogue of titles and
//     the verification of a certificate by its number;
//   - ministry: publishes title versions, validates the signed minutes
//     (R51), withdraws awards (R59) and records appeals (R60), keeps
//     the registers of agréments and habilitations, reads
//     every result, record, certificate and register entry;
//   - admin: an operator role: reads what the ministry reads, changes
//     nothing;
//   - candidate: reads its own record and certificates (those of the
//     candidate records bound to its subject), and the appeals against
//     its own decisions;
//   - centre: its own sessions' results and result sheets, its own
//     agréments, and the juror register without the jurors' private
//     details (to compose its juries);
//   - juror: their own habilitations, and accepts the charte (R23).
package authz

import (
	"github.com/titrepro/titrepro/internal/auth"
)

// ReadsAll reports whether p reads every result, record and certificate.
func ReadsAll(p auth.Principal) bool { return p.HasAny(auth.RoleMinistry, auth.RoleAdmin) }

// Publishes reports whether p may publish title versions: the ministry
// only.
func Publishes(p auth.Principal) bool { return p.Has(auth.RoleMinistry) }

// Validates reports whether p may validate signed minutes (R51): the
// ministry only.
func Validates(p auth.Principal) bool { return p.Has(auth.RoleMinistry) }

var (
	staffRead = auth.Grants(auth.All(auth.RoleMinistry, auth.RoleAdmin))
	ownRead   = auth.Grants(auth.Own(auth.RoleCandidate), auth.All(auth.RoleMinistry, auth.RoleAdmin))
	ministry  = auth.Grants(auth.All(auth.RoleMinistry))
	// centreRead: the ministry and admins read every result (or agrément),
	// a centre its own sessions' (issue 8 §7) or its own agréments.
	centreRead = auth.Grants(auth.Own(auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin))
	jurorOwn   = auth.Grants(auth.Own(auth.RoleJuror), auth.All(auth.RoleCentre, auth.RoleMinistry, auth.RoleAdmin))
	jurorSelf  = auth.Grants(auth.Own(auth.RoleJuror))
	jurorRead  = auth.Grants(auth.Own(auth.RoleJuror), auth.All(auth.RoleMinistry, auth.RoleAdmin))
)

// Table is the certification service's access table: for every RPC, the
// roles that may call it and the ownership rule that narrows them. The
// functions of this package implement it; docs/authorisation.md shows it
// and the all-in-one's matrix test checks the running service against it.
var Table = auth.AccessTable{
	Service: "titrepro.certification.v1.CertificationService",
	Rows: []auth.Access{
		{RPC: "ListTitles", Public: true, Owner: "published reference data"},
		{RPC: "GetTitle", Public: true, Owner: "published reference data"},
		{RPC: "ImportTitle", Roles: ministry, Owner: "ministry only (admin is read-only)"},
		{RPC: "GetRecord", Roles: ownRead, Owner: "the record of a candidate record bound to the caller's subject"},
		{RPC: "ListResults", Roles: centreRead, Owner: "every result; a centre's list is narrowed to its own sessions"},
		{RPC: "GetResult", Roles: centreRead, Owner: "every result; a centre its own sessions' results"},
		{RPC: "ValidateResult", Roles: ministry, Owner: "ministry only (R51)"},
		{RPC: "ReturnResult", Roles: ministry, Owner: "ministry only (R51)"},
		{RPC: "GetResultSheetPdf", Roles: auth.Grants(auth.Own(auth.RoleCandidate), auth.Own(auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin)),
			Owner: "the candidate's own candidacies; the candidacies of the centre's sessions; once validated (R51)"},
		{RPC: "GetCertificate", Roles: ownRead, Owner: "the certificates of the candidate records bound to the caller's subject"},
		{RPC: "GetParchment", Roles: ownRead, Owner: "the parchment of the caller's own certificates; a revoked certificate is not printed"},
		{RPC: "ListCertificateCredentials", Roles: ownRead, Owner: "the verifiable credentials of the caller's own certificates; none for a certificate no longer in force"},
		{RPC: "GetCertificateCredential", Roles: ownRead, Owner: "one verifiable credential of the caller's own certificates"},
		{RPC: "GetIssuerDid", Public: true, Owner: "anyone: the did:web document whose keys verify the credentials"},
		{RPC: "GetCredentialStatusList", Public: true, Owner: "anyone: the status list verifiers read (revoked and withdrawn awards)"},
		{RPC: "VerifyCertificate", Public: true, Owner: "anyone holding a certificate number"},
		{RPC: "GetCertificateKeys", Public: true, Owner: "anyone: the public keys that verify certificates offline"},
		{RPC: "ListCertificates", Roles: ownRead, Owner: "narrowed to the caller's certificates"},
		{RPC: "GrantAgrement", Roles: ministry, Owner: "ministry only (R8–R11)"},
		{RPC: "GetAgrement", Roles: centreRead, Owner: "a centre its own agréments"},
		{RPC: "ListAgrements", Roles: centreRead, Owner: "narrowed to the centre's own agréments"},
		{RPC: "WithdrawAgrement", Roles: ministry, Owner: "ministry only"},
		{RPC: "GrantHabilitation", Roles: ministry, Owner: "ministry only (R16–R18, R20)"},
		{RPC: "GetHabilitation", Roles: jurorOwn, Owner: "a juror their own; centres read the register without the juror's private details"},
		{RPC: "ListHabilitations", Roles: jurorOwn, Owner: "narrowed to the juror's own; centres read the register without the juror's private details"},
		{RPC: "WithdrawHabilitation", Roles: ministry, Owner: "ministry only"},
		{RPC: "AcceptCharter", Roles: jurorSelf, Owner: "the juror themselves (R23)"},
		{RPC: "GetJurorCharter", Roles: jurorRead, Owner: "the juror themselves (R23)"},
		{RPC: "ExportCpfDeposit", Roles: ministry, Owner: "ministry only (R56; admin is read-only)"},
		{RPC: "AcknowledgeCpfDeposit", Roles: ministry, Owner: "ministry only (R56; admin is read-only)"},
		{RPC: "ListLateCpfDeposits", Roles: staffRead, Owner: "every titre past the day-80 alert (R56)"},
		{RPC: "WithdrawCertificate", Roles: ministry, Owner: "ministry only: the territorial authority's decision (R59; admin is read-only)"},
		{RPC: "FileAppeal", Roles: ministry, Owner: "ministry only (R60–R61; admin is read-only)"},
		{RPC: "DecideAppeal", Roles: ministry, Owner: "ministry only (R60; admin is read-only)"},
		{RPC: "GetAppeal", Roles: ownRead, Owner: "the appeals against the decisions of the candidate records bound to the caller's subject"},
		{RPC: "ListAppeals", Roles: ownRead, Owner: "narrowed to the appeals against the caller's own decisions"},
	},
}
