package auth_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/apperr"
	"github.com/titrepro/titrepro/internal/auth"
)

func TestParseRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    auth.Role
		wantErr bool
	}{
		{"candidate", auth.RoleCandidate, false},
		{"juror", auth.RoleJuror, false},
		{"centre", auth.RoleCentre, false},
		{"ministry", auth.RoleMinistry, false},
		{"admin", auth.RoleAdmin, false},
		{"Admin", "", true},
		{"", "", true},
		{"center", "", true},
	}
	for _, tt := range tests {
		got, err := auth.ParseRole(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseRole(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestPrincipalRoles(t *testing.T) {
	t.Parallel()
	p := auth.Principal{Subject: "s", Roles: []auth.Role{auth.RoleJuror, auth.RoleCentre}}
	require.True(t, p.Has(auth.RoleJuror))
	require.False(t, p.Has(auth.RoleAdmin))
	require.True(t, p.HasAny(auth.RoleAdmin, auth.RoleCentre))
	require.False(t, p.HasAny(auth.RoleAdmin, auth.RoleMinistry))
	require.False(t, p.HasAny())
}

func TestRequire(t *testing.T) {
	t.Parallel()
	_, err := auth.Require(context.Background())
	require.True(t, errors.Is(err, auth.ErrUnauthenticated))
	require.Equal(t, apperr.KindUnauthenticated, apperr.KindOf(err))

	want := auth.Principal{Subject: "s", Roles: []auth.Role{auth.RoleAdmin}}
	ctx := auth.WithPrincipal(context.Background(), want)
	got, err := auth.Require(ctx)
	require.NoError(t, err)
	require.Equal(t, want, got)
	fromCtx, ok := auth.FromContext(ctx)
	require.True(t, ok)
	require.Equal(t, want, fromCtx)
}
