package wal

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal"
)

// FetchResult tells where a fetched file came from.
type FetchResult struct {
	Bytes      int64
	FromSpool  bool // served from an earlier call's prefetch
	Prefetched int  // segments this call added to the spool
	Duration   time.Duration
}

// Fetch restores the archived WAL file name (restore_command's %f) to dest
// (%p): it authenticates and opens it and renames it into place, so dest
// appears whole or not at all. It returns an error wrapping ErrNotFound when
// the archive does not hold the file; see FetchExitCode. For a segment it
// also prefetches the next segments into the spool (see the package doc).
func Fetch(ctx context.Context, cfg Config, name, dest string) (FetchResult, error) {
	start := time.Now()
	res, err := fetch(ctx, cfg, name, dest)
	res.Duration = time.Since(start)
	if err != nil {
		return res, fmt.Errorf("wal-fetch %s: %w", name, err)
	}
	return res, nil
}

func fetch(ctx context.Context, cfg Config, name, dest string) (FetchResult, error) {
	if err := cfg.validate(); err != nil {
		return FetchResult{}, err
	}
	f, err := ParseName(name)
	if err != nil {
		return FetchResult{}, err
	}
	if res, ok := takeSpooled(cfg, f, dest); ok {
		return res, nil
	}
	sp := newSpool(cfg, dest)
	var next []string
	if f.Kind == KindSegment && sp != nil {
		for i, cur := 0, f; i < cfg.prefetch(); i++ {
			n := NextSegment(cur, cfg.segSize())
			cur, _ = ParseName(n)
			next = append(next, n)
		}
		if err := os.MkdirAll(sp.dir, 0o700); err != nil {
			return FetchResult{}, err
		}
	}

	// The batch: the requested file and the next segments, all in flight at
	// once. A prefetch that fails is only a missed optimisation.
	var (
		wg         sync.WaitGroup
		mu         sync.Mutex
		prefetched int
	)
	for _, n := range next {
		wg.Go(func() {
			nf, _ := ParseName(n)
			if _, err := restore(ctx, cfg, nf, sp.path(n)); err == nil {
				mu.Lock()
				prefetched++
				mu.Unlock()
			}
		})
	}
	size, err := restore(ctx, cfg, f, dest)
	if errors.Is(err, ErrNotFound) && f.Kind == KindSegment {
		size, err = restoreStream(ctx, cfg, f, dest) // the last, incomplete segment
	}
	wg.Wait()
	return FetchResult{Bytes: size, Prefetched: prefetched}, err
}

// TakeSpooled serves name from the spool when an earlier Fetch prefetched
// it, and reports whether it did. It needs neither the store nor the keys
// (only cfg's Prefetch, SpoolDir and SegmentSize), so a restore_command can
// call it before loading the keyring and connecting to the store, which are
// most of the cost of a call the spool can answer. Fetch calls it too.
func TakeSpooled(cfg Config, name, dest string) (FetchResult, bool) {
	f, err := ParseName(name)
	if err != nil {
		return FetchResult{}, false
	}
	return takeSpooled(cfg, f, dest)
}

func takeSpooled(cfg Config, f File, dest string) (FetchResult, bool) {
	start := time.Now()
	sp := newSpool(cfg, dest)
	if f.Kind != KindSegment || sp == nil {
		return FetchResult{}, false
	}
	sp.dropBefore(f, cfg.segSize())
	n, ok := sp.take(f.Name, dest)
	return FetchResult{Bytes: n, FromSpool: ok, Duration: time.Since(start)}, ok
}

// restore gets, opens and writes one archived file to dest atomically.
func restore(ctx context.Context, cfg Config, f File, dest string) (int64, error) {
	key := cfg.Key(f)
	rc, err := cfg.Store.Get(ctx, key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return 0, fmt.Errorf("%s: %w", key, ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	defer func() { _ = rc.Close() }() // read side: a close error loses nothing
	var n int64
	err = install(dest, func(w io.Writer) error {
		var err error
		if n, err = seal.Open(ctx, w, rc, ArtifactID(f), cfg.Keys); err != nil {
			return fmt.Errorf("open %s: %w", key, err)
		}
		return nil
	})
	return n, err
}

// install writes what fill writes to a temporary file beside dest, mode
// 0600, and renames it into place: PostgreSQL never reads a partial file.
func install(dest string, fill func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(dest), ".arca-fetch-*")
	if err != nil {
		return err
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after a successful rename, a no-op
	if err := fill(tmp); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dest)
}
