package candidate_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/encoding/protojson"

	candidatev1 "github.com/titrepro/titrepro/gen/go/titrepro/candidate/v1"
)

// TestService_RESTPatchDerivesTheMaskFromTheBody checks the update contract
// through grpc-gateway, which sends no update_mask but the paths of the
// PATCH body, including "etag" and nested leaves. grpc-gateway forwards
// the Authorization header as gRPC metadata by itself.
func TestService_RESTPatchDerivesTheMaskFromTheBody(t *testing.T) {
	t.Parallel()
	e := start(t)
	mux := runtime.NewServeMux(
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.JSONPb{
			MarshalOptions:   protojson.MarshalOptions{UseProtoNames: true},
			UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: true},
		}),
	)
	require.NoError(t, candidatev1.RegisterCandidateServiceHandler(t.Context(), mux, e.conn))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	token, err := e.issuer.Issue(centre, time.Hour)
	require.NoError(t, err)

	call := func(method, path string, body any) (int, map[string]any) {
		t.Helper()
		b, err := json.Marshal(body)
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(t.Context(), method, srv.URL+path, bytes.NewReader(b))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		raw, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		var out map[string]any
		require.NoError(t, json.Unmarshal(raw, &out), "body %s", raw)
		return resp.StatusCode, out
	}
	field := func(m map[string]any, keys ...string) any {
		var v any = m
		for _, k := range keys {
			v = v.(map[string]any)[k]
		}
		return v
	}

	status, created := call("POST", "/v1/candidates", map[string]any{
		"birth_name": "Durand", "given_names": []string{"Camille"}, "birth_date": "1994-03-12",
		"birth_place": map[string]any{"commune": "Lyon", "country_code": "FR"}, "email": "c@example.org",
		"access_route": "ACCESS_ROUTE_TRAINING", "training": map[string]any{"organisation": "AFPA Lyon"},
	})
	require.Equal(t, http.StatusOK, status, "%v", created)
	id := field(created, "candidate", "id").(string)

	status, updated := call("PATCH", "/v1/candidates/"+id, map[string]any{
		"email": "new@example.org", "birth_place": map[string]any{"commune": "Lille"}, "etag": "1",
	})
	require.Equal(t, http.StatusOK, status, "%v", updated)
	require.Equal(t, "new@example.org", field(updated, "candidate", "email"))
	require.Equal(t, "Lille", field(updated, "candidate", "birth_place", "commune"))
	require.Equal(t, "FR", field(updated, "candidate", "birth_place", "country_code"), "a sibling leaf is kept")
	require.Equal(t, "2", field(updated, "candidate", "etag"))

	status, stale := call("PATCH", "/v1/candidates/"+id, map[string]any{"email": "x@example.org", "etag": "1"})
	require.Equal(t, http.StatusConflict, status, "%v", stale)

	status, bad := call("PATCH", "/v1/candidates/"+id, map[string]any{"create_time": "2020-01-01T00:00:00Z", "etag": "2"})
	require.Equal(t, http.StatusBadRequest, status, "%v", bad)
	require.Contains(t, fmt.Sprint(bad), "update_mask")
}
