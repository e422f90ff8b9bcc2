package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// Process is one program of the topology, started in its own process
// group so that a signal reaches it and whatever it started, and killed
// with the launcher if the launcher dies (Pdeathsig): no orphan survives.
type Process struct {
	Name string
	Path string   // the binary
	Args []string // its arguments
	Env  []string // its whole environment
	Dir  string   // working directory
	Log  string   // file its standard output and error are appended to
	// Credential runs it as another user (PostgreSQL refuses root).
	Credential *syscall.Credential
	// StopSignal asks it to stop cleanly: SIGTERM, or SIGINT for
	// PostgreSQL's fast shutdown.
	StopSignal syscall.Signal

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has exited
	err    error         // cmd's exit status, once exited
}

// start starts p; it must not be running.
func (p *Process) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil && !isClosed(p.exited) {
		return fmt.Errorf("%s: already running (pid %d)", p.Name, p.cmd.Process.Pid)
	}
	logFile, err := os.OpenFile(p.Log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	fmt.Fprintf(logFile, "\n=== %s: start %s %v\n", time.Now().UTC().Format(time.RFC3339), p.Path, p.Args)
	cmd := exec.Command(p.Path, p.Args...)
	cmd.Env, cmd.Dir, cmd.Stdout, cmd.Stderr = p.Env, p.Dir, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL, Credential: p.Credential}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return fmt.Errorf("%s: %w", p.Name, err)
	}
	exited := make(chan struct{})
	p.cmd, p.exited = cmd, exited
	go func() {
		err := cmd.Wait()
		logFile.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(exited)
	}()
	return nil
}

// Running reports whether p's process is alive (possibly stopped by
// SIGSTOP).
func (p *Process) Running() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.cmd != nil && !isClosed(p.exited)
}

// Pid is the process id of p's current run, 0 when not running.
func (p *Process) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.exited) {
		return 0
	}
	return p.cmd.Process.Pid
}

// signal sends sig to p's process group.
func (p *Process) signal(sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || isClosed(p.exited) {
		return fmt.Errorf("%s: not running", p.Name)
	}
	if err := syscall.Kill(-p.cmd.Process.Pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("%s: %s: %w", p.Name, sig, err)
	}
	return nil
}

// stop asks p to stop with its StopSignal and kills its group when it
// has not exited after grace. A process stopped by SIGSTOP is continued
// first, or it would never see the signal.
func (p *Process) stop(grace time.Duration) error {
	if !p.Running() {
		return nil
	}
	sig := p.StopSignal
	if sig == 0 {
		sig = syscall.SIGTERM
	}
	_ = p.signal(syscall.SIGCONT)
	if err := p.signal(sig); err != nil {
		return err
	}
	select {
	case <-p.done():
		return nil
	case <-time.After(grace):
		return p.kill()
	}
}

// kill sends SIGKILL to p's group and waits for p to exit.
func (p *Process) kill() error {
	if !p.Running() {
		return nil
	}
	if err := p.signal(syscall.SIGKILL); err != nil {
		return err
	}
	<-p.done()
	return nil
}

func (p *Process) done() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.exited
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
