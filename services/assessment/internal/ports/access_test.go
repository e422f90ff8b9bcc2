package ports_test

import (
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
)

// TestAccessTableCoversEveryRPC: every RPC of the service has a row in the
// access table, and every row names an RPC.
func TestAccessTableCoversEveryRPC(t *testing.T) {
	t.Parallel()
	sd := assessmentv1.AssessmentService_ServiceDesc
	if authz.Table.Service != sd.ServiceName {
		t.Fatalf("table of %q; service %q", authz.Table.Service, sd.ServiceName)
	}
	var methods []string
	for _, m := range sd.Methods {
		methods = append(methods, m.MethodName)
	}
	for _, s := range sd.Streams {
		methods = append(methods, s.StreamName)
	}
	missing, stale := authz.Table.Mismatch(methods)
	if len(missing) > 0 || len(stale) > 0 {
		t.Fatalf("RPCs without a row: %v; rows without an RPC: %v", missing, stale)
	}
}
