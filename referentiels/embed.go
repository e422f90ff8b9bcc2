// Package referentiels embeds the title referentials shipped with titrepro,
// so that the all-in-one server loads TP-00495 at first start without any
// file beside the binary.
package referentiels

import "embed"

// FS holds every *.yaml referential of this folder.
//
//go:embed *.yaml
var FS embed.FS
