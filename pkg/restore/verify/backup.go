package verify

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/arcabackup/arca/pkg/archive"
	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/seal"
)

// Backup reads the sealed object obj once and checks it against m: object
// size and SHA-256 (whole and per part), authentication of every part, the
// plaintext's size and SHA-256 when the manifest has them, and for a tenant
// backup every archive file's SHA-256, size and row count. It returns a
// *Failure (also recorded in the Result) when anything differs. Memory
// stays flat whatever the size.
func Backup(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup) (Result, error) {
	start := time.Now()
	res := Result{BackupID: m.BackupID, Kind: m.Kind, Tenant: m.Tenant}
	err := check(ctx, obj, m, keys, &res)
	res.Duration = time.Since(start)
	if err != nil {
		f := classify(m.BackupID, err)
		res.Failure, res.Reason = f, f.Error()
		return res, f
	}
	res.Verified = true
	return res, nil
}

func check(ctx context.Context, obj io.Reader, m backup.Manifest, keys seal.KeyLookup, res *Result) error {
	var am archive.Manifest
	if m.Kind == "tenant" {
		var err error
		if am, err = TenantArchive(m); err != nil {
			return err
		}
	} else if err := m.Validate(); err != nil {
		return &Failure{BackupID: m.BackupID, Stage: StageManifest, Part: -1, Err: err}
	}
	s := Open(ctx, obj, m, keys)
	defer func() { _ = s.Close() }() // read side: a close error loses nothing
	defer func() { res.Parts = s.Parts(); res.ObjectBytes, res.PlainBytes = s.Sizes() }()
	if m.Kind == "tenant" {
		if err := walk(s, am, res); err != nil {
			return err
		}
	}
	return s.Finish()
}

// walk reads every archive file, letting the archive reader check each
// against the manifest, and records the tables.
func walk(s *Stream, am archive.Manifest, res *Result) error {
	ar := archive.NewReader(s, archive.WithManifest(am))
	for {
		e, err := ar.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if _, err := io.Copy(io.Discard, e); err != nil {
			return withFile(s.m.BackupID, err, e.Name)
		}
		res.Files++
	}
	for _, t := range am.Tables {
		f, _ := am.File(t.File)
		res.Tables = append(res.Tables, TableResult{Schema: t.Schema, Name: t.Name, Role: t.Role,
			File: t.File, Rows: f.Rows, SHA256: f.SHA256})
	}
	return nil
}

// withFile names the archive file an archive-stage failure happened in.
func withFile(backupID string, err error, file string) error {
	f := classify(backupID, err)
	if f.Stage == StageArchive && f.File == "" {
		f.File = file
	}
	return f
}
