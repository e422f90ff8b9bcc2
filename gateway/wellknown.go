package gateway

import (
	"bytes"
	"net/http"
	"time"

	"github.com/titrepro/titrepro/gen/go/descriptors"
)

// CertificateKeysPath is where anyone fetches the public keys that verify
// certificates, by key id, as a JWK Set (docs/signatures.md): the
// well-known location (RFC 8615) a third party can hard-code.
const CertificateKeysPath = "/.well-known/titrepro/certificate-keys.json"

// certificateKeys serves CertificateKeysPath with the REST route of
// CertificationService.GetCertificateKeys (GET /v1/certificate-keys), so
// that both answer the same document through the same interceptors.
func certificateKeys(v1 http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := r.Clone(r.Context())
		r2.URL.Path, r2.URL.RawPath = "/v1/certificate-keys", ""
		r2.RequestURI = r2.URL.RequestURI()
		// Keys change only by a rotation, followed by a restart; a verifier
		// may keep them an hour.
		w.Header().Set("Cache-Control", "public, max-age=3600")
		v1.ServeHTTP(w, r2)
	})
}

// EventDescriptorsPath is where a consumer in any language fetches the
// protobuf descriptor set of every event titrepro publishes
// (docs/consumers.md): a serialised google.protobuf.FileDescriptorSet, the
// events.proto files with their imports, built by make generate.
const EventDescriptorsPath = "/.well-known/titrepro/events.binpb"

// eventDescriptors serves the descriptor set embedded at build time; it
// changes only with the binary.
func eventDescriptors(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+descriptors.EventsFile+`"`)
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeContent(w, r, descriptors.EventsFile, time.Time{}, bytes.NewReader(descriptors.Events))
}
