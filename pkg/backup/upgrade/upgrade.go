// Package upgrade seals the plaintext manifests of format 1 that prove
// themselves against their data (`arca manifests upgrade`): readers refuse
// them, since nothing binds them to their backup.
//
//	list manifests ─► opens? current
//	                  format 1? ─► describes the backup its key names, points at its data,
//	                               the whole backup verifies ─► seal verified.json, then manifest.json
//	                  anything else ─► refused, left as it is
package upgrade

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
)

// Outcomes of one manifest.
const (
	Upgraded     = "upgraded"
	WouldUpgrade = "would upgrade"
	Current      = "current"
	Refused      = "refused"
)

// Result is the outcome for one manifest.
type Result struct {
	Key     string `json:"manifest_key"`
	Outcome string `json:"outcome"` // upgraded, would upgrade, current, refused
	Reason  string `json:"reason,omitempty"`
}

// Results are the outcomes of Run, a manifest each.
type Results []Result

// WriteText is a line per manifest that is not current, as arca
// manifests upgrade prints it.
func (rs Results) WriteText(w io.Writer) {
	for _, u := range rs {
		if u.Outcome != Current {
			fmt.Fprintf(w, "%-14s %s %s\n", u.Outcome, u.Key, u.Reason)
		}
	}
}

// Count is how many of rs have the outcome.
func Count(rs []Result, outcome string) int {
	n := 0
	for _, r := range rs {
		if r.Outcome == outcome {
			n++
		}
	}
	return n
}

// Run upgrades every manifest of the bucket that needs it (with dryRun,
// checks and reports, writing nothing). store is the repository's bucket,
// which the upgrade writes to; keys seal the new documents.
func Run(ctx context.Context, store objstore.Store, repo backup.Repository, keys backup.Keys, dryRun bool) (Results, error) {
	mkeys, err := repo.ManifestKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Result, 0, len(mkeys))
	for _, key := range mkeys {
		out = append(out, one(ctx, store, repo, keys, key, dryRun))
	}
	return out, nil
}

func one(ctx context.Context, store objstore.Store, repo backup.Repository, keys backup.Keys, key string, dryRun bool) Result {
	u := Result{Key: key}
	refuse := func(err error) Result {
		u.Outcome = Refused
		u.Reason = messages.RedactSecrets(strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " "))
		return u
	}
	_, err := repo.Manifest(ctx, key)
	if err == nil {
		u.Outcome = Current
		return u
	}
	if !errors.Is(err, backup.ErrOldFormat) {
		return refuse(err)
	}
	m, ref, err := format1(ctx, store, repo.Layout, key)
	if err != nil {
		return refuse(err)
	}
	obj, err := store.Get(ctx, m.Object.Key, objstore.Range{})
	if err != nil {
		return refuse(err)
	}
	res, err := verify.Backup(ctx, obj, m, keys)
	_ = obj.Close() // read side: a close error loses nothing
	if err != nil {
		return refuse(fmt.Errorf("does not verify against its data: %w", err))
	}
	if dryRun {
		u.Outcome = WouldUpgrade
		return u
	}
	v := res.Record(nil, "", time.Now().UTC())
	v.BackupID = ref.BackupID
	// verified.json first: the manifest, written last, is the commit.
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
	u.Outcome = Upgraded
	return u
}

// format1 reads the plaintext manifest at key and checks that it describes
// the backup its key names and points at that backup's data object.
func format1(ctx context.Context, store objstore.Store, layout backup.Layout, key string) (backup.Manifest, backup.Ref, error) {
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return backup.Manifest{}, backup.Ref{}, err
	}
	doc, err := io.ReadAll(io.LimitReader(rc, 64<<20))
	_ = rc.Close() // read side: a close error loses nothing
	if err != nil {
		return backup.Manifest{}, backup.Ref{}, err
	}
	m, err := backup.ParseFormat1(doc)
	if err != nil {
		return m, backup.Ref{}, err
	}
	ref, err := layout.Ref(key)
	if err != nil {
		return m, ref, err
	}
	if m.Ref() != ref {
		return m, ref, fmt.Errorf("it describes %s, the key says %s", m.Ref(), ref)
	}
	if want := layout.Data(ref.Kind, ref.Tenant, ref.BackupID); m.Object.Key != want {
		return m, ref, fmt.Errorf("it points at %s, not at %s", m.Object.Key, want)
	}
	return m, ref, nil
}
