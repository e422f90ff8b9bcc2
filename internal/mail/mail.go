// Package mail sends e-mail: one Message at a time through an SMTP server
// (github.com/wneessen/go-mail), or, when no server is configured, into a
// pickup folder as .eml files that a local mail system (or a person) picks
// up. A Message carries its own Message-ID, so that a message sent twice
// (a crash between the server's acceptance and the sender's bookkeeping)
// can be recognised and dropped by the receiving mail system.
//
// The package knows nothing of what is sent or why; services keep their
// messages in a mail outbox and hand them to a Sender (services/candidate).
package mail

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one recipient.
type Message struct {
	// ID is the Message-ID without angle brackets, e.g.
	// "3f2a…@notifications.titrepro"; required.
	ID      string
	To      string // the recipient's address; required
	ToName  string // the recipient's display name, optional
	Subject string
	Text    string    // the text/plain body, UTF-8; required
	HTML    string    // an optional text/html alternative
	Date    time.Time // the Date header; zero means now
}

// Sender delivers one message. Its error says whether trying again later
// may help: see Permanent.
type Sender interface {
	Send(ctx context.Context, m Message) error
	// Describe says where messages go, for the logs (no secret).
	Describe() string
}

// PermanentError is a delivery the receiving server refused for good (an
// SMTP 5xx reply, an address it will never accept): retrying it cannot help.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent mail failure: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// Permanent reports whether err is a permanent failure. Any other error
// (a connection refused, a timeout, an SMTP 4xx reply) is temporary.
func Permanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// build returns the go-mail message of m, sent from from.
func build(from *mail.Address, m Message) (*gomail.Msg, error) {
	if m.ID == "" || m.To == "" || m.Text == "" {
		return nil, &PermanentError{Err: errors.New("mail: message without Message-ID, recipient or text")}
	}
	if strings.ContainsAny(m.ID, "<>\r\n ") || !strings.Contains(m.ID, "@") {
		return nil, &PermanentError{Err: fmt.Errorf("mail: malformed Message-ID %q", m.ID)}
	}
	msg := gomail.NewMsg(gomail.WithCharset(gomail.CharsetUTF8), gomail.WithEncoding(gomail.EncodingQP))
	msg.FromMailAddress(from)
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, &PermanentError{Err: fmt.Errorf("mail: recipient %q: %w", m.To, err)}
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID)
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	msg.SetDateWithValue(date)
	msg.SetUserAgent("titrepro")
	// Automatic replies (out of office) have nowhere useful to go.
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}
