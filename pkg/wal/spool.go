package wal

import (
	"os"
	"path/filepath"
)

// spool is the directory of prefetched, already authenticated segments.
type spool struct{ dir string }

func newSpool(cfg Config, dest string) *spool {
	if cfg.prefetch() == 0 {
		return nil
	}
	dir := cfg.SpoolDir
	if dir == "" {
		dir = filepath.Join(filepath.Dir(dest), "arca-prefetch")
	}
	return &spool{dir: dir}
}

func (s *spool) path(name string) string { return filepath.Join(s.dir, name) }

// take moves a spooled segment to dest.
func (s *spool) take(name, dest string) (int64, bool) {
	fi, err := os.Stat(s.path(name))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, false
	}
	if err := os.Rename(s.path(name), dest); err != nil {
		return 0, false
	}
	return fi.Size(), true
}

// dropBefore removes spooled segments of f's timeline that come before f:
// replay has moved past them (or chose another path), so they are garbage.
// Temporary files of an interrupted batch go too.
func (s *spool) dropBefore(f File, segSize int64) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		sf, err := ParseName(e.Name())
		if err != nil || (sf.Timeline == f.Timeline && sf.SegNo(segSize) < f.SegNo(segSize)) {
			_ = os.Remove(s.path(e.Name()))
		}
	}
}
