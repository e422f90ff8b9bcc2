package svctest

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc"

	"github.com/titrepro/titrepro/internal/auth"
)

// tokenTTL outlives any test.
const tokenTTL = time.Hour

// As returns a call option that authenticates one call as p, with a token
// of e.Issuer:
//
//	client.GetCandidate(ctx, req, e.As(t, alice))
func (e *Env) As(t testing.TB, p auth.Principal) grpc.CallOption {
	t.Helper()
	token, err := e.Issuer.Issue(p, tokenTTL)
	if err != nil {
		t.Fatalf("svctest: issue token: %v", err)
	}
	return grpc.PerRPCCredsCallOption{Creds: bearer(token)}
}

// bearer sends a token as the authorization metadata of a call.
type bearer string

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + string(b)}, nil
}

// RequireTransportSecurity is false: the tests' connections are plaintext
// loopback ones, and grpc-go refuses to send credentials that require TLS
// over them.
func (bearer) RequireTransportSecurity() bool { return false }
