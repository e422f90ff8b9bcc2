package main

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
)

// In the all-in-one, the gateway reaches the services in memory rather than
// over loopback TCP: each service's gRPC server also accepts connections from
// a bufconn listener, and the gateway dials that listener. The calls still
// go through the whole gRPC server — transport, every interceptor (auth,
// bounds, metrics, logging) — only the sockets are gone: on loopback TCP the
// two hops' write and read system calls were a tenth of a REST request's CPU
// (docs/performance.md). The services keep their TCP address for every other
// client; the standalone gateway dials over TCP (or TLS) as before.

// inprocBuffer is each direction's buffer of an in-memory connection: gRPC's
// frames are at most 16 KiB, its windows larger; 256 KiB lets a large answer
// be written without waiting for the reader.
const inprocBuffer = 256 << 10

// inprocHops holds the in-memory listeners of the services, by the address
// the gateway is given for each.
type inprocHops struct {
	mem map[string]*bufconn.Listener
}

// listen returns a listener accepting both the connections of tcp and the
// in-memory ones the gateway dials to target (see dialOptions).
func (h *inprocHops) listen(target string, tcp net.Listener) net.Listener {
	if h.mem == nil {
		h.mem = map[string]*bufconn.Listener{}
	}
	mem := bufconn.Listen(inprocBuffer)
	h.mem[target] = mem
	return newBothListener(tcp, mem)
}

// target is the gateway's address for a service listening on addr: the
// passthrough scheme hands it to the dialer unresolved.
func inprocTarget(addr string) string { return "passthrough:///inproc/" + addr }

// dialOptions are the gateway's dial options: plaintext (nothing leaves the
// process) and a dialer that connects in memory to the services' listeners.
// An unknown address is refused rather than dialled over the network.
func (h *inprocHops) dialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithContextDialer(func(ctx context.Context, addr string) (net.Conn, error) {
			mem, ok := h.mem["passthrough:///"+addr]
			if !ok {
				return nil, errors.New("inproc: no service at " + addr)
			}
			return mem.DialContext(ctx)
		}),
	}
}

// bothListener accepts the connections of two listeners. Its address is the
// first one's, so that Addr still names the service's TCP address.
type bothListener struct {
	first     net.Listener
	listeners []net.Listener
	conns     chan accepted
	done      chan struct{}
	closeOnce sync.Once
}

type accepted struct {
	conn net.Conn
	err  error
}

func newBothListener(listeners ...net.Listener) *bothListener {
	b := &bothListener{first: listeners[0], listeners: listeners, conns: make(chan accepted), done: make(chan struct{})}
	for _, l := range listeners {
		go b.accept(l)
	}
	return b
}

// accept hands l's connections to Accept until l fails for good: its error
// is handed on too (grpc.Server stops serving on it), once.
func (b *bothListener) accept(l net.Listener) {
	for {
		conn, err := l.Accept()
		var temp interface{ Temporary() bool }
		if err != nil && errors.As(err, &temp) && temp.Temporary() {
			time.Sleep(5 * time.Millisecond) // out of descriptors for a moment: grpc.Server waits too
			continue
		}
		select {
		case b.conns <- accepted{conn, err}:
		case <-b.done:
			if conn != nil {
				_ = conn.Close()
			}
			return
		}
		if err != nil {
			return
		}
	}
}

func (b *bothListener) Accept() (net.Conn, error) {
	select {
	case a := <-b.conns:
		return a.conn, a.err
	case <-b.done:
		return nil, net.ErrClosed
	}
}

func (b *bothListener) Close() error {
	var err error
	b.closeOnce.Do(func() {
		close(b.done)
		for _, l := range b.listeners {
			err = errors.Join(err, l.Close())
		}
	})
	return err
}

func (b *bothListener) Addr() net.Addr { return b.first.Addr() }
