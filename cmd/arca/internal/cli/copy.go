package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// copyCmd completes a backup's copy in one destination by hand: what the
// uploader's copy job does, for a copy it gave up on (docs/runbooks/copy-missing.md).
func (a *app) copyCmd() *cobra.Command {
	var to, tenant string
	cmd := &cobra.Command{
		Use:   "copy BACKUP-ID --to DESTINATION",
		Short: "Copy a backup into one destination from the first other one whose copy verifies, then verify it there",
		Long: `Copies a backup (its object, then its manifest) into the destination --to names, from the first other
destination whose copy verifies against its manifest, checks the bytes against the manifest's SHA-256 as
they are stored, verifies the new copy where it is and records verified.json there.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
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
			if verr != nil {
				return fmt.Errorf("copy %s to %s: the copy does not verify: %w", e.Manifest.BackupID, dst.Name, verr)
			}
			fmt.Fprintf(a.out, "copied backup %s from destination %s to %s and verified it there (%s)\n", e.Manifest.BackupID, from, dst.Name, human(res.ObjectBytes))
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the destination to complete (store.destinations)")
	cmd.Flags().StringVar(&tenant, "tenant", "", "the backup's tenant (searches only its folder)")
	_ = cmd.MarkFlagRequired("to")
	return cmd
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
