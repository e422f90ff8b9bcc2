package web

import "github.com/titrepro/titrepro/gateway/web/messages"

// Message is a service's refusal as a person reads it: what happened,
// what to do, the rule that refused, and what is wrong with each field.
type Message struct {
	Title, Detail, Rule string
	Fields              map[string]string
	// Reason is the API's reason code, shown small for support.
	Reason string
}

// describe is the one place where a service's error becomes a Message:
// the French sentences of package messages, never the service's own text.
func describe(err error) Message {
	m := messages.ForError(err)
	return Message{Title: m.Title, Detail: m.Detail, Rule: m.Rule, Fields: m.Fields, Reason: m.Reason}
}
