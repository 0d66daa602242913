package tenantrestore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/objstore/destinations"
	"github.com/arcabackup/arca/pkg/objstore/fsstore"
	"github.com/arcabackup/arca/pkg/restore"
	"github.com/arcabackup/arca/pkg/restore/tenantpitr"
	"github.com/arcabackup/arca/pkg/restore/tenantrestore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/seal/keyring/keyringtest"
	"github.com/arcabackup/arca/pkg/wal/pitr"
)

var layout = backup.Layout{Prefix: "arca"}

func newKeys(t *testing.T) *keyring.Keyring {
	t.Helper()
	kr := keyringtest.New(t)
	return kr
}

func newStore(t *testing.T) objstore.Store {
	t.Helper()
	s, err := fsstore.New(t.TempDir())
	require.NoError(t, err)
	return s
}

// commit seals the manifest of a backup into s (its data object is not
// written).
func commit(t *testing.T, s objstore.Store, keys *keyring.Keyring, kind, tenant, id string, at time.Time) {
	t.Helper()
	sum := "ab" + string(bytes.Repeat([]byte("ab"), 31))
	m := backup.Manifest{FormatVersion: backup.FormatVersion, BackupID: id, Kind: kind, Tenant: tenant,
		CreatedAt: at, CommittedAt: at.Add(time.Minute), PlainSize: 100,
		Object: backup.Object{Key: layout.Data(kind, tenant, id), Size: 30, SHA256: sum,
			Parts: []backup.Part{{Index: 0, Size: 30, SHA256: sum}}},
		Export: json.RawMessage(`{"tables":[]}`)}
	key, doc, err := layout.SealManifest(t.Context(), m, keys)
	require.NoError(t, err)
	_, err = s.Put(t.Context(), key, bytes.NewReader(doc), int64(len(doc)))
	require.NoError(t, err)
}

// options are Options over the destinations, recording which were tried.
func options(set destinations.Set, keys *keyring.Keyring, tried *[]string) tenantrestore.Options {
	return tenantrestore.Options{DB: "postgres://arca@127.0.0.1:1/none", Layout: layout, Keys: keys,
		Restore: restore.Options{Mode: restore.ModeReplace},
		Try: func(ctx context.Context, fn func(context.Context, destinations.Destination) error) error {
			_, err := set.Try(ctx, func(ctx context.Context, d destinations.Destination) error {
				*tried = append(*tried, d.Name)
				return fn(ctx, d)
			})
			return err
		}}
}

// A selection that names no backup is refused before any destination is
// read.
func TestTenantRefusesASelectionThatNamesNoBackup(t *testing.T) {
	t.Parallel()
	var tried []string
	set := destinations.Set{{Name: "primary", Store: newStore(t)}}
	for _, s := range []backup.Selector{{}, {Tenant: "acme"}, {At: time.Now()}} {
		o := options(set, newKeys(t), &tried)
		o.Select = s
		_, err := tenantrestore.Tenant(t.Context(), o)
		require.ErrorIs(t, err, backup.ErrNoSelector, "%+v", s)
	}
	require.Empty(t, tried)
}

// Each destination is asked in turn; a backup of another kind is refused
// in each, and the error names every destination's reason.
func TestTenantTriesEachDestination(t *testing.T) {
	t.Parallel()
	keys := newKeys(t)
	primary, offsite := newStore(t), newStore(t)
	commit(t, offsite, keys, "full", "", "f1", time.Now().UTC())
	var tried []string
	o := options(destinations.Set{{Name: "primary", Store: primary}, {Name: "offsite", Store: offsite}}, keys, &tried)
	o.Select = backup.Selector{ID: "f1"}
	_, err := tenantrestore.Tenant(t.Context(), o)
	require.ErrorContains(t, err, "destination primary: backup f1")
	require.ErrorContains(t, err, "destination offsite: backup f1 is a full backup, not a tenant backup")
	require.Equal(t, []string{"primary", "offsite"}, tried)
}

// A tenant named with a time that base backups and WAL do not cover falls
// back to the newest export at or before the time, after saying why; the
// PITR configuration is not used for an id or --latest.
func TestTenantAtFallsBackToTheNewestExportAndSaysWhy(t *testing.T) {
	t.Parallel()
	keys := newKeys(t)
	store := newStore(t)
	at := time.Now().UTC().Add(-time.Hour)
	commit(t, store, keys, "tenant", "acme", "a-new", at.Add(time.Minute)) // after the time: not chosen
	var tried []string
	o := options(destinations.Set{{Name: "primary", Store: store}}, keys, &tried)
	o.PITR = &tenantpitr.Config{PITR: pitr.Config{Store: store, Layout: layout, Keys: keys}}
	var told []string
	o.Fallback = func(why string) { told = append(told, why) }
	o.Select = backup.Selector{Tenant: "acme", At: at}
	res, err := tenantrestore.Tenant(t.Context(), o)
	require.EqualError(t, err, "no backup of tenant acme found")
	require.Len(t, told, 1)
	require.Contains(t, told[0], "no base backup")
	require.Equal(t, told[0], res.NotCovered)
	require.Nil(t, res.PITR)
	require.Equal(t, []string{"primary"}, tried)

	told = nil
	o.Select = backup.Selector{Tenant: "acme", Latest: true}
	res, err = tenantrestore.Tenant(t.Context(), o)
	require.Error(t, err, "the restore itself needs the data object")
	require.Equal(t, "a-new", res.Backup.Manifest.BackupID)
	require.Empty(t, told, "--latest never tries point-in-time recovery")
}
