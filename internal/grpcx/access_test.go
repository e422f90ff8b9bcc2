package grpcx_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc"

	"github.com/titrepro/titrepro/internal/auth"
	"github.com/titrepro/titrepro/internal/grpcx"
)

func TestCheckAccessTable(t *testing.T) {
	t.Parallel()
	sd := grpc.ServiceDesc{
		ServiceName: "titrepro.test.v1.TestService",
		Methods:     []grpc.MethodDesc{{MethodName: "GetThing"}},
		Streams:     []grpc.StreamDesc{{StreamName: "UploadThing"}},
	}
	row := func(rpc string) auth.Access { return auth.Access{RPC: rpc, Public: true} }
	tests := []struct {
		name  string
		table auth.AccessTable
		want  string // "" when the table fits
	}{
		{"every RPC has a row", auth.AccessTable{Service: sd.ServiceName, Rows: []auth.Access{row("GetThing"), row("UploadThing")}}, ""},
		{"a streamed RPC without a row", auth.AccessTable{Service: sd.ServiceName, Rows: []auth.Access{row("GetThing")}}, "RPCs without a row: [UploadThing]"},
		{"a row without an RPC", auth.AccessTable{Service: sd.ServiceName, Rows: []auth.Access{row("GetThing"), row("UploadThing"), row("DeleteThing")}}, "rows without an RPC: [DeleteThing]"},
		{"another service's table", auth.AccessTable{Service: "titrepro.other.v1.OtherService"}, "access table of"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := grpcx.CheckAccessTable(tt.table, sd)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckAccessTable = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}
