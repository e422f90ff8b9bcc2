package ports_test

import (
	"testing"

	portfoliov1 "github.com/titrepro/titrepro/gen/go/titrepro/portfolio/v1"
	"github.com/titrepro/titrepro/internal/grpcx"
	"github.com/titrepro/titrepro/services/portfolio/internal/app/authz"
)

// TestAccessTableCoversEveryRPC: every RPC of the service has a row in the
// access table, and every row names an RPC.
func TestAccessTableCoversEveryRPC(t *testing.T) {
	t.Parallel()
	if err := grpcx.CheckAccessTable(authz.Table, portfoliov1.PortfolioService_ServiceDesc); err != nil {
		t.Fatal(err)
	}
}
