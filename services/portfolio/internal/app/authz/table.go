package authz

import "github.com/titrepro/titrepro/internal/auth"

// The grants the portfolio rows share.
var (
	ownerOnly  = auth.Grants(auth.Own(auth.RoleCandidate))
	draftRead  = auth.Grants(auth.Own(auth.RoleCandidate), auth.All(auth.RoleMinistry, auth.RoleAdmin))
	submitRead = auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleCentre, auth.RoleJuror), auth.All(auth.RoleMinistry, auth.RoleAdmin))
)

// Table is the portfolio service's access table: for every RPC, the roles
// that may call it and the ownership rule that narrows them. The functions
// of this package implement it; docs/authorisation.md shows it and the
// all-in-one's matrix test checks the running service against it.
var Table = auth.AccessTable{
	Service: "titrepro.portfolio.v1.PortfolioService",
	Rows: []auth.Access{
		{RPC: "CreateDossier", Roles: ownerOnly, Owner: "for the candidate record bound to the caller's subject"},
		{RPC: "GetDossier", Roles: draftRead, Owner: "the owner's dossiers (drafts are never shown to centres or jurors)"},
		{RPC: "ListDossiers", Roles: draftRead, Owner: "narrowed to the owner's dossiers"},
		{RPC: "UpdateDossier", Roles: ownerOnly, Owner: "the owner's dossiers"},
		{RPC: "UploadDocument", Roles: ownerOnly, Owner: "the owner's dossiers"},
		{RPC: "DeleteDocument", Roles: ownerOnly, Owner: "the owner's dossiers"},
		{RPC: "SubmitDossier", Roles: ownerOnly,
			Owner: "the owner's dossier, onto a candidacy of the owner's candidate record in a session of the dossier's title version"},
		{RPC: "DownloadDocument", Roles: submitRead, Owner: snapshotOwner + " (a draft's documents: the owner only)"},
		{RPC: "GetSnapshot", Roles: submitRead, Owner: snapshotOwner},
		{RPC: "ListSnapshots", Roles: submitRead, Owner: snapshotOwner + "; a list shows only those"},
	},
}

const snapshotOwner = "the owner's snapshots; the snapshots submitted to the centre's sessions; " +
	"the snapshots submitted to a session the juror sits on, except for a candidacy the juror is recused from (R21)"
