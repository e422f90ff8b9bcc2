package cluster

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// postgresCredential is who runs the own instance: initdb and postgres
// refuse root, so as root they run as the postgres user.
func postgresCredential() (*syscall.Credential, int, int, error) {
	if os.Geteuid() != 0 {
		return nil, -1, -1, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, 0, 0, fmt.Errorf("cluster: PostgreSQL refuses to run as root and there is no postgres user: %w", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}, uid, gid, nil
}

// postgresBinDir is Options.PostgresBinDir or the newest installed
// version's.
func (c *Cluster) postgresBinDir() (string, error) {
	if c.opts.PostgresBinDir != "" {
		return c.opts.PostgresBinDir, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return va - vb
	})
	if len(dirs) == 0 {
		return "", errors.New("cluster: no PostgreSQL under /usr/lib/postgresql (apt-get install postgresql), or set the database URL")
	}
	return dirs[len(dirs)-1], nil
}

// startPostgres initialises DataDir/postgres at the first start and runs
// the instance on 127.0.0.1 (trust authentication: loopback only, for
// development and tests), then makes sure the database titrepro exists.
func (c *Cluster) startPostgres(ctx context.Context) error {
	binDir, err := c.postgresBinDir()
	if err != nil {
		return err
	}
	cred, uid, gid, err := postgresCredential()
	if err != nil {
		return err
	}
	dir := filepath.Join(c.opts.DataDir, "postgres")
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if cred != nil {
		if err := c.letPostgresIn(); err != nil {
			return err
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(data, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		c.logf("initdb %s", data)
		cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-instructions")
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("cluster: initdb: %w\n%s", err, out)
		}
	}
	p := c.newProcess("postgres", filepath.Join(binDir, "postgres"), []string{
		"-D", data, "-p", strconv.Itoa(c.ports.Postgres), "-k", dir,
		"-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=200",
	}, map[string]string{})
	p.Credential, p.StopSignal, p.Dir = cred, syscall.SIGINT, dir // SIGINT: fast shutdown
	if err := c.add(ctx, p); err != nil {
		return err
	}
	if err := c.WaitPostgres(ctx, 60*time.Second); err != nil {
		return err
	}
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", c.ports.Postgres)
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var exists bool
	if err := conn.QueryRow(ctx, "select exists(select 1 from pg_database where datname = 'titrepro')").Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := conn.Exec(ctx, "create database titrepro"); err != nil {
			return err
		}
	}
	return nil
}

// letPostgresIn makes sure the postgres user can reach DataDir/postgres:
// DataDir and its parents inside the repository (var/, 0700 when `make
// run` created it) get the search permission for others (o+x: reach a
// known path, never list; the files keep their own modes). A parent
// outside the repository is left alone, and refused when closed.
func (c *Cluster) letPostgresIn() error {
	for dir := c.opts.DataDir; ; dir = filepath.Dir(dir) {
		info, err := os.Stat(dir)
		if err != nil {
			return err
		}
		if info.Mode().Perm()&0o001 == 0 {
			inside := dir == c.opts.DataDir || strings.HasPrefix(dir, c.opts.Root+string(filepath.Separator))
			if !inside {
				return fmt.Errorf("cluster: PostgreSQL runs as the postgres user and cannot reach %s through %s (mode %s): chmod o+x it, or choose another data folder",
					c.opts.DataDir, dir, info.Mode().Perm())
			}
			if err := os.Chmod(dir, info.Mode().Perm()|0o001); err != nil {
				return err
			}
		}
		if dir == filepath.Dir(dir) {
			return nil
		}
	}
}

// WaitPostgres waits until the database answers a query.
func (c *Cluster) WaitPostgres(ctx context.Context, timeout time.Duration) error {
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", c.ports.Postgres)
	if c.opts.DatabaseURL != "" {
		admin = c.opts.DatabaseURL
	}
	return poll(ctx, time.Now().Add(timeout), "PostgreSQL", func() (bool, error) {
		if p := c.Process("postgres"); p != nil && !p.Running() {
			return false, fmt.Errorf("cluster: postgres exited; see %s", c.LogFile("postgres"))
		}
		cctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		conn, err := pgx.Connect(cctx, admin)
		if err != nil {
			return false, nil
		}
		defer conn.Close(cctx)
		return conn.Ping(cctx) == nil, nil
	})
}

// createSchemas creates each service's schema when missing.
func (c *Cluster) createSchemas(ctx context.Context) error {
	if _, err := url.Parse(c.databaseURL()); err != nil {
		return fmt.Errorf("cluster: database URL: %w", err)
	}
	conn, err := pgx.Connect(ctx, c.databaseURL())
	if err != nil {
		return fmt.Errorf("cluster: PostgreSQL at %s: %w", c.databaseURL(), err)
	}
	defer conn.Close(ctx)
	for _, svc := range Services {
		if _, err := conn.Exec(ctx, "create schema if not exists "+pgx.Identifier{svc}.Sanitize()); err != nil {
			return fmt.Errorf("cluster: schema %s: %w", svc, err)
		}
	}
	return nil
}

// UnpublishedEvents counts the events waiting in the services' outboxes
// (rows their relays have not published yet).
func (c *Cluster) UnpublishedEvents(ctx context.Context) (int, error) {
	conn, err := pgx.Connect(ctx, c.databaseURL())
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	total := 0
	for _, svc := range Services {
		var n int
		q := "select count(*) from " + pgx.Identifier{svc, "outbox"}.Sanitize() + " where published_at is null"
		if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
			return 0, fmt.Errorf("cluster: outbox of %s: %w", svc, err)
		}
		total += n
	}
	return total, nil
}
