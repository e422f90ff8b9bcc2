package eventbus

import (
	"log/slog"

	"github.com/nats-io/nats.go"
)

// ConnectOptions are the options of every titrepro connection to NATS,
// besides who it is (natsauth): the client name, reconnecting for ever (a
// service outlives any broker outage; its relay and consumers resume), and
// the server's asynchronous errors in the log. A refused permission shows
// there with the subject it names ("Permissions Violation for Publish to
// ..."), where the request that ran into it only sees a timeout.
func ConnectOptions(name string, log *slog.Logger) []nats.Option {
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "nats", "client", name)
	return []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			if sub != nil {
				log.Error("nats: error", "subscription", sub.Subject, "err", err)
				return
			}
			log.Error("nats: error", "err", err)
		}),
	}
}
