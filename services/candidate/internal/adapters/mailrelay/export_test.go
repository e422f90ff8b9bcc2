package mailrelay

import "github.com/titrepro/titrepro/services/candidate/internal/domain/notice"

// WithAfterSend sets the test hook run after the server accepted a message.
func WithAfterSend(o Options, f func(notice.Mail) (crash bool)) Options {
	o.afterSend = f
	return o
}

// ErrCrashed is what Run returns when the hook simulated a crash.
var ErrCrashed = errCrashed
