package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/titrepro/titrepro/services/certification"
)

// certificateKeyFiles returns where the all-in-one keeps the certificate
// signing key and the public keys retired by rotations: the data folder.
func certificateKeyFiles(dataDir string) (keyFile, retiredFile string) {
	return filepath.Join(dataDir, "certificate-ed25519.pem"), filepath.Join(dataDir, "certificate-keys-retired.json")
}

// certificateKey runs `titrepro certificate-key rotate`: a fresh signing
// key replaces the current one, whose public key joins the retired keys
// so that every certificate issued so far still verifies. Restart the
// server afterwards to sign with the new key. --key-file and
// --retired-keys-file name the files of a standalone certification
// service (CERTIFICATE_KEY_FILE, CERTIFICATE_RETIRED_KEYS_FILE).
func certificateKey(cfg config, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "rotate" {
		return errors.New("usage: titrepro certificate-key rotate [--key-file FILE --retired-keys-file FILE]")
	}
	keyFile, retiredFile := certificateKeyFiles(cfg.DataDir)
	fs := flag.NewFlagSet("certificate-key rotate", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&keyFile, "key-file", keyFile, "the signing key (PKCS#8 PEM)")
	fs.StringVar(&retiredFile, "retired-keys-file", retiredFile, "the retired public keys (JWK Set)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	r, err := certification.RotateSigningKey(certification.Config{SigningKeyFile: keyFile, RetiredKeysFile: retiredFile})
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, `certificate signing key rotated
  retired key %s: its public key is kept in %s, certificates it signed still verify
  new key     %s: signs certificates once the server is restarted
The retired private key was moved to %s: it signs nothing any more;
keep it offline with your backups, or destroy it. Back up %s and %s now.
`, r.RetiredKeyID, retiredFile, r.CurrentKeyID, r.RetiredKeyFile, keyFile, retiredFile)
	return err
}
