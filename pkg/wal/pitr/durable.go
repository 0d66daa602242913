package pitr

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// fileSync is what a nil sync function means: (*os.File).Sync. A variable
// so that a test can see the default path is taken.
var fileSync = (*os.File).Sync

func orFileSync(fn func(*os.File) error) func(*os.File) error {
	if fn == nil {
		return fileSync
	}
	return fn
}

// syncWorkers is how many files are fsynced at once while the tar goes on
// being unpacked: the disk flushes one file while the next is decrypted.
const syncWorkers = 4

// durable makes what a restore writes survive a crash, as pgBackRest does:
// every file is fsynced before it is closed, then every directory, so that
// a restore that returned without error never leaves a data directory whose
// files or names were only in the page cache. Files are handed over and
// fsynced in the background; Wait returns the first error.
type durable struct {
	sync  func(*os.File) error // (*os.File).Sync; tests record the calls
	files chan *os.File
	wg    sync.WaitGroup
	mu    sync.Mutex
	err   error
}

func newDurable(syncFn func(*os.File) error) *durable {
	syncFn = orFileSync(syncFn)
	d := &durable{sync: syncFn, files: make(chan *os.File, 64)}
	for range syncWorkers {
		d.wg.Add(1)
		go func() {
			defer d.wg.Done()
			for f := range d.files {
				err := d.sync(f)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err != nil {
					d.fail(err)
				}
			}
		}()
	}
	return d
}

func (d *durable) fail(err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err == nil {
		d.err = err
	}
}

// Close hands a written file over: it is fsynced and closed in the
// background.
func (d *durable) Close(f *os.File) { d.files <- f }

// Wait returns once every file handed over is fsynced and closed.
func (d *durable) Wait() error {
	close(d.files)
	d.wg.Wait()
	return d.err
}

// syncTree fsyncs every directory under root, root itself and its parent
// (the entry naming root), deepest first, once their files are synced.
func syncTree(root string, syncFn func(*os.File) error) error {
	syncFn = orFileSync(syncFn)
	var dirs []string
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	dirs = append(dirs, filepath.Dir(filepath.Clean(root)))
	var errs []error
	for i := len(dirs) - 1; i >= 0; i-- { // WalkDir lists parents first
		errs = append(errs, syncPath(dirs[i], syncFn))
	}
	return errors.Join(errs...)
}

// syncPath opens p read-only and fsyncs it (a directory or a file).
func syncPath(p string, syncFn func(*os.File) error) error {
	syncFn = orFileSync(syncFn)
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	err = syncFn(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &fs.PathError{Op: "fsync", Path: p, Err: err}
	}
	return nil
}
