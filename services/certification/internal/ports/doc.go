// Package ports holds the inbound side of the certification service: the
// gRPC server and the consumer of the candidate events. Both only convert
// between the wire and the app layer; the rules live in app and domain.
package ports
