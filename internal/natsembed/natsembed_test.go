package natsembed_test

import (
	"net"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/titrepro/titrepro/internal/natsauth"
	"github.com/titrepro/titrepro/internal/natsembed"
)

func users(t *testing.T) []natsauth.User {
	t.Helper()
	c, err := natsauth.Generate()
	require.NoError(t, err)
	u, err := c.Users()
	require.NoError(t, err)
	return u
}

func TestStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s, err := natsembed.Start(natsembed.Options{StoreDir: dir, Port: -1, NoLog: true, Users: users(t)})
	require.NoError(t, err)
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })

	require.True(t, s.JetStreamEnabled())
	cfg := s.JetStreamConfig()
	require.NotNil(t, cfg)
	require.True(t, cfg.SyncAlways, "acknowledged writes must be fsynced")
	addr, ok := s.Addr().(*net.TCPAddr)
	require.True(t, ok)
	require.Equal(t, "127.0.0.1", addr.IP.String())
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	t.Run("no store dir", func(t *testing.T) {
		t.Parallel()
		_, err := natsembed.Start(natsembed.Options{Port: -1, NoLog: true, Users: users(t)})
		require.Error(t, err)
	})
	t.Run("no users: anonymous access is never on", func(t *testing.T) {
		t.Parallel()
		_, err := natsembed.Start(natsembed.Options{StoreDir: t.TempDir(), Port: -1, NoLog: true})
		require.ErrorContains(t, err, "anonymous")
	})
	t.Run("port in use", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		t.Cleanup(func() { _ = l.Close() })
		port := l.Addr().(*net.TCPAddr).Port
		_, err = natsembed.Start(natsembed.Options{StoreDir: t.TempDir(), Port: port, NoLog: true, Users: users(t)})
		require.Error(t, err)
	})
}
