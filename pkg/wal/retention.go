package wal

import (
	"context"
	"fmt"
)

// Expired lists the archived WAL files (key and size, as listed) that no retained base backup
// needs: segments, .partial and .backup files before the oldest retained
// base backup's start segment, on any timeline. Timeline history files are
// always kept (they are tiny and recovery reads them to follow timelines).
// With no retained base backup nothing expires: an archive without a base
// backup is not garbage, it is a problem to report.
func Expired(ctx context.Context, cfg Config, retained []Base) ([]Archived, error) {
	if len(retained) == 0 {
		return nil, nil
	}
	seg := cfg.segSize()
	var oldest uint64
	for i, b := range retained {
		f, err := ParseName(b.StartWAL)
		if err != nil || f.Kind != KindSegment {
			return nil, fmt.Errorf("base backup %s: start segment %q: %v", b.ID, b.StartWAL, err)
		}
		if no := f.SegNo(seg); i == 0 || no < oldest {
			oldest = no
		}
	}
	files, err := List(ctx, cfg)
	if err != nil {
		return nil, err
	}
	var out []Archived
	for _, f := range files {
		if f.Kind != KindHistory && f.SegNo(seg) < oldest {
			out = append(out, f)
		}
	}
	return out, nil
}
