package stage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
)

// Stage is a running verifier. It holds bucket read rights (and the right
// to write verified.json) and decrypt rights; no database.
type Stage struct {
	js    jobs.JetStream
	store objstore.Store
	keys  seal.KeyLookup
	cfg   jobs.Config
	now   func() time.Time
}

// New builds the stage.
func New(js jobs.JetStream, store objstore.Store, keys seal.KeyLookup, cfg jobs.Config) *Stage {
	return &Stage{js: js, store: store, keys: keys, cfg: cfg, now: time.Now}
}

// Run consumes verify jobs until ctx ends.
func (s *Stage) Run(ctx context.Context) error {
	return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageVerify, Subject: messages.SubjectVerify}, s.handle, s.cfg).Run(ctx)
}

// missingWait is how long the verifier waits for an object that its
// manifest names but the bucket does not show yet, before calling the
// backup damaged: some servers show a fresh object a moment late.
const missingWait = 30 * time.Second

func (s *Stage) handle(ctx context.Context, job *jobs.Job[messages.VerifyRequested]) error {
	m := job.Msg
	// Every byte read back is progress: a large backup is verified however
	// long it takes, a stalled read is cancelled after the worker's Timeout.
	store := progressStore{Store: s.store, progress: job.Progress}
	res, err := Verify(ctx, store, s.keys, m.ManifestKey)
	delay, deadline := 100*time.Millisecond, time.Now().Add(missingWait)
	for errors.Is(err, objstore.ErrNotFound) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
		res, err = Verify(ctx, store, s.keys, m.ManifestKey)
	}
	var f *verify.Failure
	if err != nil && !(errors.As(err, &f) && f.Damaged()) {
		return err // the bucket could not be read: try again later
	}
	v := backup.Verification{
		BackupID: m.BackupID, Verified: err == nil, CheckedAt: s.now().UTC(), Duration: res.Duration.String(),
		ObjectBytes: res.ObjectBytes, PlainBytes: res.PlainBytes, Tables: len(res.Tables),
	}
	for _, t := range res.Tables {
		v.Rows += t.Rows
	}
	status := messages.StatusSucceeded
	if err != nil {
		v.Reason, status = err.Error(), messages.StatusFailed
	}
	if err := s.record(ctx, m.ManifestKey, v); err != nil {
		return err
	}
	return job.Publisher.Event(ctx, messages.Event{
		Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Stage: messages.StageVerify, Status: status,
		Bytes: res.ObjectBytes, Duration: messages.Duration(res.Duration), Error: v.Reason,
		Attrs: map[string]string{"manifest": m.ManifestKey, "tables": strconv.Itoa(v.Tables), "rows": strconv.FormatInt(v.Rows, 10), "plain_bytes": strconv.FormatInt(v.PlainBytes, 10)},
	})
}

// Verify reads a backup back from the store and proves it against its
// manifest. A *verify.Failure with Damaged() true says the backup is bad;
// any other error says it could not be read.
func Verify(ctx context.Context, store objstore.Store, keys seal.KeyLookup, manifestKey string) (verify.Result, error) {
	m, err := ReadManifest(ctx, store, manifestKey)
	if err != nil {
		var f *verify.Failure
		if errors.As(err, &f) {
			return verify.Result{BackupID: f.BackupID}, err
		}
		return verify.Result{}, err
	}
	obj, err := store.Get(ctx, m.Object.Key, objstore.Range{})
	if errors.Is(err, objstore.ErrNotFound) {
		return verify.Result{BackupID: m.BackupID}, &verify.Failure{BackupID: m.BackupID, Stage: verify.StageObject, Part: -1, Err: err}
	}
	if err != nil {
		return verify.Result{BackupID: m.BackupID}, fmt.Errorf("verify %s: %w", m.BackupID, err)
	}
	defer obj.Close()
	return verify.Backup(ctx, obj, m, keys)
}

// ReadManifest reads and parses a manifest.json. An unparsable manifest is
// damage (a *verify.Failure); a missing one is objstore.ErrNotFound.
func ReadManifest(ctx context.Context, store objstore.Store, key string) (backup.Manifest, error) {
	rc, err := store.Get(ctx, key, objstore.Range{})
	if err != nil {
		return backup.Manifest{}, fmt.Errorf("read manifest %s: %w", key, err)
	}
	defer rc.Close()
	doc, err := io.ReadAll(io.LimitReader(rc, 256<<20))
	if err != nil {
		return backup.Manifest{}, fmt.Errorf("read manifest %s: %w", key, err)
	}
	m, err := backup.Parse(doc)
	if err != nil {
		return m, &verify.Failure{BackupID: m.BackupID, Stage: verify.StageManifest, Part: -1, Err: err}
	}
	return m, nil
}

// record writes verified.json beside the manifest.
func (s *Stage) record(ctx context.Context, manifestKey string, v backup.Verification) error {
	doc, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	key := backup.VerificationKey(manifestKey)
	if _, err := s.store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc))); err != nil {
		return fmt.Errorf("record verification %s: %w", v.BackupID, err)
	}
	return nil
}

// progressStore reports progress on every read of an object.
type progressStore struct {
	objstore.Store
	progress func()
}

func (s progressStore) Get(ctx context.Context, key string, rng objstore.Range) (io.ReadCloser, error) {
	rc, err := s.Store.Get(ctx, key, rng)
	if err != nil {
		return nil, err
	}
	return progressReader{rc, s.progress}, nil
}

type progressReader struct {
	io.ReadCloser
	progress func()
}

func (r progressReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	if n > 0 {
		r.progress()
	}
	return n, err
}
