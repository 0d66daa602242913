package cli

import (
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// repo is the bucket as a repository of authenticated backups: no catalog
// or NATS is needed.
func (a *app) repo(store objstore.Store, keys seal.KeyLookup) backup.Repository {
	return backup.Repository{Store: store, Layout: backupLayout(a), Keys: keys}
}
