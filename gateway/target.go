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
// options it needs. One address ("host:port", or any grpc-go target such
// as "dns:///assessment:9093") is used as is; a comma-separated list
// ("127.0.0.1:9093,127.0.0.1:9193": the replicas of a service run without
// a DNS name or load balancer in front) gets a fixed resolver of those
// addresses and round-robin balancing.
func target(name, addr string) (string, []grpc.DialOption) {
	if !strings.Contains(addr, ",") {
		return addr, nil
	}
	var state resolver.State
	for _, a := range strings.Split(addr, ",") {
		if a = strings.TrimSpace(a); a != "" {
			state.Addresses = append(state.Addresses, resolver.Address{Addr: a})
		}
	}
	r := manual.NewBuilderWithScheme("titrepro-" + name)
	r.InitialState(state)
	return r.Scheme() + ":///" + name, []grpc.DialOption{grpc.WithResolvers(r), grpc.WithDefaultServiceConfig(roundRobin)}
}
