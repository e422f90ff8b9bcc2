package natsauth_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/natsauth"
)

func TestPermissionsFor(t *testing.T) {
	t.Parallel()
	for _, name := range natsauth.Services() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p, err := natsauth.PermissionsFor(name)
			require.NoError(t, err)
			require.Equal(t, []string{"_INBOX_" + name + ".>"}, p.Subscribe, "replies to its own inbox only")
			for _, s := range p.Publish {
				if strings.HasPrefix(s, "titrepro.") {
					require.Equal(t, "titrepro."+name+".v1.>", s, "a service publishes its own events only")
				}
				require.NotContains(t, s, "*", "no wildcard but the trailing one of a subtree")
				for _, forbidden := range []string{".DELETE.", ".PURGE.", ".MSG.GET.", "DIRECT.GET"} {
					require.NotContains(t, s, forbidden)
				}
				if strings.HasPrefix(s, "$JS.API.STREAM.UPDATE.") {
					require.Equal(t, "$JS.API.STREAM.UPDATE.TITREPRO_"+strings.ToUpper(name), s, "only the owner changes a stream")
				}
			}
		})
	}
	t.Run("ministry reads the certification stream through its durable", func(t *testing.T) {
		t.Parallel()
		p, err := natsauth.PermissionsFor(natsauth.Ministry)
		require.NoError(t, err)
		require.Equal(t, []string{"_INBOX_ministry.>"}, p.Subscribe)
		for _, s := range p.Publish {
			require.False(t, strings.HasPrefix(s, "titrepro."), "ministry publishes no event: %s", s)
			if !strings.HasPrefix(s, "$JS.API.STREAM.INFO.") {
				require.Contains(t, s, "TITREPRO_CERTIFICATION.ministry", s)
			}
		}
		require.Contains(t, p.Publish, "$JS.API.STREAM.INFO.TITREPRO_CERTIFICATION")
	})
	t.Run("admin may do everything", func(t *testing.T) {
		t.Parallel()
		p, err := natsauth.PermissionsFor(natsauth.Admin)
		require.NoError(t, err)
		require.Nil(t, p)
	})
	t.Run("unknown identity", func(t *testing.T) {
		t.Parallel()
		_, err := natsauth.PermissionsFor("gateway")
		require.ErrorContains(t, err, "unknown identity")
	})
}

func TestNames(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"assessment", "candidate", "certification", "portfolio"}, natsauth.Services())
	names := natsauth.Names()
	require.True(t, slices.Contains(names, natsauth.Ministry) && slices.Contains(names, natsauth.Admin))
}
