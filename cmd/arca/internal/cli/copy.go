package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// copyCmd completes a backup's copy in one destination by hand: what the
// uploader's copy job does, for a copy it gave up on (docs/runbooks/copy-missing.md).
func (a *app) copyCmd() *cobra.Command {
	var to, tenant string
	var archive bool
	cmd := &cobra.Command{
		Use:   "copy {BACKUP-ID | --archive} --to DESTINATION",
		Short: "Copy a backup (or the WAL archive) into one destination from the other ones, then verify it there",
		Long: `Copies a backup (its object, then its manifest) into the destination --to names, from the first other
destination whose copy verifies against its manifest, checks the bytes against the manifest's SHA-256 as
they are stored, verifies the new copy where it is and records verified.json there.

With --archive, copies every base backup object and WAL segment the destination lacks from the first other
destination that has it: what wal-push and backup base could not copy when the destination was down, or the
whole archive into a destination added later, or back into a primary that lost it.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if archive != (len(args) == 0) {
				return usageError{errors.New("name a backup id, or --archive")}
			}
			set, keys, err := a.openDestinations(ctx)
			if err != nil {
				return err
			}
			dst, ok := set.Get(to)
			if !ok {
				return usageError{fmt.Errorf("--to %q: not one of %v (store.destinations)", to, set.Names())}
			}
			var others destinations.Set
			for _, d := range set {
				if d.Name != to {
					others = append(others, d)
				}
			}
			if archive {
				return a.copyArchive(ctx, others, dst)
			}
			var e backup.Entry
			from, err := a.tryDestinations(ctx, others, "copy "+args[0], func(ctx context.Context, d destinations.Destination) error {
				var err error
				if e, err = a.repo(d.Store, keys).Get(ctx, args[0], tenant); err != nil {
					return err
				}
				// Copy refuses bytes that are not the authenticated
				// manifest's (the next destination is then tried), and the
				// new copy is verified in full below: no read-back here.
				sum, err := hex.DecodeString(e.Manifest.Object.SHA256)
				if err != nil {
					return err
				}
				if _, err := destinations.Copy(ctx, d.Store, dst.Store, e.Manifest.Object.Key, sum); err != nil {
					return err
				}
				return copyObject(ctx, d.Store, dst.Store, e.Key)
			})
			outcome := messages.CopyOutcome{Ref: messages.Ref{Tenant: tenant, BackupID: args[0]}, Destination: dst.Name,
				Primary: dst.Name == set.Primary().Name, By: "arca copy"}
			if e.Manifest.BackupID != "" {
				outcome.Ref = messages.Ref{Tenant: e.Manifest.Tenant, BackupID: e.Manifest.BackupID, Kind: messages.Kind(e.Manifest.Kind)}
			}
			var usage usageError
			if err != nil && !errors.As(err, &usage) {
				outcome.CopyErr = err
				a.recordEvents(ctx, outcome.Events()...)
			}
			if err != nil {
				return err
			}
			res, verr := verify.Stored(ctx, a.repo(dst.Store, keys), e.Key)
			v := backup.Verification{BackupID: e.Manifest.BackupID, Verified: verr == nil, CheckedAt: time.Now().UTC(),
				Duration: res.Duration.String(), ObjectBytes: res.ObjectBytes, PlainBytes: res.PlainBytes, Tables: len(res.Tables), Destination: dst.Name}
			for _, t := range res.Tables {
				v.Rows += t.Rows
			}
			if verr != nil {
				v.Reason = verr.Error()
			}
			ref, err := backupLayout(a).Ref(e.Key)
			if err != nil {
				return err
			}
			key, doc, err := backupLayout(a).SealVerification(ctx, ref, v, keys)
			if err != nil {
				return err
			}
			if _, err := dst.Store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc))); err != nil {
				return err
			}
			outcome.VerifyErr, outcome.Bytes = verr, res.ObjectBytes
			a.recordEvents(ctx, outcome.Events()...)
			if verr != nil {
				return fmt.Errorf("copy %s to %s: the copy does not verify: %w", e.Manifest.BackupID, dst.Name, verr)
			}
			fmt.Fprintf(a.out, "copied backup %s from destination %s to %s and verified it there (%s)\n", e.Manifest.BackupID, from, dst.Name, human(res.ObjectBytes))
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the destination to complete (store.destinations)")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (searches only its folder)")
	cmd.Flags().BoolVar(&archive, "archive", false, "copy the base backups and WAL the destination lacks")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// recordEvents publishes events when NATS answers, so that the catalog and
// the alerter hear of what the command did; without NATS the command's
// output is the record.
func (a *app) recordEvents(ctx context.Context, events ...messages.Event) {
	conn, err := stack.Connect(ctx, a.cfg, "copy")
	if err != nil {
		fmt.Fprintln(a.errOut, "arca: not recorded (NATS):", OneLine(err))
		return
	}
	defer conn.Close()
	pub := jobs.NewPublisher(conn.JS)
	for _, e := range events {
		if err := pub.Event(ctx, e); err != nil {
			fmt.Fprintln(a.errOut, "arca: not recorded:", OneLine(err))
			return
		}
	}
}

// copyArchive copies the base backups' objects and the WAL segments dst
// lacks from the first of the others that has each.
func (a *app) copyArchive(ctx context.Context, others destinations.Set, dst destinations.Destination) error {
	from := a.fallbackReader(others)
	to := stack.RetainedIn(a.cfg, dst)
	var total destinations.SyncReport
	for _, folder := range []string{"base", "wal"} {
		rep, err := destinations.Sync(ctx, from, to, stack.Layout(a.cfg).KindPrefix(folder))
		total.Copied, total.Bytes, total.Had = total.Copied+rep.Copied, total.Bytes+rep.Bytes, total.Had+rep.Had
		if err != nil {
			return fmt.Errorf("copy the archive to %s (%d objects copied): %w", dst.Name, total.Copied, err)
		}
	}
	fmt.Fprintf(a.out, "copied %d objects (%s) of the base backups and WAL archive to destination %s; it held %d already\n",
		total.Copied, human(total.Bytes), dst.Name, total.Had)
	return nil
}

// copyObject copies a small object (a manifest) as it is.
func copyObject(ctx context.Context, from, to objstore.Store, key string) error {
	rc, err := from.Get(ctx, key, objstore.Range{})
	if err != nil {
		return err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	doc, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	if err != nil {
		return err
	}
	if _, err := to.Put(ctx, key, bytes.NewReader(doc), int64(len(doc))); err != nil {
		return fmt.Errorf("copy %s: %w", key, err)
	}
	return nil
}
