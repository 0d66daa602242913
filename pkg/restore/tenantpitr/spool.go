package tenantpitr

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"os"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// spooled is the tenant's export from the scratch cluster, sealed into a
// file with a key that exists only in memory, and the manifest that lets
// pkg/restore verify and restore it like any tenant backup.
type spooled struct {
	path     string
	manifest backup.Manifest
	archive  archive.Manifest
	keys     seal.KeyLookup
}

// spool exports tenant from dbURL into path, sealed.
func spool(ctx context.Context, export ExportFunc, dbURL, tenant, id, path string) (spooled, error) {
	keys := keyring.New()
	if _, err := keys.Rotate(""); err != nil {
		return spooled{}, err
	}
	kek, err := keys.Primary("")
	if err != nil {
		return spooled{}, err
	}
	sl, err := seal.NewSealer()
	if err != nil {
		return spooled{}, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return spooled{}, err
	}
	defer func() { _ = f.Close() }() // for the error paths: success checks its Close below

	created := time.Now().UTC()
	pr, pw := io.Pipe()
	plain := &counter{h: sha256.New()}
	type exported struct {
		am  archive.Manifest
		err error
	}
	done := make(chan exported, 1)
	go func() {
		am, err := export(ctx, dbURL, tenant, io.MultiWriter(pw, plain))
		pw.CloseWithError(err)
		done <- exported{am, err}
	}()
	sealed := &counter{h: sha256.New()}
	_, serr := sl.Seal(ctx, io.MultiWriter(f, sealed), pr, seal.Part{Artifact: id, Index: 0, Last: true}, kek)
	pr.CloseWithError(io.ErrClosedPipe) // unblocks the export if sealing failed
	ex := <-done
	if ex.err != nil {
		return spooled{}, ex.err
	}
	if serr != nil {
		return spooled{}, fmt.Errorf("seal the export: %w", serr)
	}
	if err := f.Close(); err != nil {
		return spooled{}, err
	}
	facts, err := json.Marshal(ex.am)
	if err != nil {
		return spooled{}, err
	}
	sum := hex.EncodeToString(sealed.h.Sum(nil))
	m := backup.Manifest{
		FormatVersion: backup.FormatVersion, ToolVersion: ex.am.ToolVersion, BackupID: id, Kind: "tenant",
		Tenant: tenant, CreatedAt: created, CommittedAt: time.Now().UTC(), KeyIDs: []string{kek.ID},
		PlainSize: plain.n, PlainSHA256: hex.EncodeToString(plain.h.Sum(nil)), Export: facts,
		Object: backup.Object{Key: "scratch/" + id + "/data.arca", Size: sealed.n, SHA256: sum, Parts: []backup.Part{
			{Index: 0, Offset: 0, Size: sealed.n, SHA256: sum, PlainSize: plain.n, KeyID: kek.ID},
		}},
	}
	if err := m.Validate(); err != nil {
		return spooled{}, err
	}
	return spooled{path: path, manifest: m, archive: ex.am, keys: keys}, nil
}

type counter struct {
	h hash.Hash
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	c.h.Write(p)
	c.n += int64(len(p))
	return len(p), nil
}
