package stack

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/objstore/s3store"
)

// Store opens the configured bucket.
func Store(ctx context.Context, cfg config.Config) (objstore.Store, error) {
	return ObservedStore(ctx, cfg, nil)
}

// ObservedStore opens the bucket with S3 retries and throttles reported to
// obs (metrics).
func ObservedStore(ctx context.Context, cfg config.Config, obs s3store.Observer) (objstore.Store, error) {
	return OpenDestination(ctx, cfg.Destinations()[0], obs)
}

// OpenDestination opens one destination's store.
func OpenDestination(ctx context.Context, d config.Destination, obs s3store.Observer) (objstore.Store, error) {
	switch d.Kind {
	case "fs":
		return fsstore.New(d.FS.Dir)
	case "s3":
		s3 := d.S3
		return s3store.New(ctx, s3store.Config{
			Endpoint: s3.Endpoint, Region: s3.Region, Bucket: s3.Bucket, PathStyle: s3.PathStyle,
			AccessKey: os.Getenv(s3.AccessKeyEnv), SecretKey: os.Getenv(s3.SecretKeyEnv), Observer: obs,
		})
	}
	return nil, fmt.Errorf("destination %s: store kind %q is not fs or s3", d.Name, d.Kind)
}

// Destinations opens every destination, the primary first (the order
// restore tries them in).
func Destinations(ctx context.Context, cfg config.Config) (destinations.Set, error) {
	var set destinations.Set
	for _, d := range cfg.Destinations() {
		s, err := OpenDestination(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		set = append(set, destinations.Destination{Name: d.Name, Store: s})
	}
	return set, nil
}

// WriterStore is the bucket for the writers outside the pipeline (wal-push,
// the WAL agent, wal-receive, backup base): with store.s3.object_lock set,
// every object they write carries its own retention (operational days),
// never only the bucket's default, which some servers let a holder of
// s3:PutObjectRetention shorten (docs/runbooks/gameday-ransomware.md).
// Every object is copied on to each further destination that takes base
// backups (Mirrored); a copy that fails is said on stderr.
func WriterStore(ctx context.Context, cfg config.Config) (objstore.Store, error) {
	s, err := Store(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return Mirrored(ctx, cfg, retained(s, cfg.Store.S3.ObjectLock, cfg.Retention.Operational), func(key, d string, err error) {
		fmt.Fprintf(os.Stderr, "arca: copy %s to destination %s failed (the primary has it; arca copy --archive --to %s completes it): %v\n", key, d, d, err)
	})
}

// Mirrored is primary with every object written to it copied on to each
// further destination that takes base backups: the base backups and the
// WAL archive, which a PITR restore needs together (docs/DESIGN.md §10
// item 30). failed is told of each copy that failed. Without such a
// destination it is primary itself.
func Mirrored(ctx context.Context, cfg config.Config, primary objstore.Store, failed func(key, destination string, err error)) (objstore.Store, error) {
	copies, err := ArchiveCopies(ctx, cfg)
	if err != nil || len(copies) == 0 {
		return primary, err
	}
	return destinations.Mirror{Store: primary, Copies: copies, Failed: failed}, nil
}

// ArchiveCopies opens the further destinations that take base backups,
// and with them the WAL archive; each writes its objects under its own
// Object Lock retention (its operational days) when it has one, and its
// own SSE-KMS key (archiveWriter).
func ArchiveCopies(ctx context.Context, cfg config.Config) (destinations.Set, error) {
	var set destinations.Set
	for _, d := range cfg.Destinations()[1:] {
		if !d.Takes("base") {
			continue
		}
		s, err := OpenDestination(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		set = append(set, destinations.Destination{Name: d.Name, Store: archiveWriter(s, d)})
	}
	return set, nil
}

// RetainedIn is the destination's store writing each object under the
// destination's Object Lock retention (operational days) and SSE-KMS key,
// as the writers' mirror does: what arca copy --archive writes into a
// destination.
func RetainedIn(cfg config.Config, d destinations.Destination) objstore.Store {
	c, ok := cfg.Destination(d.Name)
	if !ok {
		return d.Store
	}
	return archiveWriter(d.Store, c)
}

// archiveWriter is s writing each object under the destination's Object
// Lock retention (operational days) and its own SSE-KMS key, as the
// copies of the PITR archive are written there.
func archiveWriter(s objstore.Store, d config.Destination) objstore.Store {
	s = retained(s, d.S3.ObjectLock, d.Retention.Operational)
	// A base backup copied with the class it was taken in takes the
	// destination's own base class when it names one.
	s = objstore.InClass(s, d.S3.StorageClasses["base"])
	if d.S3.SSEKMSKeyID == "" {
		return s
	}
	return objstore.KMSEncrypted{Store: s, KeyID: d.S3.SSEKMSKeyID}
}

// retained is s writing each object under lock mode for days, or s when
// the destination has no Object Lock.
func retained(s objstore.Store, mode string, days config.Duration) objstore.Store {
	if mode == "" {
		return s
	}
	return objstore.Retained{Store: s, Mode: objstore.LockMode(mode), Retain: time.Duration(days)}
}

// Layout is the bucket layout under the configured prefix.
func Layout(cfg config.Config) backup.Layout { return backup.Layout{Prefix: cfg.Store.Prefix} }
