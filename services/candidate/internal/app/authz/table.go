package authz

import "github.com/titrepro/titrepro/internal/auth"

// Table is the candidate service's access table: for every RPC, the roles
// that may call it and the ownership rule that narrows them. The functions
// of this package implement it; docs/authorisation.md shows it and the
// all-in-one's matrix test checks the running service against it.
var Table = auth.AccessTable{
	Service: "titrepro.candidate.v1.CandidateService",
	Rows: []auth.Access{
		{RPC: "CreateCandidate", Roles: auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleCentre)),
			Owner: "a candidate creates the one record bound to its subject; a centre creates records for the centre of its token"},
		{RPC: "GetCandidate", Roles: auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin)),
			Owner: "the record bound to the candidate's subject; the records the centre registered"},
		{RPC: "ListCandidates", Roles: auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleCentre), auth.All(auth.RoleMinistry, auth.RoleAdmin)),
			Owner: "narrowed to the caller's own record (candidate) or the centre's records (centre)"},
		{RPC: "UpdateCandidate", Roles: auth.Grants(auth.Own(auth.RoleCandidate, auth.RoleCentre)),
			Owner: "the record bound to the candidate's subject; the records the centre registered"},
		{RPC: "CreateSanction", Roles: auth.Grants(auth.All(auth.RoleMinistry)),
			Owner: "any candidate: the ministry (DREETS) pronounces sanctions (R58)"},
		{RPC: "ListSanctions", Roles: auth.Grants(auth.Own(auth.RoleCandidate), auth.All(auth.RoleMinistry, auth.RoleAdmin)),
			Owner: "the candidate's own sanctions; not the centre's candidates (a refused registration tells the centre of a ban)"},
	},
}
