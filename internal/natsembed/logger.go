package natsembed

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"
)

// logger adapts the server's printf-style Logger interface to slog and keeps
// the first fatal message, which the server emits instead of returning an
// error when it cannot start.
type logger struct {
	log *slog.Logger

	mu       sync.Mutex
	fatalErr error
}

func newLogger(l *slog.Logger) *logger { return &logger{log: l} }

func (l *logger) fatal() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fatalErr
}

func (l *logger) Noticef(format string, v ...any) { l.log.Info(fmt.Sprintf(format, v...)) }
func (l *logger) Warnf(format string, v ...any)   { l.log.Warn(fmt.Sprintf(format, v...)) }
func (l *logger) Errorf(format string, v ...any)  { l.log.Error(fmt.Sprintf(format, v...)) }
func (l *logger) Debugf(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }
func (l *logger) Tracef(format string, v ...any)  { l.log.Debug(fmt.Sprintf(format, v...)) }

// Fatalf logs and records the message; unlike the stock logger it does not
// exit the process.
func (l *logger) Fatalf(format string, v ...any) {
	msg := fmt.Sprintf(format, v...)
	l.log.Error(msg)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fatalErr == nil {
		l.fatalErr = errors.New(msg)
	}
}
