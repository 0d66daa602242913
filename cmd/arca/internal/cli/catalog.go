package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// entry is one backup found in the bucket: its authenticated manifest and,
// if the verifier has been there, its authenticated verification.
type entry = backup.Entry

// repo is the bucket as a repository of authenticated backups: no catalog
// or NATS is needed.
func (a *app) repo(store objstore.Store, keys seal.KeyLookup) backup.Repository {
	return backup.Repository{Store: store, Layout: backupLayout(a), Keys: keys}
}

// findBackups reads the manifests under a prefix, newest first. It is
// strict: a refused manifest is an error (exit 3), for the commands that
// choose a backup among them. `arca list` reports and skips instead.
func findBackups(ctx context.Context, repo backup.Repository, prefix string) ([]entry, error) {
	found, err := repo.List(ctx, prefix)
	if err != nil {
		return nil, err
	}
	if err := errors.Join(found.Refused...); err != nil {
		return nil, err
	}
	return found.Backups, nil
}

// findBackup reads the manifest of one backup, found by its id in the keys
// (under tenants/, full/ and base/, or the tenant's folder), and the
// verification beside it.
func findBackup(ctx context.Context, repo backup.Repository, id, tenant string) (entry, error) {
	var within []string
	if tenant != "" {
		within = []string{repo.Layout.TenantPrefix(tenant)}
	}
	key, err := repo.Find(ctx, id, within...)
	if err != nil {
		return entry{}, err
	}
	m, err := repo.Manifest(ctx, key)
	if err != nil {
		return entry{}, err
	}
	e := entry{Key: key, Manifest: m}
	if v, found, err := repo.Verification(ctx, key); err != nil {
		e.VerificationErr = err
	} else if found {
		e.Verification = &v
	}
	return e, nil
}

// selectBackup picks one tenant backup: by id, or a tenant's newest (at or
// before a time). Choosing the newest refuses to choose at all when one of
// the tenant's manifests is refused: the refused one may be the newest.
func (a *app) selectBackup(ctx context.Context, repo backup.Repository, id, tenant string, latest bool, at string) (entry, error) {
	if id != "" {
		e, err := findBackup(ctx, repo, id, tenant)
		if err == nil && e.Manifest.Kind != "tenant" {
			return entry{}, fmt.Errorf("backup %s is a %s backup, not a tenant backup", id, e.Manifest.Kind)
		}
		return e, err
	}
	if tenant == "" || (!latest && at == "") {
		return entry{}, usageError{errors.New("name a backup: --backup ID, or --tenant ID with --latest or --at TIME")}
	}
	var cutoff time.Time
	if at != "" {
		var err error
		if cutoff, err = time.Parse(time.RFC3339, at); err != nil {
			return entry{}, usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
		}
	}
	all, err := findBackups(ctx, repo, repo.Layout.TenantPrefix(tenant))
	if err != nil {
		return entry{}, fmt.Errorf("choose a backup of tenant %s: %w", tenant, err)
	}
	for _, e := range all {
		if cutoff.IsZero() || !e.Manifest.CreatedAt.After(cutoff) {
			return e, nil
		}
	}
	return entry{}, fmt.Errorf("no backup of tenant %s found", tenant)
}
