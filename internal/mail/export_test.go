package mail

import "crypto/tls"

// SetTLSConfig makes an SMTP sender trust what c trusts (a test server's
// certificate).
func SetTLSConfig(s Sender, c *tls.Config) { s.(*SMTP).tlsConfig = c }
