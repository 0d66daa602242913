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

// repo is the bucket as a repository of authenticated backups: no catalog
// or NATS is needed.
func (a *app) repo(store objstore.Store, keys seal.KeyLookup) backup.Repository {
	return backup.Repository{Store: store, Layout: backupLayout(a), Keys: keys}
}

// selectBackup maps the flags --backup, --tenant, --latest and --at onto
// the repository's selection; a flag problem is a usage error.
func (a *app) selectBackup(ctx context.Context, repo backup.Repository, id, tenant string, latest bool, at string) (backup.Entry, error) {
	s := backup.Selector{ID: id, Tenant: tenant, Latest: latest}
	if at != "" && id == "" {
		var err error
		if s.At, err = time.Parse(time.RFC3339, at); err != nil {
			return backup.Entry{}, usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
		}
	}
	e, err := repo.Select(ctx, s)
	if errors.Is(err, backup.ErrNoSelector) {
		return e, usageError{err}
	}
	return e, err
}
