package certification

import (
	"fmt"
	"log/slog"

	"github.com/titrepro/titrepro/services/certification/internal/adapters/keyfile"
	"github.com/titrepro/titrepro/services/certification/internal/domain/certificate"
)

// loadKeyring returns the keys that verify certificates: the signer's and
// those retired by rotations (Config.RetiredKeysFile). The signing key
// itself is loaded by loadSigner; this adds the public keys only.
func loadKeyring(cfg Config, signer *certificate.Signer, log *slog.Logger) (certificate.Keyring, error) {
	retired, err := keyfile.ReadRetired(cfg.RetiredKeysFile)
	if err != nil {
		return nil, err
	}
	keys := certificate.NewKeyring(append(retired, signer.PublicKey())...)
	log.Info("certificate keyring loaded", "current_key_id", signer.KeyID(), "keys", len(keys))
	return keys, nil
}

// KeyRotation is what RotateSigningKey did.
type KeyRotation struct {
	RetiredKeyID   string // signed until now; its public key stays in the keyring
	CurrentKeyID   string // signs from the next start on
	RetiredKeyFile string // the retired private key: keep it offline or destroy it
}

// RotateSigningKey replaces the signing key in cfg.SigningKeyFile with a
// fresh one and adds the old public key to cfg.RetiredKeysFile, so that
// every certificate issued so far still verifies. Restart the service
// afterwards: it signs with the key it loaded until then (and those
// certificates verify too, the old key being retired, not removed).
func RotateSigningKey(cfg Config) (KeyRotation, error) {
	if cfg.SigningKeyFile == "" || cfg.RetiredKeysFile == "" {
		return KeyRotation{}, fmt.Errorf("certificate key rotation needs the signing key file and the retired keys file")
	}
	r, err := keyfile.Rotate(cfg.SigningKeyFile, cfg.RetiredKeysFile)
	if err != nil {
		return KeyRotation{}, err
	}
	return KeyRotation{RetiredKeyID: r.RetiredKeyID, CurrentKeyID: r.CurrentKeyID, RetiredKeyFile: r.RetiredKeyFile}, nil
}
