package gateway

import (
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/resolver"
	"google.golang.org/grpc/resolver/manual"
)

// roundRobin spreads the calls over every ready address of a target; a
// replica that stops answering leaves the rotation until it is back.
const roundRobin = `{"loadBalancingConfig":[{"round_robin":{}}]}`

// target turns a service address into a grpc-go target and the dial
// options it needs. Calls are always balanced round robin over the
// addresses the target resolves to: one name ("assessment:9093", or any
// grpc-go target such as "dns:///assessment:9093") goes through DNS, which
// gives every replica behind a name with several addresses (compose
// replicas, a Kubernetes headless Service); a comma-separated list
// ("127.0.0.1:9093,127.0.0.1:9193": replicas without a DNS name) gets a
// fixed resolver of those addresses.
func target(name, addr string) (string, []grpc.DialOption) {
	balance := grpc.WithDefaultServiceConfig(roundRobin)
	if !strings.Contains(addr, ",") {
		return addr, []grpc.DialOption{balance}
	}
	var state resolver.State
	for _, a := range strings.Split(addr, ",") {
		if a = strings.TrimSpace(a); a != "" {
			state.Addresses = append(state.Addresses, resolver.Address{Addr: a})
		}
	}
	r := manual.NewBuilderWithScheme("titrepro-" + name)
	r.InitialState(state)
	return r.Scheme() + ":///" + name, []grpc.DialOption{grpc.WithResolvers(r), balance}
}
