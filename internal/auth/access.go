package auth

import "slices"

// Reach is how far a role reaches through one RPC.
type Reach int

// The reaches, narrowest first.
const (
	// ReachNone: the role is refused.
	ReachNone Reach = iota
	// ReachOwn: the role reaches only the resources that the row's
	// ownership rule ties to the caller (its own record, its centre's
	// sessions, the sessions it sits on…); for a list, the list is
	// narrowed to them; for a create, it creates only for itself.
	ReachOwn
	// ReachAll: the role reaches every resource.
	ReachAll
)

func (r Reach) String() string {
	switch r {
	case ReachOwn:
		return "own"
	case ReachAll:
		return "all"
	default:
		return "none"
	}
}

// Access is one row of a service's access table: who may call an RPC and
// on which resources. Each service keeps its table in its
// internal/app/authz package; the rules there implement it, the service's
// tests check that every RPC has a row, and the all-in-one's matrix test
// calls every REST route as every role and compares the answers with the
// table.
type Access struct {
	RPC    string         // method name, e.g. "GetCandidate"
	Public bool           // callable without a token (and then by every role)
	Roles  map[Role]Reach // roles not listed are refused
	Owner  string         // the ownership rule, in words
}

// ReachOf returns how far role reaches through the row's RPC.
func (a Access) ReachOf(role Role) Reach {
	if a.Public {
		return ReachAll
	}
	return a.Roles[role]
}

// AccessTable is a service's access table, one row per RPC.
type AccessTable struct {
	Service string // full service name, e.g. "titrepro.candidate.v1.CandidateService"
	Rows    []Access
}

// Row returns the row of rpc.
func (t AccessTable) Row(rpc string) (Access, bool) {
	i := slices.IndexFunc(t.Rows, func(a Access) bool { return a.RPC == rpc })
	if i < 0 {
		return Access{}, false
	}
	return t.Rows[i], true
}

// PublicMethods returns the full method names ("/pkg.Service/Method") of
// the public rows: what the gRPC server lets through without a token.
func (t AccessTable) PublicMethods() []string {
	var out []string
	for _, a := range t.Rows {
		if a.Public {
			out = append(out, "/"+t.Service+"/"+a.RPC)
		}
	}
	return out
}

// Roles lists the roles of the platform, for tables and tests that walk
// them all.
var Roles = []Role{RoleCandidate, RoleJuror, RoleCentre, RoleMinistry, RoleAdmin}

// Grant gives some roles one reach; Grants assembles a row's Roles.
type Grant struct {
	roles []Role
	reach Reach
}

// Own grants rs ReachOwn.
func Own(rs ...Role) Grant { return Grant{rs, ReachOwn} }

// All grants rs ReachAll.
func All(rs ...Role) Grant { return Grant{rs, ReachAll} }

// Grants returns the Roles of a row from its grants.
func Grants(gs ...Grant) map[Role]Reach {
	m := map[Role]Reach{}
	for _, g := range gs {
		for _, r := range g.roles {
			m[r] = g.reach
		}
	}
	return m
}

// Mismatch lists the RPCs of methods (a service's method names) without a
// row, and the rows naming no RPC of methods: both must be empty, so that a
// new RPC cannot ship without its rule.
func (t AccessTable) Mismatch(methods []string) (missing, stale []string) {
	for _, m := range methods {
		if _, ok := t.Row(m); !ok {
			missing = append(missing, m)
		}
	}
	for _, a := range t.Rows {
		if !slices.Contains(methods, a.RPC) {
			stale = append(stale, a.RPC)
		}
	}
	return missing, stale
}
