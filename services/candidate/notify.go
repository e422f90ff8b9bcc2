package candidate

import (
	"context"
	"sync"
	"time"

	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/internal/sqldb"
	"github.com/titrepro/titrepro/internal/svcrun"

	"github.com/titrepro/titrepro/services/candidate/internal/adapters/mailrelay"
	"github.com/titrepro/titrepro/services/candidate/internal/adapters/sqlstore"
	"github.com/titrepro/titrepro/services/candidate/internal/app/notify"
	"github.com/titrepro/titrepro/services/candidate/internal/domain/notice"
	"github.com/titrepro/titrepro/services/candidate/internal/ports"
)

// notifications are the service's e-mail notifications (issue 8 §8): the
// consumers that write messages to the mail outbox in their inbox
// transaction, and the relay that sends it. The relay is stopped through
// Infra.Own, after the consumers and before the database closes.
type notifications struct {
	consumers *ports.Notifications
	relay     *mailrelay.Relay

	mu      sync.Mutex
	stop    context.CancelFunc
	stopped chan struct{}
}

func newNotifications(in *svcrun.Infra, cfg mail.Config, now func() time.Time, firstRetry time.Duration) (*notifications, error) {
	sender, err := mail.New(cfg)
	if err != nil {
		return nil, err
	}
	if cfg.Host == "" {
		in.Log.Warn("no SMTP server configured: notifications are written as .eml files to the pickup folder",
			"pickup_dir", cfg.PickupDir)
	}
	n := &notifications{relay: mailrelay.New(sqlstore.NewMailOutbox(in.DB), sender, in.Log, mailrelay.Options{FirstRetry: firstRetry})}
	n.consumers = ports.NewNotifications(notify.New(now), func(tx *sqldb.Tx) notice.Store {
		return sqlstore.NewNoticeStore(tx, n.relay.Wake, now)
	}, in.Log)
	in.Own(n)
	return n, nil
}

// start runs the mail relay until Close.
func (n *notifications) start(ctx context.Context) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stop != nil {
		return
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	n.stop, n.stopped = cancel, make(chan struct{})
	go func() {
		defer close(n.stopped)
		_ = n.relay.Run(rctx)
	}()
}

// Close stops the mail relay and waits for it: it records the outcome of
// the message in hand first.
func (n *notifications) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stop != nil {
		n.stop()
		<-n.stopped
	}
	return nil
}

// NotificationMessageID is the Message-ID (without angle brackets) of the
// message of kind (e.g. "candidate_convocation") that the event eventID
// causes for a recipient ("candidate:<id>", "juror:<subject>"): operators
// find a message's row in mail_outbox by it, tests predict it.
func NotificationMessageID(eventID, kind, recipientKey string) string {
	return notice.MessageID(eventID, notice.Kind(kind), recipientKey)
}
