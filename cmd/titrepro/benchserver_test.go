package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// benchServeEnv, set to 1, makes the test binary run `titrepro serve`
// with its TITREPRO_* environment instead of the tests: the benchmarks
// that measure the server's CPU start it so, in a process of its own,
// where the load generator's CPU is not counted.
const benchServeEnv = "TITREPRO_BENCH_SERVE"

// benchProfileEnv names a file where that server writes its CPU profile
// (go tool pprof), the benchmark's -cpuprofile being the client's:
//
//	TITREPRO_BENCH_SERVER_CPUPROFILE=/tmp/server.prof go test -run '^$' \
//	  -bench 'ServerCPU/GetCandidate/rest' ./cmd/titrepro
const benchProfileEnv = "TITREPRO_BENCH_SERVER_CPUPROFILE"

func TestMain(m *testing.M) {
	if os.Getenv(benchServeEnv) == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		if path := os.Getenv(benchProfileEnv); path != "" {
			f, err := os.Create(path)
			if err == nil {
				err = pprof.StartCPUProfile(f)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench server: profile:", err)
				os.Exit(1)
			}
			defer pprof.StopCPUProfile() // os.Exit below skips it: stopped there too
		}
		cfg, err := loadConfig(os.Getenv)
		if err == nil {
			err = serve(ctx, cfg, io.Discard)
		}
		stop()
		pprof.StopCPUProfile()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startServerProcess runs the all-in-one in a child process (this test
// binary, benchServeEnv) on the configuration of env, waits for /readyz
// and returns the configuration and the child's process id. The child's
// logs (info level, as in production) go to /dev/null. It is stopped with
// SIGTERM at the end of the benchmark.
func startServerProcess(b *testing.B, env map[string]string) (config, int) {
	b.Helper()
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.SysProcAttr = benchServerAttr()
	cmd.Env = append(os.Environ(), benchServeEnv+"=1")
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &limitedWriter{w: &stderr, n: 64 << 10}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		select {
		case err := <-done:
			b.Fatalf("bench server stopped early: %v\n%s", err, stderr.String())
		default:
		}
		resp, err := http.Get(cfg.PublicURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return cfg, cmd.Process.Pid
			}
		}
		if time.Now().After(deadline) {
			b.Fatalf("bench server not ready after 60 s (last: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// limitedWriter keeps the first n bytes written (the child's first log
// lines, for the message of a failed start) and drops the rest.
type limitedWriter struct {
	w io.Writer
	n int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(l.n, len(p))
		_, _ = l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

// cpuMeter returns the CPU time (user + system) the measured server
// processes have used so far.
type cpuMeter func() (time.Duration, error)

// procCPU reads process pid's CPU time from /proc/PID/stat (utime and
// stime, fields 14 and 15, in clock ticks of 1/100 s: USER_HZ is 100 on
// every Linux ABI Go supports). The kernel derives them from the exact
// runtime of every thread, so the total is exact to the tick.
func procCPU(pid int) cpuMeter {
	return func() (time.Duration, error) {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, err
		}
		// The command name (field 2) may hold spaces: fields count from
		// after its closing parenthesis, where field 3 starts.
		i := bytes.LastIndexByte(raw, ')')
		if i < 0 {
			return 0, fmt.Errorf("/proc/%d/stat: no command name", pid)
		}
		f := strings.Fields(string(raw[i+1:]))
		if len(f) < 13 {
			return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
		}
		utime, err1 := strconv.ParseInt(f[11], 10, 64)
		stime, err2 := strconv.ParseInt(f[12], 10, 64)
		if err1 != nil || err2 != nil {
			return 0, fmt.Errorf("/proc/%d/stat: utime %q stime %q", pid, f[11], f[12])
		}
		return time.Duration(utime+stime) * 10 * time.Millisecond, nil
	}
}

// metricsCPU sums process_cpu_seconds_total (the Prometheus process
// collector, also from /proc/self/stat) of the /metrics pages at urls: the
// servers of another machine or of the cluster topology, each its own
// process.
func metricsCPU(urls []string) cpuMeter {
	return func() (time.Duration, error) {
		var total float64
		for _, u := range urls {
			resp, err := http.Get(u)
			if err != nil {
				return 0, err
			}
			found := false
			sc := bufio.NewScanner(resp.Body)
			sc.Buffer(make([]byte, 64<<10), 1<<20)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "process_cpu_seconds_total "); ok {
					x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					if err != nil {
						resp.Body.Close()
						return 0, fmt.Errorf("%s: process_cpu_seconds_total %q", u, v)
					}
					total += x
					found = true
				}
			}
			resp.Body.Close()
			if !found {
				return 0, fmt.Errorf("%s: no process_cpu_seconds_total", u)
			}
		}
		return time.Duration(total * float64(time.Second)), nil
	}
}
