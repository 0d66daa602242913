package health

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

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"

	"github.com/arcabackup/arca/pkg/messages"
)

// Bucket is what the bucket check needs to know.
type Bucket struct {
	Store  objstore.Store
	Layout backup.Layout
	Where  string // the bucket as an operator names it, for the findings
	// S3Bucket and ObjectLock are the configured bucket name and
	// store.s3.object_lock, read when Store is on S3.
	S3Bucket, ObjectLock string
}

// CheckBucket writes, reads, lists and deletes a probe object under the
// prefix, and on S3 reads the bucket's versioning and Object Lock settings.
func CheckBucket(ctx context.Context, f *Findings, b Bucket) {
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	key := b.Layout.KindPrefix(".arca-check") + hex.EncodeToString(id)
	body := []byte("arca check probe")
	if _, err := b.Store.Put(ctx, key, bytes.NewReader(body), int64(len(body))); err != nil {
		f.Fail("bucket", "%s: write %s: %s", b.Where, key, messages.OneLine(err))
		return
	}
	rc, err := b.Store.Get(ctx, key, objstore.Range{})
	if err == nil {
		var got []byte
		got, err = io.ReadAll(rc)
		_ = rc.Close() // read side: a close error loses nothing
		if err == nil && !bytes.Equal(got, body) {
			err = errors.New("read back other bytes")
		}
	}
	if err != nil {
		f.Fail("bucket", "%s: read %s: %s", b.Where, key, messages.OneLine(err))
	}
	listed := false
	for info, err := range b.Store.List(ctx, key) {
		if err != nil {
			f.Fail("bucket", "%s: list: %s", b.Where, messages.OneLine(err))
			break
		}
		listed = listed || info.Key == key
	}
	if !listed {
		f.Fail("bucket", "%s: the probe %s does not list", b.Where, key)
	}
	if err := b.Store.Delete(ctx, key); err != nil {
		if errors.Is(err, objstore.ErrLocked) {
			f.Warn("bucket", "%s: the probe %s is under default Object Lock retention and stays until it ends", b.Where, key)
		} else {
			f.Fail("bucket", "%s: delete %s: %s (retention prunes with delete)", b.Where, key, messages.OneLine(err))
		}
	}
	if s3s, ok := b.Store.(*s3store.Store); ok {
		checkS3Settings(ctx, f, s3s.Client(), b)
		return
	}
	f.OK("bucket", "%s: write, read, list, delete", b.Where)
}

func checkS3Settings(ctx context.Context, f *Findings, client *s3.Client, b Bucket) {
	bucket := aws.String(b.S3Bucket)
	ver, err := client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: bucket})
	versioned := false
	switch {
	case err != nil:
		f.Warn("bucket", "%s: versioning unknown: %s", b.Where, messages.OneLine(err))
	case ver.Status == types.BucketVersioningStatusEnabled:
		versioned = true
	default:
		f.Warn("bucket", "%s: versioning is not enabled: an overwritten or deleted backup cannot be recovered", b.Where)
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
	if b.ObjectLock != "" && !enabled {
		f.Fail("bucket", "%s: store.s3.object_lock is %s but the bucket has no Object Lock (it can only be enabled when the bucket is created, or with versioning on)", b.Where, b.ObjectLock)
	}
	state := "versioning off"
	if versioned {
		state = "versioning on"
	}
	f.OK("bucket", "%s: write, read, list, delete; %s, %s", b.Where, state, lock)
}
