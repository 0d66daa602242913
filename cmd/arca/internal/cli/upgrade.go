package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// upgraded is the outcome for one manifest of `arca manifests upgrade`.
type upgraded struct {
	Key     string `json:"manifest_key"`
	Outcome string `json:"outcome"` // upgraded, would upgrade, current, refused
	Reason  string `json:"reason,omitempty"`
}

func (a *app) manifestsCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "manifests", Short: "Manage the manifests in the bucket"}
	var dry bool
	up := &cobra.Command{
		Use:   "upgrade",
		Short: "Seal the plaintext manifests of format 1 that prove themselves against their data",
		Long: `Readers refuse a plaintext manifest of format 1: nothing binds it to its backup. This command
upgrades each one explicitly: the manifest must describe the backup its key names and point at that
backup's data object, and the whole backup must verify against it with the keyring (every part
authenticated, sizes and SHA-256 sums, and for a tenant export every file and row count, and the
tenant the archive itself names). Only then is it sealed in the current format at its key, with a
fresh sealed verified.json. Anything else is refused and left as it is (exit 3).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			repo := a.repo(store, keys)
			var out []upgraded
			for _, prefix := range repo.Layout.Folders() {
				for info, err := range store.List(ctx, prefix) {
					if err != nil {
						return fmt.Errorf("list %s: %w", prefix, err)
					}
					if backup.IsManifest(info.Key) {
						out = append(out, a.upgradeManifest(ctx, store, repo, keys, info.Key, dry))
					}
				}
			}
			refused := 0
			a.emit(out, func(w io.Writer) {
				for _, u := range out {
					if u.Outcome != "current" {
						fmt.Fprintf(w, "%-14s %s %s\n", u.Outcome, u.Key, u.Reason)
					}
				}
			})
			for _, u := range out {
				if u.Outcome == "refused" {
					refused++
				}
			}
			if refused > 0 {
				return exitError{code: 3, err: fmt.Errorf("%d manifests refused (listed above)", refused)}
			}
			return nil
		},
	}
	up.Flags().BoolVar(&dry, "dry-run", false, "check and report; write nothing")
	show := &cobra.Command{
		Use:   "show BACKUP-ID",
		Short: "Print a backup's manifest (and verification), authenticated with the keyring, as JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			store, keys, err := a.openBucket(ctx)
			if err != nil {
				return err
			}
			e, err := a.repo(store, keys).Get(ctx, args[0], "")
			if err != nil {
				return err
			}
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			if err := enc.Encode(map[string]any{"manifest_key": e.Key, "manifest": e.Manifest, "verification": e.Verification}); err != nil {
				return err
			}
			return e.VerificationErr
		},
	}
	cmd.AddCommand(up, show)
	return cmd
}

func (a *app) upgradeManifest(ctx context.Context, store objstore.Store, repo backup.Repository, keys *keyring.Keyring, key string, dry bool) upgraded {
	u := upgraded{Key: key}
	refuse := func(err error) upgraded { u.Outcome, u.Reason = "refused", OneLine(err); return u }
	_, err := repo.Manifest(ctx, key)
	if err == nil {
		u.Outcome = "current"
		return u
	}
	if !errors.Is(err, backup.ErrOldFormat) {
		return refuse(err)
	}
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return refuse(err)
	}
	doc, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	rc.Close()
	if err != nil {
		return refuse(err)
	}
	m, err := backup.ParseFormat1(doc)
	if err != nil {
		return refuse(err)
	}
	ref, err := repo.Layout.Ref(key)
	if err != nil {
		return refuse(err)
	}
	if m.Ref() != ref {
		return refuse(fmt.Errorf("it describes %s, the key says %s", m.Ref(), ref))
	}
	if want := repo.Layout.Data(ref.Kind, ref.Tenant, ref.BackupID); m.Object.Key != want {
		return refuse(fmt.Errorf("it points at %s, not at %s", m.Object.Key, want))
	}
	obj, err := store.Get(ctx, m.Object.Key, objstore.Range{})
	if err != nil {
		return refuse(err)
	}
	res, err := verify.Backup(ctx, obj, m, keys)
	obj.Close()
	if err != nil {
		return refuse(fmt.Errorf("does not verify against its data: %w", err))
	}
	if dry {
		u.Outcome = "would upgrade"
		return u
	}
	v := backup.Verification{BackupID: ref.BackupID, Verified: true, CheckedAt: time.Now().UTC(), Duration: res.Duration.String(),
		ObjectBytes: res.ObjectBytes, PlainBytes: res.PlainBytes, Tables: len(res.Tables)}
	for _, t := range res.Tables {
		v.Rows += t.Rows
	}
	for _, write := range []func() (string, []byte, error){
		func() (string, []byte, error) { return repo.Layout.SealVerification(ctx, ref, v, keys) },
		func() (string, []byte, error) { return repo.Layout.SealManifest(ctx, m, keys) },
	} {
		k, doc, err := write()
		if err != nil {
			return refuse(err)
		}
		if _, err := store.Put(ctx, k, bytes.NewReader(doc), int64(len(doc))); err != nil {
			return refuse(fmt.Errorf("write %s: %w", k, err))
		}
	}
	u.Outcome = "upgraded"
	return u
}
