package cluster

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"

	"github.com/titrepro/titrepro/internal/s3server"
)

// Programs are the binaries the topology runs, built from the repository
// by Build: the five titrepro programs (`titrepro` serves the issuer),
// besides nats-server at the version internal/go.mod requires and the S3
// server (versitygw) at the version tools/go.mod pins.
var Programs = []string{
	"./cmd/titrepro", "./gateway/cmd/gateway",
	"./services/candidate/cmd/candidate", "./services/portfolio/cmd/portfolio",
	"./services/assessment/cmd/assessment", "./services/certification/cmd/certification",
}

// Build builds the programs into binDir (go build in the workspace at
// root; Go's build cache makes a second build quick).
func Build(ctx context.Context, root, binDir string, log io.Writer) error {
	run := func(args ...string) error {
		fmt.Fprintf(log, "cluster: go %v\n", args)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, log, log
		return cmd.Run()
	}
	if err := run(append([]string{"build", "-o", binDir + "/"}, Programs...)...); err != nil {
		return fmt.Errorf("cluster: build: %w", err)
	}
	if err := run("build", "-o", binDir+"/nats-server", "github.com/nats-io/nats-server/v2"); err != nil {
		return fmt.Errorf("cluster: build nats-server: %w", err)
	}
	fmt.Fprintf(log, "cluster: go build %s (tools/go.mod)\n", s3server.Package)
	return s3server.Build(ctx, root, filepath.Join(binDir, "versitygw"))
}
