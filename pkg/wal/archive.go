package wal

import (
	"context"
	"fmt"
	"path"
	"time"
)

// Archived is one file in the archive.
type Archived struct {
	File
	Key          string
	Size         int64
	LastModified time.Time
}

// List returns every WAL file in the archive, in key order (timeline, then
// position). Objects whose names are not WAL file names are skipped.
func List(ctx context.Context, cfg Config) ([]Archived, error) {
	var out []Archived
	for info, err := range cfg.Store.List(ctx, cfg.walPrefix()) {
		if err != nil {
			return nil, fmt.Errorf("list WAL archive %s: %w", cfg.walPrefix(), err)
		}
		f, err := ParseName(path.Base(info.Key))
		if err != nil {
			continue
		}
		out = append(out, Archived{File: f, Key: info.Key, Size: info.Size, LastModified: info.LastModified})
	}
	return out, nil
}

// Base is what the WAL checks need to know of a base backup: its id and the
// segment its replay starts from (backup_label's START WAL LOCATION file).
type Base struct {
	ID       string
	StartWAL string
}
