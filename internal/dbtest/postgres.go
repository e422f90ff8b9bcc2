package dbtest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// Timeouts for finding PostgreSQL. The Docker probe is short so that a
// machine without Docker costs a test binary at most a few seconds.
const (
	dockerProbeTimeout = 5 * time.Second
	containerTimeout   = 3 * time.Minute
	postgresImage      = "postgres:17-alpine"
)

// The PostgreSQL server of this test binary, found once: every test shares
// it (each in its own schema), so at most one container starts per binary.
// The testcontainers reaper (Ryuk) removes the container when the binary
// exits.
var (
	pgOnce   sync.Once
	pgURL    string
	pgReason string
)

// postgresURL returns the base URL of the PostgreSQL server, or "" and why
// there is none.
func postgresURL() (baseURL, reason string) {
	pgOnce.Do(func() {
		if u := os.Getenv(EnvPostgresURL); u != "" {
			pgURL = u
			return
		}
		if err := probeDocker(); err != nil {
			pgReason = fmt.Sprintf("%s is not set and Docker is not available (%v)", EnvPostgresURL, err)
			return
		}
		u, err := startContainer()
		if err != nil {
			pgReason = fmt.Sprintf("%s is not set and the PostgreSQL container did not start: %v", EnvPostgresURL, err)
			return
		}
		pgURL = u
	})
	return pgURL, pgReason
}

// probeDocker reports whether a Docker daemon answers, within
// dockerProbeTimeout even if the client hangs or panics (testcontainers may
// panic when it finds no Docker host).
func probeDocker() error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("docker client panicked: %v", r)
			}
		}()
		provider, err := testcontainers.NewDockerProvider()
		if err != nil {
			done <- err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), dockerProbeTimeout)
		defer cancel()
		done <- provider.Health(ctx) // Health closes the provider.
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(dockerProbeTimeout + time.Second):
		return errors.New("no answer from the Docker daemon")
	}
}

func startContainer() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), containerTimeout)
	defer cancel()
	ctr, err := tcpostgres.Run(ctx, postgresImage,
		tcpostgres.WithDatabase("test"),
		tcpostgres.WithUsername("postgres"),
		tcpostgres.WithPassword("postgres"),
		tcpostgres.BasicWaitStrategies(),
	)
	if err != nil {
		if ctr != nil {
			_ = ctr.Terminate(context.Background())
		}
		return "", err
	}
	u, err := ctr.ConnectionString(ctx, "sslmode=disable")
	if err != nil {
		_ = ctr.Terminate(context.Background())
		return "", err
	}
	return u, nil
}
