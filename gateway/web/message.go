package web

import (
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	"github.com/titrepro/titrepro/gateway/web/messages"
)

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

// refusalReason returns the ErrorInfo reason of a service's error, ""
// when it has none: for screens that answer one refusal in their own
// terms (the others go through describe).
func refusalReason(err error) string {
	var s interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &s) {
		return ""
	}
	for _, d := range s.GRPCStatus().Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info.GetReason()
		}
	}
	return ""
}
