// Package cluster runs titrepro's distributed topology on one machine:
// PostgreSQL (the machine's server, or an instance of its own), a
// three-node NATS JetStream cluster, the local development issuer, every
// service as its own process (assessment as two replicas by default) and
// the standalone gateway. `titrepro cluster` (make run-cluster) and the
// fault suite (make test-cluster) both run it through this package, so
// that what the tests break is what people run.
//
// Each process runs in its own process group; Stop ends them all, and a
// launcher that dies takes them with it (Pdeathsig). Data lives under
// Options.DataDir and survives a restart: a second Start reuses it.
package cluster

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/titrepro/titrepro/internal/natsauth"
)

// Services are titrepro's four services, in the order they start.
var Services = []string{"candidate", "portfolio", "assessment", "certification"}

// Options describe the topology to run.
type Options struct {
	// Root is the repository: the binaries are built from it and the
	// certification service reads its referentiels/ folder.
	Root string
	// BinDir holds the binaries (Build writes them); default Root/bin.
	BinDir string
	// DataDir holds everything the topology writes; default
	// Root/var/cluster.
	DataDir string
	// DatabaseURL is the PostgreSQL database whose schemas (one per
	// service, created when missing) the services use. Empty: an
	// instance of the topology's own under DataDir/postgres (initdb at the
	// first start), which a test may restart without disturbing anyone.
	DatabaseURL string
	// PostgresBinDir holds initdb and postgres for the own instance;
	// default: the newest /usr/lib/postgresql/*/bin.
	PostgresBinDir string
	// PortOffset is added to every port of the default layout (gateway
	// 8080, issuer 8090, NATS 4251–4253…, see Ports).
	PortOffset int
	// Replicas is the number of processes per service; a service not
	// listed runs one. Default: assessment 2.
	Replicas map[string]int
	// BlobURL is the portfolio service's BLOB_URL (evidence files). Empty:
	// the topology runs its own S3-compatible store (versitygw, built by
	// Build) over DataDir/s3. A file:// URL shared by the replicas, or the
	// s3:// URL of another store (credentials from the launcher's AWS_*
	// environment, or ExtraEnv), replaces it.
	BlobURL string
	// PlainText turns TLS off between the parts (gRPC between the gateway
	// and the services, the services' NATS connections). By default they
	// use development certificates made in DataDir/tls.
	PlainText bool
	// ExtraEnv, when set, adds to or changes the environment of each
	// process before it starts (e.g. TLS files, S3 credentials, OTel).
	ExtraEnv func(process string, env map[string]string)
	// Log receives the launcher's progress lines; nil discards them.
	Log io.Writer
}

// Cluster is a running topology.
type Cluster struct {
	opts   Options
	ports  Ports
	creds  *natsauth.Credentials
	procs  []*Process // in start order
	byName map[string]*Process
	mu     sync.Mutex
}

// Ports is where each part listens (on 127.0.0.1).
type Ports struct {
	Gateway, Issuer, Postgres, S3  int
	NATS, NATSCluster, NATSMonitor [3]int
	offset                         int
}

// GRPC returns the gRPC port of a service's replica (1-based): candidate
// 9091, portfolio 9092, assessment 9093, certification 9094, plus 100 for
// each further replica; metrics (METRICS_ADDR) are 400 above.
func (p Ports) GRPC(service string, replica int) int {
	base := map[string]int{"candidate": 9091, "portfolio": 9092, "assessment": 9093, "certification": 9094}[service]
	return base + 100*(replica-1) + p.offset
}

// Metrics returns the METRICS_ADDR port of a service's replica.
func (p Ports) Metrics(service string, replica int) int { return p.GRPC(service, replica) + 400 }

func layout(offset int) Ports {
	p := Ports{Gateway: 8080 + offset, Issuer: 8090 + offset, Postgres: 5433 + offset, S3: 7070 + offset, offset: offset}
	for i := range 3 {
		// Not 4222: a machine may run a nats-server of its own there.
		p.NATS[i], p.NATSCluster[i], p.NATSMonitor[i] = 4251+i+offset, 6251+i+offset, 8251+i+offset
	}
	return p
}

func (o *Options) defaults() error {
	if o.Root == "" {
		return errors.New("cluster: Options.Root (the repository) is required")
	}
	var err error
	if o.Root, err = filepath.Abs(o.Root); err != nil {
		return err
	}
	o.BinDir = cmp.Or(o.BinDir, filepath.Join(o.Root, "bin"))
	o.DataDir = cmp.Or(o.DataDir, filepath.Join(o.Root, "var", "cluster"))
	if o.DataDir, err = filepath.Abs(o.DataDir); err != nil {
		return err
	}
	if o.BinDir, err = filepath.Abs(o.BinDir); err != nil {
		return err
	}
	if o.Replicas == nil {
		o.Replicas = map[string]int{"assessment": 2}
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return nil
}

// ReplicaCount is the number of processes of service.
func (c *Cluster) ReplicaCount(service string) int { return max(c.opts.Replicas[service], 1) }

// ProcessName names a service's replica: "candidate", or "assessment-2"
// for a service with several.
func (c *Cluster) ProcessName(service string, replica int) string {
	if c.ReplicaCount(service) == 1 {
		return service
	}
	return fmt.Sprintf("%s-%d", service, replica)
}

// Start builds nothing (see Build): it prepares DataDir and starts every
// process, waiting for each layer to be ready before the next. On error
// whatever it started is stopped.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	if err := opts.defaults(); err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, ports: layout(opts.PortOffset), byName: map[string]*Process{}}
	if err := c.start(ctx); err != nil {
		return nil, errors.Join(err, c.Stop())
	}
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	for _, dir := range []string{"logs", "nkeys", "issuer", "certification", "s3", "mail", "gateway"} {
		if err := os.MkdirAll(filepath.Join(c.opts.DataDir, dir), 0o700); err != nil {
			return err
		}
	}
	if err := c.checkPortsFree(); err != nil {
		return err
	}
	var err error
	if c.creds, err = natsauth.LoadOrCreate(filepath.Join(c.opts.DataDir, natsauth.CredentialsFile)); err != nil {
		return err
	}
	if err := c.writeSeeds(); err != nil {
		return err
	}
	if err := c.prepareTLS(); err != nil {
		return err
	}

	c.logf("PostgreSQL")
	if c.opts.DatabaseURL == "" {
		if err := c.startPostgres(ctx); err != nil {
			return err
		}
	}
	if err := c.createSchemas(ctx); err != nil {
		return err
	}

	if c.ownS3() {
		c.logf("S3 object store")
		if err := c.startS3(ctx); err != nil {
			return err
		}
	}

	c.logf("NATS JetStream cluster (3 nodes)")
	for i := range 3 {
		if err := c.startNATS(i); err != nil {
			return err
		}
	}
	if err := c.WaitNATS(ctx, 60*time.Second); err != nil {
		return err
	}

	c.logf("issuer")
	if err := c.add(ctx, c.issuerProcess()); err != nil {
		return err
	}
	if err := c.waitHTTP(ctx, "issuer", c.IssuerURL()+"/.well-known/jwks.json", 30*time.Second, statusOK); err != nil {
		return err
	}

	c.logf("services")
	for _, svc := range Services {
		for r := 1; r <= c.ReplicaCount(svc); r++ {
			if err := c.add(ctx, c.serviceProcess(svc, r)); err != nil {
				return err
			}
		}
	}
	for _, svc := range Services {
		for r := 1; r <= c.ReplicaCount(svc); r++ {
			if err := c.waitServiceRestarting(ctx, svc, r); err != nil {
				return err
			}
		}
	}

	c.logf("gateway")
	if err := c.add(ctx, c.gatewayProcess()); err != nil {
		return err
	}
	return c.waitHTTP(ctx, "gateway", c.GatewayURL()+"/readyz", 60*time.Second, statusOK)
}

// waitServiceRestarting waits for a service's replica as a process
// supervisor would: a replica that exits while starting (e.g. its streams
// not yet led after the NATS nodes restarted) is started again, twice at
// most.
func (c *Cluster) waitServiceRestarting(ctx context.Context, svc string, replica int) error {
	for attempt := 1; ; attempt++ {
		err := c.WaitService(ctx, svc, replica, 90*time.Second)
		if err == nil || !errors.Is(err, errExited) || attempt == 3 {
			return err
		}
		c.logf("%v: starting it again", err)
		if err := c.StartProcess(c.ProcessName(svc, replica)); err != nil {
			return err
		}
	}
}

// add starts p and remembers it.
func (c *Cluster) add(_ context.Context, p *Process) error {
	c.mu.Lock()
	c.procs = append(c.procs, p)
	c.byName[p.Name] = p
	c.mu.Unlock()
	return p.start()
}

// Process returns the process called name ("nats-2", "assessment-1",
// "postgres", "gateway"…), or nil.
func (c *Cluster) Process(name string) *Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byName[name]
}

// Names lists the processes in start order.
func (c *Cluster) Names() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var names []string
	for _, p := range c.procs {
		names = append(names, p.Name)
	}
	return names
}

func (c *Cluster) get(name string) (*Process, error) {
	if p := c.Process(name); p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("cluster: no process %q (have %s)", name, strings.Join(c.Names(), ", "))
}

// Kill sends SIGKILL to the process and waits for it to die.
func (c *Cluster) Kill(name string) error {
	p, err := c.get(name)
	if err != nil {
		return err
	}
	c.logf("SIGKILL %s (pid %d)", name, p.Pid())
	return p.kill()
}

// StopProcess stops the process cleanly (SIGTERM, or SIGINT for
// PostgreSQL), killing it after 20 s.
func (c *Cluster) StopProcess(name string) error {
	p, err := c.get(name)
	if err != nil {
		return err
	}
	c.logf("stop %s (pid %d)", name, p.Pid())
	return p.stop(20 * time.Second)
}

// StartProcess starts a stopped or killed process again, with the same
// command and environment.
func (c *Cluster) StartProcess(name string) error {
	p, err := c.get(name)
	if err != nil {
		return err
	}
	c.logf("start %s", name)
	return p.start()
}

// Pause freezes the process with SIGSTOP: its sockets stay open but
// nothing answers, like a host cut off the network. Resume continues it.
func (c *Cluster) Pause(name string) error {
	p, err := c.get(name)
	if err != nil {
		return err
	}
	c.logf("SIGSTOP %s", name)
	return p.signal(syscall.SIGSTOP)
}

// Resume continues a paused process (SIGCONT).
func (c *Cluster) Resume(name string) error {
	p, err := c.get(name)
	if err != nil {
		return err
	}
	c.logf("SIGCONT %s", name)
	return p.signal(syscall.SIGCONT)
}

// Stop stops every process, the gateway first and PostgreSQL last, so
// that each drains against parts still running.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	procs := slices.Clone(c.procs)
	c.mu.Unlock()
	var errs []error
	// Reverse start order, one layer at a time in parallel.
	slices.Reverse(procs)
	layers := map[string]int{"gateway": 0, "issuer": 2, "nats": 3, "s3": 3, "postgres": 4}
	layerOf := func(p *Process) int {
		for prefix, l := range layers {
			if strings.HasPrefix(p.Name, prefix) {
				return l
			}
		}
		return 1 // a service
	}
	for layer := 0; layer <= 4; layer++ {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for _, p := range procs {
			if layerOf(p) != layer {
				continue
			}
			wg.Go(func() {
				if err := p.stop(20 * time.Second); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	return errors.Join(errs...)
}

// GatewayURL is the gateway's base URL.
func (c *Cluster) GatewayURL() string { return fmt.Sprintf("http://localhost:%d", c.ports.Gateway) }

// IssuerURL is the issuer's URL: the "iss" of its tokens.
func (c *Cluster) IssuerURL() string { return fmt.Sprintf("http://localhost:%d", c.ports.Issuer) }

// IssuerDataDir is the TITREPRO_DATA_DIR holding the issuer's key: `titrepro
// token` (with TITREPRO_PUBLIC_URL = IssuerURL) mints tokens from it.
func (c *Cluster) IssuerDataDir() string { return filepath.Join(c.opts.DataDir, "issuer") }

// Ports returns the ports of the topology.
func (c *Cluster) Ports() Ports { return c.ports }

// DataDir is the folder of the topology's data.
func (c *Cluster) DataDir() string { return c.opts.DataDir }

// Credentials are the event bus identities' keys (natsauth).
func (c *Cluster) Credentials() *natsauth.Credentials { return c.creds }

// NATSURLs lists the three servers, comma-separated, as NATS_URL takes them.
func (c *Cluster) NATSURLs() string {
	var urls []string
	for _, p := range c.ports.NATS {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", p))
	}
	return strings.Join(urls, ",")
}

// LogFile is where a process's output goes.
func (c *Cluster) LogFile(name string) string {
	return filepath.Join(c.opts.DataDir, "logs", name+".log")
}

func (c *Cluster) logf(format string, args ...any) {
	fmt.Fprintf(c.opts.Log, "cluster: "+format+"\n", args...)
}

// checkPortsFree refuses to start over another topology (or a `make run`).
func (c *Cluster) checkPortsFree() error {
	ports := []int{c.ports.Gateway, c.ports.Issuer}
	ports = append(ports, c.ports.NATS[:]...)
	ports = append(ports, c.ports.NATSCluster[:]...)
	ports = append(ports, c.ports.NATSMonitor[:]...)
	if c.opts.DatabaseURL == "" {
		ports = append(ports, c.ports.Postgres)
	}
	if c.ownS3() {
		ports = append(ports, c.ports.S3)
	}
	for _, svc := range Services {
		for r := 1; r <= c.ReplicaCount(svc); r++ {
			ports = append(ports, c.ports.GRPC(svc, r), c.ports.Metrics(svc, r))
		}
	}
	for _, p := range ports {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return fmt.Errorf("cluster: port %d is taken (another topology or make run?): %w", p, err)
		}
		l.Close()
	}
	return nil
}
