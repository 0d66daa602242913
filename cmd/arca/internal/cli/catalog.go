package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
)

// entry is one backup found in the bucket: its manifest and, if the
// verifier has been there, its verification.
type entry struct {
	Key          string               `json:"manifest_key"`
	Manifest     backup.Manifest      `json:"-"`
	Verification *backup.Verification `json:"verification,omitempty"`
}

// findBackups reads the manifests under a prefix, newest first. The bucket
// is the truth: no catalog or NATS is needed.
func findBackups(ctx context.Context, store objstore.Store, prefix string) ([]entry, error) {
	var out []entry
	for info, err := range store.List(ctx, prefix) {
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", prefix, err)
		}
		if !backup.IsManifest(info.Key) {
			continue
		}
		m, err := readJSON[backup.Manifest](ctx, store, info.Key)
		if err != nil {
			return nil, err
		}
		if err := m.Validate(); err != nil {
			return nil, fmt.Errorf("manifest %s: %w", info.Key, err)
		}
		e := entry{Key: info.Key, Manifest: m}
		if v, err := readJSON[backup.Verification](ctx, store, backup.VerificationKey(info.Key)); err == nil {
			e.Verification = &v
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Manifest.BackupID > out[j].Manifest.BackupID })
	return out, nil
}

func readJSON[T any](ctx context.Context, store objstore.Store, key string) (T, error) {
	var v T
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return v, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 256<<20))
	if err != nil {
		return v, fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("read %s: %w", key, err)
	}
	return v, nil
}

// selectBackup picks one backup: by id, or a tenant's newest (at or before
// a time).
func (a *app) selectBackup(ctx context.Context, store objstore.Store, id, tenant string, latest bool, at string) (entry, error) {
	layout := backupLayout(a)
	prefix := layout.KindPrefix("tenants")
	if tenant != "" {
		prefix = layout.TenantPrefix(tenant)
	}
	all, err := findBackups(ctx, store, prefix)
	if err != nil {
		return entry{}, err
	}
	var cutoff time.Time
	if at != "" {
		if cutoff, err = time.Parse(time.RFC3339, at); err != nil {
			return entry{}, usageError{fmt.Errorf("--at %q: want RFC 3339, e.g. 2026-11-28T01:00:00-03:00", at)}
		}
	}
	for _, e := range all {
		switch {
		case id != "" && e.Manifest.BackupID == id:
			return e, nil
		case id == "" && (latest || at != "") && (cutoff.IsZero() || !e.Manifest.CreatedAt.After(cutoff)):
			return e, nil
		}
	}
	switch {
	case id != "":
		return entry{}, fmt.Errorf("backup %s not found under %s", id, prefix)
	case tenant != "":
		return entry{}, fmt.Errorf("no backup of tenant %s found", tenant)
	}
	return entry{}, usageError{errors.New("name a backup: --backup ID, or --tenant ID with --latest or --at TIME")}
}

// redactURL drops the password from a connection URL before printing it.
func redactURL(s string) string { return messages.RedactURL(s) }
