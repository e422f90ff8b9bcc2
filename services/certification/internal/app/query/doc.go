// Package query holds the read use cases of the certification service, one
// per file, each with its authorisation rule.
package query
