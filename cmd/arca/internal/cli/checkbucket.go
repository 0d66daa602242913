package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// checkBucket checks every destination (store.destinations), the
// primary first.
func (a *app) checkBucket(ctx context.Context, c *checks) {
	ds := a.cfg.Destinations()
	for i, d := range ds {
		where := a.bucketName()
		if i > 0 {
			where = destinationName(d, a.cfg.Store.Prefix)
		}
		if len(ds) > 1 {
			where = "destination " + d.Name + " " + where
		}
		a.checkDestination(ctx, c, d, where)
	}
}

func destinationName(d config.Destination, prefix string) string {
	if d.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", d.S3.Bucket, prefix)
	}
	return d.FS.Dir
}

// checkDestination writes, reads, lists and deletes a probe object under
// the prefix, and on S3 reads the bucket's versioning and Object Lock
// settings.
func (a *app) checkDestination(ctx context.Context, c *checks, d config.Destination, where string) {
	store, err := stack.OpenDestination(ctx, d, nil)
	if err != nil {
		c.fail("bucket", "%s: %s", where, OneLine(err))
		return
	}
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	key := backupLayout(a).KindPrefix(".arca-check") + hex.EncodeToString(id)
	body := []byte("arca check probe")
	if _, err := store.Put(ctx, key, bytes.NewReader(body), int64(len(body))); err != nil {
		c.fail("bucket", "%s: write %s: %s", where, key, OneLine(err))
		return
	}
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err == nil {
		var got []byte
		got, err = io.ReadAll(rc)
		rc.Close()
		if err == nil && !bytes.Equal(got, body) {
			err = errors.New("read back other bytes")
		}
	}
	if err != nil {
		c.fail("bucket", "%s: read %s: %s", where, key, OneLine(err))
	}
	listed := false
	for info, err := range store.List(ctx, key) {
		if err != nil {
			c.fail("bucket", "%s: list: %s", where, OneLine(err))
			break
		}
		listed = listed || info.Key == key
	}
	if !listed {
		c.fail("bucket", "%s: the probe %s does not list", where, key)
	}
	if err := store.Delete(ctx, key); err != nil {
		if errors.Is(err, objstore.ErrLocked) {
			c.warn("bucket", "%s: the probe %s is under default Object Lock retention and stays until it ends", where, key)
		} else {
			c.fail("bucket", "%s: delete %s: %s (retention prunes with delete)", where, key, OneLine(err))
		}
	}
	if s3s, ok := store.(*s3store.Store); ok {
		a.checkS3Settings(ctx, c, s3s.Client(), d.S3, where)
		return
	}
	c.ok("bucket", "%s: write, read, list, delete", where)
}

func (a *app) bucketName() string {
	if a.cfg.Store.Kind == "s3" {
		return fmt.Sprintf("s3://%s/%s", a.cfg.Store.S3.Bucket, a.cfg.Store.Prefix)
	}
	return a.cfg.Store.FS.Dir
}

func (a *app) checkS3Settings(ctx context.Context, c *checks, client *s3.Client, s3cfg config.S3Store, where string) {
	bucket := aws.String(s3cfg.Bucket)
	ver, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	versioned := false
	switch {
	case err != nil:
		c.warn("bucket", "%s: versioning unknown: %s", where, OneLine(err))
	case ver.Status == types.BucketVersioningStatusEnabled:
		versioned = true
	default:
		c.warn("bucket", "%s: versioning is not enabled: an overwritten or deleted backup cannot be recovered", where)
	}
	lock := "no Object Lock"
	cfg, err := client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: bucket})
	enabled := err == nil && cfg.ObjectLockConfiguration != nil && cfg.ObjectLockConfiguration.ObjectLockEnabled == types.ObjectLockEnabledEnabled
	if enabled {
		lock = "Object Lock enabled"
		if r := cfg.ObjectLockConfiguration.Rule; r != nil && r.DefaultRetention != nil {
			lock += fmt.Sprintf(" (default %s)", r.DefaultRetention.Mode)
		}
	}
	if want := s3cfg.ObjectLock; want != "" && !enabled {
		c.fail("bucket", "%s: store.s3.object_lock is %s but the bucket has no Object Lock (it can only be enabled when the bucket is created, or with versioning on)", where, want)
	}
	state := "versioning off"
	if versioned {
		state = "versioning on"
	}
	c.ok("bucket", "%s: write, read, list, delete; %s, %s", where, state, lock)
}
