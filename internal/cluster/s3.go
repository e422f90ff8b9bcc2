package cluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/titrepro/titrepro/internal/s3server"
)

// evidenceBucket is the bucket of the portfolio's evidence files.
const evidenceBucket = "evidence"

// ownS3 reports whether the topology runs its own object store: when
// Options.BlobURL is empty.
func (c *Cluster) ownS3() bool { return c.opts.BlobURL == "" }

// S3Addr is where the topology's object store listens.
func (c *Cluster) S3Addr() string { return fmt.Sprintf("127.0.0.1:%d", c.ports.S3) }

// BlobURL is the portfolio service's BLOB_URL.
func (c *Cluster) BlobURL() string {
	if c.ownS3() {
		return s3server.BlobURL(c.S3Addr(), evidenceBucket)
	}
	return c.opts.BlobURL
}

// s3Keys returns the object store's root key pair, made at the first start
// and kept in DataDir/s3/credentials (0600): the services of the next start
// must reach the data of this one.
func (c *Cluster) s3Keys() (access, secret string, err error) {
	path := filepath.Join(c.opts.DataDir, "s3", "credentials")
	if b, err := os.ReadFile(path); err == nil {
		access, secret, ok := strings.Cut(strings.TrimSpace(string(b)), "\n")
		if !ok || access == "" || secret == "" {
			return "", "", fmt.Errorf("cluster: %s: want the access key and the secret key on two lines", path)
		}
		return access, secret, nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", "", err
	}
	random := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b) // never fails (crypto/rand)
		return hex.EncodeToString(b)
	}
	access, secret = "titrepro-"+random(6), random(24)
	if err := os.WriteFile(path, []byte(access+"\n"+secret+"\n"), 0o600); err != nil {
		return "", "", err
	}
	return access, secret, nil
}

// startS3 starts the object store over DataDir/s3/data, the evidence
// bucket created, and waits until it answers.
func (c *Cluster) startS3(ctx context.Context) error {
	access, secret, err := c.s3Keys()
	if err != nil {
		return err
	}
	data := filepath.Join(c.opts.DataDir, "s3", "data")
	if err := s3server.CreateBucket(data, evidenceBucket); err != nil {
		return err
	}
	p := c.newProcess("s3", c.bin("versitygw"), s3server.Args(c.S3Addr(), data, access, secret), map[string]string{})
	if err := c.add(ctx, p); err != nil {
		return err
	}
	// Any HTTP answer will do (an unsigned request is refused with 403).
	return c.waitHTTP(ctx, "s3", "http://"+c.S3Addr()+"/", 30*time.Second, anyStatus)
}

// s3Env is what the portfolio service needs to reach the topology's
// object store.
func (c *Cluster) s3Env(env map[string]string) error {
	access, secret, err := c.s3Keys()
	if err != nil {
		return err
	}
	env["AWS_ACCESS_KEY_ID"] = access
	env["AWS_SECRET_ACCESS_KEY"] = secret
	env["AWS_EC2_METADATA_DISABLED"] = "true" // no look-up of a cloud instance's role
	return nil
}
