package agent

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/arcabackup/arca/pkg/wal"
)

// lookAhead starts pushing the files whose .ready marker follows path's in
// archive_status (PostgreSQL archives in that order: a timeline's history
// before its segments, segments by position), up to LookAhead of them,
// Parallel at a time. It returns at once.
func (a *Agent) lookAhead(ctx context.Context, path string) {
	dir := filepath.Dir(path)
	entries, err := os.ReadDir(filepath.Join(dir, "archive_status"))
	if err != nil {
		return // not a pg_wal directory
	}
	after := filepath.Base(path)
	var next []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".ready")
		if !ok || name <= after {
			continue
		}
		if _, err := wal.ParseName(name); err == nil {
			next = append(next, name)
		}
	}
	slices.Sort(next)
	next = next[:min(len(next), a.cfg.LookAhead)]

	a.mu.Lock()
	defer a.mu.Unlock()
	a.expire()
	for _, name := range next {
		if a.seen[name] != nil || a.asked[name] > 0 {
			continue
		}
		p := filepath.Join(dir, name)
		id, err := statID(p)
		if err != nil {
			continue
		}
		e := &entry{id: id, at: time.Now(), done: make(chan struct{})}
		a.seen[name] = e
		a.wg.Go(func() {
			defer close(e.done)
			select {
			case a.sem <- struct{}{}:
			case <-ctx.Done():
				e.err = ctx.Err()
				return
			}
			defer func() { <-a.sem }()
			e.res, e.err = wal.Push(ctx, a.cfg.WAL, p)
			if e.err != nil {
				a.cfg.Log.Debug("wal-agent look-ahead push failed; the request will push it again", "file", name, "err", e.err)
			}
		})
	}
}

// expire forgets results nobody asked for within keep (PostgreSQL chose
// another file, or another agent was asked). Call with mu held.
func (a *Agent) expire() {
	for name, e := range a.seen {
		select {
		case <-e.done:
			if time.Since(e.at) > keep {
				delete(a.seen, name)
			}
		default:
		}
	}
}

// fileID tells whether a file is still the one that was pushed.
type fileID struct {
	dev, ino uint64
	size     int64
	mtime    int64
}

func statID(path string) (fileID, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fileID{}, err
	}
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(st.Dev), st.Ino
	}
	return id, nil
}
