package grpcx

import (
	"fmt"

	"google.golang.org/grpc"

	"github.com/titrepro/titrepro/internal/auth"
)

// CheckAccessTable reports whether table is the access table of service sd:
// same service name, a row for every RPC (unary and streamed) and no row
// naming an RPC the service does not have. Each service's tests call it, so
// that a new RPC cannot ship without its rule.
func CheckAccessTable(table auth.AccessTable, sd grpc.ServiceDesc) error {
	if table.Service != sd.ServiceName {
		return fmt.Errorf("access table of %q, service %q", table.Service, sd.ServiceName)
	}
	var methods []string
	for _, m := range sd.Methods {
		methods = append(methods, m.MethodName)
	}
	for _, s := range sd.Streams {
		methods = append(methods, s.StreamName)
	}
	if missing, stale := table.Mismatch(methods); len(missing) > 0 || len(stale) > 0 {
		return fmt.Errorf("%s: RPCs without a row: %v; rows without an RPC: %v", sd.ServiceName, missing, stale)
	}
	return nil
}
