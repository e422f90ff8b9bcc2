package ports_test

import (
	"testing"

	certificationv1 "github.com/titrepro/titrepro/gen/go/titrepro/certification/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/services/certification/internal/app/authz"
)

// TestAccessTableCoversEveryRPC: every RPC of the service has a row in the
// access table, and every row names an RPC.
func TestAccessTableCoversEveryRPC(t *testing.T) {
	t.Parallel()
	if err := grpcx.CheckAccessTable(authz.Table, certificationv1.CertificationService_ServiceDesc); err != nil {
		t.Fatal(err)
	}
}
