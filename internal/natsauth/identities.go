// Package natsauth holds the identities of titrepro's event bus and what
// each may do on it: every service publishes only its own context's subjects
// and reads only the streams it consumes, the ministry reads the
// certification stream through one durable consumer, and nobody connects
// anonymously (docs/adr/0007-event-bus-identities.md).
//
// The permission sets are plain data so that standalone services, which
// only connect, do not link the NATS server; internal/natsembed turns them
// into server users.
package natsauth

import (
	"fmt"
	"slices"

	"github.com/titrepro/titrepro/internal/eventbus"
)

// Identities that are not services.
const (
	// Ministry is the read-only identity of ministry systems consuming the
	// certification stream.
	Ministry = "ministry"
	// Admin is the operator's identity: every subject, every JetStream API
	// (nats CLI, stream edits, backups). Never give it to a program.
	Admin = "admin"
	// MinistryDurable is the only durable consumer the ministry identity may
	// create and read, on the certification stream. Consumer names are
	// single subject tokens, so permissions can name one but cannot match a
	// prefix: any other name would let the ministry take over a service's
	// consumer on that stream.
	MinistryDurable = "ministry"
)

// consumer is a durable consumer a service runs on another context's stream.
type consumer struct {
	context, durable string
}

// services lists every service (its context is its name) and the durable
// consumers it runs on other contexts' streams. A service that adds a
// consumer adds it here; its component tests fail until it does, because
// they run with these permissions.
var services = map[string][]consumer{
	"candidate": {
		{"assessment", "candidate_notify_assessment"},
		{"certification", "candidate_notify_certification"},
	},
	"portfolio": {
		{"candidate", "portfolio_candidates"},
		{"certification", "portfolio_titles"},
		{"assessment", "portfolio_sessions"},
		{"assessment", "portfolio_candidacies"},
		{"assessment", "portfolio_session_schedules"},
	},
	"assessment": {
		{"certification", "assessment_titles"},
		{"certification", "assessment_registers"},
		{"candidate", "assessment_candidates"},
		{"portfolio", "assessment_dossiers"},
		{"certification", "assessment_returns"},
	},
	"certification": {
		{"candidate", "certification_holders"},
		{"assessment", "certification_results"},
	},
}

// Services returns the names of the service identities, sorted.
func Services() []string {
	names := make([]string, 0, len(services))
	for name := range services {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// Names returns every identity: the services, the ministry and the admin.
func Names() []string { return append(Services(), Ministry, Admin) }

// InboxPrefix is the prefix of the reply subjects of an identity's
// connection. Replies carry JetStream API answers and, for pull consumers,
// the messages themselves: each identity may subscribe to its own prefix
// only, so that no client can read what is delivered to another. A
// ministry client must set it (nats CLI: --inbox-prefix _INBOX_ministry).
func InboxPrefix(name string) string { return "_INBOX_" + name }

// Permissions are the subjects an identity may publish and subscribe to;
// everything else is denied.
type Permissions struct {
	Publish   []string
	Subscribe []string
}

// PermissionsFor returns the permissions of an identity; nil for Admin,
// which may do everything.
func PermissionsFor(name string) (*Permissions, error) {
	switch name {
	case Admin:
		return nil, nil
	case Ministry:
		p := &Permissions{Subscribe: []string{InboxPrefix(name) + ".>"}}
		cert := eventbus.ContextStream("certification").Name
		p.Publish = append(p.Publish, consumerSubjects(cert, MinistryDurable)...)
		// Beyond what a service needs: the stream's state (the nats CLI
		// looks it up), and deleting its own durable to start again from
		// the first event.
		p.Publish = append(p.Publish,
			"$JS.API.STREAM.INFO."+cert,
			"$JS.API.CONSUMER.DELETE."+cert+"."+MinistryDurable)
		return p, nil
	}
	consumers, ok := services[name]
	if !ok {
		return nil, fmt.Errorf("natsauth: unknown identity %q", name)
	}
	own := eventbus.ContextStream(name)
	p := &Permissions{Subscribe: []string{InboxPrefix(name) + ".>"}}
	// Its own events (the outbox relay) and its own stream, which it
	// creates and keeps up to date at every start (eventbus.EnsureStream).
	p.Publish = append(p.Publish, own.Subjects...)
	p.Publish = append(p.Publish, streamSubjects(own.Name, "INFO", "CREATE", "UPDATE")...)
	for _, c := range consumers {
		stream := eventbus.ContextStream(c.context).Name
		// INFO and CREATE, never UPDATE: a consumer may create the
		// stream it reads when its owner has not started yet (same
		// configuration), but only the owner changes it.
		p.Publish = append(p.Publish, streamSubjects(stream, "INFO", "CREATE")...)
		p.Publish = append(p.Publish, consumerSubjects(stream, c.durable)...)
	}
	p.Publish = compact(p.Publish)
	return p, nil
}

func streamSubjects(stream string, ops ...string) []string {
	out := make([]string, 0, len(ops))
	for _, op := range ops {
		out = append(out, "$JS.API.STREAM."+op+"."+stream)
	}
	return out
}

// consumerSubjects are what reading through one durable pull consumer
// takes: create or update it (the client appends the filter subject when
// there is one), pull, and acknowledge; and read its info, which the
// consumer lag metric reports (svcrun).
func consumerSubjects(stream, durable string) []string {
	sd := stream + "." + durable
	return []string{
		"$JS.API.CONSUMER.CREATE." + sd,
		"$JS.API.CONSUMER.CREATE." + sd + ".>",
		"$JS.API.CONSUMER.MSG.NEXT." + sd,
		"$JS.API.CONSUMER.INFO." + sd,
		"$JS.ACK." + sd + ".>",
	}
}

// compact sorts and removes duplicates (two consumers on one stream both
// need its INFO and CREATE).
func compact(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
