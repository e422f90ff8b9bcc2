package ports_test

import (
	"testing"

	assessmentv1 "github.com/titrepro/titrepro/gen/go/titrepro/assessment/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/services/assessment/internal/app/authz"
)

// TestAccessTableCoversEveryRPC: every RPC of the service has a row in the
// access table, and every row names an RPC.
func TestAccessTableCoversEveryRPC(t *testing.T) {
	t.Parallel()
	if err := grpcx.CheckAccessTable(authz.Table, assessmentv1.AssessmentService_ServiceDesc); err != nil {
		t.Fatal(err)
	}
}
