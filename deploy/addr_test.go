package deploy

import (
	"net"
	"strings"
	"testing"
)

// gatewayTargets are the gateway's variables naming each service's gRPC
// address.
var gatewayTargets = map[string]string{
	"CANDIDATE_SERVICE_ADDR":     "candidate",
	"PORTFOLIO_SERVICE_ADDR":     "portfolio",
	"ASSESSMENT_SERVICE_ADDR":    "assessment",
	"CERTIFICATION_SERVICE_ADDR": "certification",
}

// checkGatewayReachesServices: each *_SERVICE_ADDR of the gateway names the
// host of that service (what its TLS certificate is made for) and the port
// the service listens on (its GRPC_ADDR), exposed there (ports maps a
// host to the ports published for it, nil when anything is reachable).
func checkGatewayReachesServices(t *testing.T, where string, gatewayEnv map[string]string, grpcAddr map[string]string, ports map[string][]string) {
	t.Helper()
	for key, service := range gatewayTargets {
		target, ok := gatewayEnv[key]
		if !ok {
			t.Errorf("%s: gateway: %s is not set", where, key)
			continue
		}
		host, port, err := net.SplitHostPort(target)
		if err != nil {
			t.Errorf("%s: gateway: %s=%q: %v", where, key, target, err)
			continue
		}
		if host != service {
			t.Errorf("%s: gateway: %s=%q, want the host %q (the name in its certificate)", where, key, target, service)
		}
		_, listen, err := net.SplitHostPort(grpcAddr[service])
		if err != nil {
			t.Errorf("%s: %s: GRPC_ADDR %q: %v", where, service, grpcAddr[service], err)
			continue
		}
		if listen != port {
			t.Errorf("%s: gateway dials %s on port %s, but %s listens on %s", where, service, port, service, listen)
		}
		if _, ok := ports[service]; ports != nil && !ok {
			t.Errorf("%s: no Service %s", where, service)
		}
		if published := ports[service]; published != nil && !strings.Contains(" "+strings.Join(published, " ")+" ", " "+port+" ") {
			t.Errorf("%s: Service %s exposes %v, not %s", where, service, published, port)
		}
	}
}

func TestComposeGatewayReachesServices(t *testing.T) {
	p := loadCompose(t)
	env := func(service string) map[string]string {
		out := map[string]string{}
		for k, v := range p.Services[service].Environment {
			if v != nil {
				out[k] = *v
			}
		}
		return out
	}
	grpc := map[string]string{}
	for _, s := range gatewayTargets {
		grpc[s] = env(s)["GRPC_ADDR"]
	}
	checkGatewayReachesServices(t, composeFile, env("gateway"), grpc, nil)
}
