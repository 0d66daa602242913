package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/drill"
)

// bucketSource lets a drill find and open backups in the bucket.
type bucketSource struct {
	a     *app
	store objstore.Store
}

func (s bucketSource) Latest(ctx context.Context, tenant string) (backup.Manifest, error) {
	e, err := s.a.selectBackup(ctx, s.store, "", tenant, true, "")
	return e.Manifest, err
}

func (s bucketSource) Open(ctx context.Context, m backup.Manifest) (io.ReadCloser, error) {
	return s.store.Get(ctx, m.Object.Key, objstore.Range{})
}

func (a *app) drillCmd() *cobra.Command {
	var tenants []string
	var sample int
	var admin string
	cmd := &cobra.Command{
		Use:   "drill",
		Short: "Restore the newest backups of a sample of tenants into scratch databases and check them",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			store, err := stack.Store(ctx, a.cfg)
			if err != nil {
				return err
			}
			keys, err := stack.Keyring(ctx, a.cfg, false)
			if err != nil {
				return err
			}
			if len(tenants) == 0 {
				if tenants, err = a.tenants(ctx); err != nil {
					return err
				}
			}
			if admin == "" {
				admin = a.cfg.Source.URL
			}
			rep, err := drill.Run(ctx, bucketSource{a: a, store: store}, drill.Config{
				AdminURL: admin, Tenants: tenants, Sample: sample, Keys: keys, Tenancy: stack.Tenancy(a.cfg),
			})
			if err != nil {
				return err
			}
			a.emit(rep, func(w io.Writer) { fmt.Fprint(w, rep.Summary()) })
			if !rep.Passed {
				var failed []string
				for _, t := range rep.Tenants {
					if !t.Passed {
						failed = append(failed, t.Tenant+" ("+t.BackupID+"): "+t.Reason)
					}
				}
				return fmt.Errorf("drill failed: %s", strings.Join(failed, "; "))
			}
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&tenants, "tenants", nil, "tenants to draw from (default: every tenant)")
	cmd.Flags().IntVar(&sample, "sample", 0, "restore this many, chosen at random (0: all)")
	cmd.Flags().StringVar(&admin, "admin-url", "", "cluster for the scratch databases (default: the source)")
	return cmd
}
