// Package command holds the use cases that change the certification
// service's state, one per file, each with its authorisation rule.
package command
