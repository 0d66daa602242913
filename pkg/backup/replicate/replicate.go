// Package replicate completes a destination's copy of a backup, or of the
// PITR archive, by hand (`arca copy`, docs/runbooks/copy-missing.md): what
// the uploader's copy job and the writers' mirror do, for a copy they gave
// up on or a destination added later.
//
//	Backup:  first other destination whose manifest authenticates ─► object (checked against the
//	         manifest's SHA-256 as it is stored) ─► manifest ─► verify the new copy there ─► sealed verified.json
//	Archive: every base backup object and WAL segment the destination lacks, from the first that has it
package replicate

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// Options name the backup and where it goes.
type Options struct {
	BackupID string
	Tenant   string // "" searches every folder; else only the tenant's
	// From are the destinations to copy from, in order; To the one to
	// complete (Primary: it is the primary, whose events name no
	// destination).
	From    destinations.Set
	To      destinations.Destination
	Primary bool
	// Writes is how To writes backups (its own storage classes, Object
	// Lock and SSE-KMS key): the copy is written as the uploader's copy
	// job would write it there.
	Writes backup.Writes
	Layout backup.Layout
	Keys   backup.Keys
	// Try runs fn against From until one serves it (nil: From.Try); the
	// CLI's says which destination could not serve it and why.
	Try func(ctx context.Context, set destinations.Set, fn func(context.Context, destinations.Destination) error) (string, error)
	By  string           // who copies, for the events
	Now func() time.Time // nil: time.Now
}

// Result is what was copied and how its verification went.
type Result struct {
	From     string // the destination the copy came from
	Manifest backup.Manifest
	Verified verify.Result
	// Events are the copy's outcome (messages.CopyOutcome.Events), for the
	// caller to publish where the catalog and the alerter hear of them:
	// set whenever the copy was attempted, failed or not.
	Events []messages.Event
}

// Backup copies one backup (its object, then its manifest, the copy's
// commit point) from the first destination of From whose copy
// authenticates and whose bytes are the manifest's, verifies the new copy
// where it is and records verified.json there. The error is the copy's
// failure, or the new copy's failed verification (a *verify.Failure).
func Backup(ctx context.Context, o Options) (Result, error) {
	if o.Try == nil {
		o.Try = func(ctx context.Context, set destinations.Set, fn func(context.Context, destinations.Destination) error) (string, error) {
			return set.Try(ctx, fn)
		}
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var res Result
	var e backup.Entry
	from, err := o.Try(ctx, o.From, func(ctx context.Context, d destinations.Destination) error {
		var err error
		if e, err = (backup.Repository{Store: d.Store, Layout: o.Layout, Keys: o.Keys}).Get(ctx, o.BackupID, o.Tenant); err != nil {
			return err
		}
		// Copy refuses bytes that are not the authenticated manifest's
		// (the next destination is then tried), and the new copy is
		// verified in full below: no read-back here.
		sum, err := hex.DecodeString(e.Manifest.Object.SHA256)
		if err != nil {
			return err
		}
		kind, tenant, now := e.Manifest.Kind, e.Manifest.Tenant, o.Now()
		if _, err := destinations.Copy(ctx, d.Store, o.To.Store, e.Manifest.Object.Key, sum, o.Writes.Object(kind, tenant, now)...); err != nil {
			return err
		}
		return destinations.CopyDocument(ctx, d.Store, o.To.Store, e.Key, o.Writes.Manifest(kind, tenant, now)...)
	})
	res.From, res.Manifest = from, e.Manifest
	outcome := messages.CopyOutcome{Ref: messages.Ref{Tenant: o.Tenant, BackupID: o.BackupID}, Destination: o.To.Name, Primary: o.Primary, By: o.By}
	if e.Manifest.BackupID != "" {
		outcome.Ref = messages.Ref{Tenant: e.Manifest.Tenant, BackupID: e.Manifest.BackupID, Kind: messages.Kind(e.Manifest.Kind)}
	}
	if err != nil {
		outcome.CopyErr = err
		res.Events = outcome.Events()
		return res, err
	}
	ref, err := o.Layout.Ref(e.Key)
	if err != nil {
		return res, err
	}
	res.Verified, err = verify.Stored(ctx, backup.Repository{Store: o.To.Store, Layout: o.Layout, Keys: o.Keys}, e.Key)
	if !verify.Judged(err) {
		// No verdict on the copy (the destination could not be read
		// back, a key the keyring lacks): record nothing, which would
		// replace a passed verification, and report the copy alone.
		outcome.Bytes = e.Manifest.Object.Size
		res.Events = outcome.Events()[:1]
		return res, fmt.Errorf("copy %s to %s: the copy could not be verified: %w", e.Manifest.BackupID, o.To.Name, err)
	}
	v := res.Verified.Record(err, o.To.Name, o.Now().UTC())
	v.BackupID = e.Manifest.BackupID // a failure that read no manifest names none
	key, doc, serr := o.Layout.SealVerification(ctx, ref, v, o.Keys)
	if serr != nil {
		return res, serr
	}
	// Under the destination's own SSE-KMS key, as the copy itself.
	to := objstore.KMSEncrypted{Store: o.To.Store, KeyID: o.Writes.SSEKMSKeyID}
	if _, serr := to.Put(ctx, key, bytes.NewReader(doc), int64(len(doc))); serr != nil {
		return res, serr
	}
	outcome.VerifyErr, outcome.Bytes = err, res.Verified.ObjectBytes
	res.Events = outcome.Events()
	if err != nil {
		return res, fmt.Errorf("copy %s to %s: the copy does not verify: %w", e.Manifest.BackupID, o.To.Name, err)
	}
	return res, nil
}

// Archive copies the base backups' objects and the WAL segments to lacks
// from from (a destinations.Reader: each from the first destination that
// has it), base backups first. Each copy keeps the tags and storage class
// its writer gave it (a segment's plaintext digest, which wal-push's
// "already archived" check reads) and is written under to's own SSE-KMS
// key (w.SSEKMSKeyID) when it has one; to itself adds its Object Lock
// retention (stack.RetainedIn).
func Archive(ctx context.Context, from, to objstore.Store, layout backup.Layout, w backup.Writes) (destinations.SyncReport, error) {
	var opts []objstore.Option
	if w.SSEKMSKeyID != "" {
		opts = append(opts, objstore.WithSSEKMS(w.SSEKMSKeyID))
	}
	var total destinations.SyncReport
	for _, folder := range []string{"base", "wal"} {
		rep, err := destinations.Sync(ctx, from, to, layout.KindPrefix(folder), opts...)
		total.Copied, total.Bytes, total.Had = total.Copied+rep.Copied, total.Bytes+rep.Bytes, total.Had+rep.Had
		if err != nil {
			return total, err
		}
	}
	return total, nil
}
