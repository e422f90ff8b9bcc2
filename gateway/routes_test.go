package gateway

import (
	"testing"

	"github.com/titrepro/titrepro/gateway/internal/openapi"
)

// TestEverySegmentHasItsService: every first path segment of the API
// names one of the services the gateway registers, so that byService
// sends its requests to that service's mux; a renamed service or
// operationId would otherwise fall back to the mux of all services unseen.
func TestEverySegmentHasItsService(t *testing.T) {
	owners, err := segmentOwners(openapi.Document())
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"candidates": "candidate", "titles": "certification", "certificate-keys": "certification",
		"did.json": "certification", "credentials": "certification",
		"sessions": "assessment", "dossiers": "portfolio",
	}
	for seg, svc := range want {
		if owners[seg] != svc {
			t.Errorf("segment %q owned by %q, want %q", seg, owners[seg], svc)
		}
	}
	for seg, svc := range owners {
		switch svc {
		case "candidate", "certification", "assessment", "portfolio":
		default:
			t.Errorf("segment %q owned by %q, which the gateway does not register", seg, svc)
		}
	}
}

func TestSharedSegmentsGoToEveryService(t *testing.T) {
	owners, err := segmentOwners([]byte(`{"paths": {
		"/v1/a/{id}": {"get": {"operationId": "CandidateService_GetA"}, "parameters": []},
		"/v1/a:import": {"post": {"operationId": "CandidateService_ImportA"}},
		"/v1/b": {"get": {"operationId": "CandidateService_ListB"}},
		"/v1/b/{id}": {"get": {"operationId": "AssessmentService_GetB"}},
		"/healthz": {"get": {"operationId": "Health"}}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(owners) != 1 || owners["a"] != "candidate" {
		t.Errorf("owners = %v, want only a: candidate (b is shared)", owners)
	}
}
