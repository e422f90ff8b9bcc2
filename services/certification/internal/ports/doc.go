// Package ports holds the inbound side of the certification service: the
// gRPC server, the consumer of the candidate events (holder projection)
// and the consumer of the assessment events (signed minutes). They only
// convert between the wire and the app layer; the rules live in app and
// domain.
package ports
