// Package descriptors embeds the protobuf descriptor set of every event
// titrepro publishes (docs/consumers.md): a google.protobuf.FileDescriptorSet
// of the events.proto files of each context with their imports, built by
// `make generate` (buf build) and checked by `make check-generated`. The
// gateway serves it to consumers written in any language.
package descriptors

import _ "embed"

// EventsFile is the descriptor set's file name under gen/go/descriptors.
const EventsFile = "titrepro-events.binpb"

// Events is the serialised google.protobuf.FileDescriptorSet.
//
//go:embed titrepro-events.binpb
var Events []byte
