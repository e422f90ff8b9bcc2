package gateway

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// byService sends an API request to the grpc-gateway mux of the service
// that owns the first segment of its path (/v1/titles…: certification), so
// that only that service's patterns are tried: grpc-gateway tries a
// method's patterns one after the other, allocating for each, and a
// certification or assessment read went through some twenty patterns of
// the other services first. A segment owned by several services, or by
// none, or written percent-encoded, goes to the mux of every service, which
// answers exactly as before.
type byService struct {
	owner map[string]http.Handler
	all   http.Handler
}

func (b byService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	seg := strings.TrimPrefix(r.URL.EscapedPath(), "/v1/")
	if i := strings.IndexAny(seg, "/:"); i >= 0 {
		seg = seg[:i]
	}
	if h, ok := b.owner[seg]; ok {
		h.ServeHTTP(w, r)
		return
	}
	b.all.ServeHTTP(w, r)
}

// segmentOwners reads, from the OpenAPI document of the routes, the first
// path segment after /v1/ of each operation and the service of its
// operationId ("CandidateService_GetCandidate": "candidate"). A segment
// used by several services is left out.
func segmentOwners(document []byte) (map[string]string, error) {
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		return nil, fmt.Errorf("gateway: OpenAPI document: %w", err)
	}
	owners := map[string]string{}
	shared := map[string]bool{}
	for path, ops := range doc.Paths {
		rest, ok := strings.CutPrefix(path, "/v1/")
		if !ok {
			continue
		}
		seg := rest
		if i := strings.IndexAny(seg, "/:{"); i >= 0 {
			seg = seg[:i]
		}
		for _, raw := range ops {
			var op struct {
				OperationID string `json:"operationId"`
			}
			if json.Unmarshal(raw, &op) != nil || op.OperationID == "" {
				continue // "parameters" and other path-level members
			}
			svc, _, _ := strings.Cut(op.OperationID, "_")
			svc = strings.ToLower(strings.TrimSuffix(svc, "Service"))
			if prev, ok := owners[seg]; ok && prev != svc {
				shared[seg] = true
			}
			owners[seg] = svc
		}
	}
	for seg := range shared {
		delete(owners, seg)
	}
	return owners, nil
}
