package mail_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/titrepro/titrepro/internal/mail"
	"github.com/titrepro/titrepro/internal/mail/smtptest"
)

func message(id string) mail.Message {
	return mail.Message{
		ID: id + "@notifications.titrepro", To: "camille.martin@example.org", ToName: "Camille Martin",
		Subject: "Convocation à la session du lundi 15 juin 2026",
		Text:    "Madame, Monsieur,\n\nVous êtes convoqué·e à l'épreuve de synthèse.\n",
		HTML:    "<p>Vous êtes convoqué·e à l'épreuve de synthèse.</p>",
		Date:    time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC),
	}
}

func smtpConfig(t *testing.T, srv *smtptest.Server) mail.Config {
	t.Helper()
	env := map[string]string{
		"SMTP_HOST": srv.Host(), "SMTP_PORT": strconv.Itoa(srv.Port()), "SMTP_TLS": "none",
		"SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>", "SMTP_TIMEOUT": "5s",
	}
	cfg, err := mail.LoadConfig("", func(k string) string { return env[k] }, "")
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestSMTPSendsOneUTF8MessageWithItsMessageID(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	s, err := mail.New(smtpConfig(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), message("a1")); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	got := srv.WaitFor(t, 1, 5*time.Second)[0]
	if got.MessageID != "a1@notifications.titrepro" {
		t.Errorf("Message-ID = %q", got.MessageID)
	}
	if got.Subject != "Convocation à la session du lundi 15 juin 2026" {
		t.Errorf("Subject = %q", got.Subject)
	}
	if !strings.Contains(got.Text, "convoqué·e à l'épreuve") || !strings.Contains(got.HTML, "<p>Vous êtes") {
		t.Errorf("body = %q / %q", got.Text, got.HTML)
	}
	if got.From != "ne-pas-repondre@example.gouv.fr" || len(got.To) != 1 || got.To[0] != "camille.martin@example.org" {
		t.Errorf("envelope = %q -> %q", got.From, got.To)
	}
	if !strings.Contains(got.Header.Get("Content-Type"), "multipart/alternative") {
		t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
	}
}

func TestSMTPRefusalsAreTemporaryOrPermanent(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	s, err := mail.New(smtpConfig(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	srv.Refuse(1, 451)
	err = s.Send(context.Background(), message("t1"))
	if err == nil || mail.Permanent(err) {
		t.Fatalf("451: Send() = %v; want a temporary error", err)
	}
	srv.Refuse(1, 550)
	err = s.Send(context.Background(), message("p1"))
	if !mail.Permanent(err) {
		t.Fatalf("550: Send() = %v; want a permanent error", err)
	}
	if err := s.Send(context.Background(), message("ok")); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages accepted, want 1", n)
	}
	// Nobody listening: temporary.
	cfg := smtpConfig(t, srv)
	cfg.Port = 1
	s2, _ := mail.New(cfg)
	if err := s2.Send(context.Background(), message("x")); err == nil || mail.Permanent(err) {
		t.Fatalf("no server: Send() = %v; want a temporary error", err)
	}
}

func TestPickupWritesOneFilePerMessage(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "mail", "outgoing")
	cfg, err := mail.LoadConfig("TITREPRO_", func(string) string { return "" }, dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the same message twice is one file
		if err := s.Send(context.Background(), message("p1")); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != mail.FileName("p1@notifications.titrepro") {
		t.Fatalf("pickup folder holds %v", entries)
	}
	raw, err := os.ReadFile(filepath.Join(dir, entries[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	got, err := smtptest.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageID != "p1@notifications.titrepro" || !strings.Contains(got.Text, "épreuve de synthèse") ||
		!strings.Contains(got.Header.Get("From"), mail.DefaultFrom[strings.Index(mail.DefaultFrom, "<")+1:len(mail.DefaultFrom)-1]) {
		t.Fatalf("pickup file = %+v", got)
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := mail.LoadConfig("TITREPRO_", func(k string) string {
		return map[string]string{"TITREPRO_SMTP_HOST": "smtp.example.gouv.fr", "TITREPRO_SMTP_TLS": "tls",
			"TITREPRO_SMTP_USERNAME": "titrepro", "TITREPRO_SMTP_PASSWORD_FILE": pw,
			"TITREPRO_SMTP_FROM": "Titre professionnel <ne-pas-repondre@example.gouv.fr>"}[k]
	}, "ignored")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Port != 465 || cfg.Password != "s3cret" || cfg.PickupDir != "" {
		t.Fatalf("cfg = %+v", cfg)
	}
	if strings.Contains(cfg.String(), "s3cret") {
		t.Fatalf("String() shows the password: %s", cfg)
	}
	_, err = mail.LoadConfig("", func(k string) string {
		return map[string]string{"SMTP_HOST": "smtp.example.org", "SMTP_TLS": "ssl", "SMTP_PORT": "99999", "SMTP_USERNAME": "u"}[k]
	}, "")
	for _, want := range []string{"SMTP_TLS", "SMTP_PORT", "SMTP_FROM is required", "SMTP_USERNAME and SMTP_PASSWORD"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadConfig() = %v; want it to name %s", err, want)
		}
	}
}

func TestSMTPOverTLSWithAuthentication(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"starttls", "tls"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			srv := smtptest.StartWith(t, smtptest.Options{TLS: mode, Username: "titrepro", Password: "s3cret"})
			cfg := smtpConfig(t, srv)
			cfg.TLS = mail.TLSMode(mode)
			cfg.Username, cfg.Password = "titrepro", "s3cret"
			s, err := mail.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			mail.SetTLSConfig(s, srv.ClientTLS())
			if err := s.Send(context.Background(), message("tls-"+mode)); err != nil {
				t.Fatalf("Send() = %v", err)
			}
			if got := srv.WaitFor(t, 1, 5*time.Second); got[0].MessageID != "tls-"+mode+"@notifications.titrepro" {
				t.Fatalf("received %+v", got[0])
			}
			// A wrong password is refused for good; an untrusted certificate is not sent.
			cfg.Password = "wrong"
			bad, _ := mail.New(cfg)
			mail.SetTLSConfig(bad, srv.ClientTLS())
			if err := bad.Send(context.Background(), message("x")); err == nil {
				t.Fatal("a wrong password was accepted")
			}
			cfg.Password = "s3cret"
			untrusted, _ := mail.New(cfg)
			if err := untrusted.Send(context.Background(), message("y")); err == nil || mail.Permanent(err) {
				t.Fatalf("untrusted certificate: Send() = %v; want a temporary error", err)
			}
			if n := len(srv.Messages()); n != 1 {
				t.Fatalf("%d messages accepted, want 1", n)
			}
		})
	}
	// STARTTLS required: a server without it is not spoken to in clear.
	srv := smtptest.Start(t)
	cfg := smtpConfig(t, srv)
	cfg.TLS = mail.TLSStartTLS
	s, _ := mail.New(cfg)
	if err := s.Send(context.Background(), message("clear")); err == nil {
		t.Fatal("starttls mode sent in clear to a server without STARTTLS")
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages accepted in clear", n)
	}
}
