package auth

import "fmt"

// Role is a coarse permission carried by an access token in its "roles"
// claim. Resource-level rules (which centre, which session) are checked by the
// services on top of it.
type Role string

// The roles of the platform.
const (
	RoleCandidate Role = "candidate"
	RoleJuror     Role = "juror"
	RoleCentre    Role = "centre"
	RoleMinistry  Role = "ministry"
	RoleAdmin     Role = "admin"
)

// ParseRole returns the Role named s, or an error when s is not a role of the
// platform. Matching is exact: "Admin" is not a role.
func ParseRole(s string) (Role, error) {
	switch r := Role(s); r {
	case RoleCandidate, RoleJuror, RoleCentre, RoleMinistry, RoleAdmin:
		return r, nil
	default:
		return "", fmt.Errorf("unknown role %q", s)
	}
}
