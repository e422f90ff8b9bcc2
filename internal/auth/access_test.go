package auth_test

import (
	"slices"
	"testing"

	"github.com/titrepro/titrepro/internal/auth"
)

func TestAccessTable(t *testing.T) {
	t.Parallel()
	table := auth.AccessTable{Service: "pkg.S", Rows: []auth.Access{
		{RPC: "Open", Public: true},
		{RPC: "Read", Roles: auth.Grants(auth.Own(auth.RoleCandidate), auth.All(auth.RoleMinistry))},
		{RPC: "Gone"},
	}}
	read, _ := table.Row("Read")
	for role, want := range map[auth.Role]auth.Reach{
		auth.RoleCandidate: auth.ReachOwn, auth.RoleMinistry: auth.ReachAll, auth.RoleAdmin: auth.ReachNone,
	} {
		if got := read.ReachOf(role); got != want {
			t.Errorf("Read: %s reaches %s; want %s", role, got, want)
		}
	}
	open, _ := table.Row("Open")
	if open.ReachOf(auth.RoleJuror) != auth.ReachAll {
		t.Error("a public RPC must reach every role")
	}
	if got := table.PublicMethods(); !slices.Equal(got, []string{"/pkg.S/Open"}) {
		t.Errorf("PublicMethods() = %v", got)
	}
	missing, stale := table.Mismatch([]string{"Open", "Read", "New"})
	if !slices.Equal(missing, []string{"New"}) || !slices.Equal(stale, []string{"Gone"}) {
		t.Errorf("Mismatch() = %v, %v; want [New], [Gone]", missing, stale)
	}
}
