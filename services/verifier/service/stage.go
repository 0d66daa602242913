package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/restore/verify"
	"github.com/arcabackup/arca/pkg/seal"
	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// Service is a running verifier. It holds bucket read rights (and the right
// to write verified.json), decrypt rights and the right to seal
// verified.json; no database.
type Service struct {
	js     jobs.JetStream
	store  objstore.Store
	keys   backup.Keys
	layout backup.Layout
	cfg    jobs.Config
	now    func() time.Time
	// copies are the further destinations by name (Deps.Copies).
	copies map[string]objstore.Store
}

// storeOf is the store of the destination a job names.
func (s *Service) storeOf(destination string) (objstore.Store, error) {
	if destination == "" {
		return s.store, nil
	}
	if st, ok := s.copies[destination]; ok {
		return st, nil
	}
	return nil, jobs.Permanent(fmt.Errorf("verify: no destination %q in this verifier's configuration", destination))
}

// Deps are the verifier's connections and keys: JetStream (JOBS, EVENTS),
// the bucket it reads back, and the keys that open backups and seal
// verified.json.
type Deps struct {
	JS    jobs.JetStream
	Store objstore.Store
	Keys  backup.Keys
	// Copies are the further destinations by name (store.destinations):
	// a job naming one (messages.VerifyRequested.Destination) reads its
	// copy there and records verified.json there.
	Copies map[string]objstore.Store
}

// Config of the verifier. Layout is the bucket's: verified.json is sealed
// for its key, which carries the layout's prefix.
type Config struct {
	Layout backup.Layout
	Worker jobs.Config
}

// New builds the service without touching the network.
func New(d Deps, cfg Config) (*Service, error) {
	if d.JS == nil || d.Store == nil || d.Keys == nil {
		return nil, errors.New("verifier: JetStream, store and keys are required")
	}
	return &Service{js: d.JS, store: d.Store, keys: d.Keys, layout: cfg.Layout, cfg: cfg.Worker, now: time.Now, copies: d.Copies}, nil
}

// Run consumes verify jobs until ctx ends.
func (s *Service) Run(ctx context.Context) error {
	return jobs.NewWorker(s.js, jobs.Stage{Name: messages.StageVerify, Subject: messages.SubjectVerify}, s.handle, s.cfg).Run(ctx)
}

// Epochs is implemented by keys that change while the stage runs
// (keyring.Live): an outcome is recorded only while the epoch it was
// reached under is still held, so once the service has acknowledged an
// erasure, no verification done with the destroyed key is recorded.
type Epochs interface {
	Epoch() uint64
	Pin(epoch uint64) (release func(), ok bool)
}

// staleRetry is how soon a verification is tried again while the keyring
// catches up with a newly announced epoch.
const staleRetry = 2 * time.Second

// lacksKeyDeliveries is how many deliveries a verification gets, staleRetry
// apart, while the verifier's keyring lacks a key the backup names: a
// backup sealed right after a rotation can reach the verifier before its
// keyring has heard of the new epoch (the watch, or its 2 s poll).
const lacksKeyDeliveries = 4

// missingWait is how long the verifier waits for an object that its
// manifest names but the bucket does not show yet, before calling the
// backup damaged: some servers show a fresh object a moment late.
const missingWait = 30 * time.Second

func (s *Service) handle(ctx context.Context, job *jobs.Job[messages.VerifyRequested]) error {
	m := job.Msg
	epochs, _ := s.keys.(Epochs)
	var epoch uint64
	if epochs != nil {
		epoch = epochs.Epoch()
	}
	// Every byte read back is progress: a large backup is verified however
	// long it takes, a stalled read is cancelled after the worker's Timeout.
	dest, err := s.storeOf(m.Destination)
	if err != nil {
		return err
	}
	store := progressStore{Store: dest, progress: job.Progress}
	// Each part read back is an event, for whoever watches progress; a
	// lost event costs a progress line, never the verification.
	partRead := func(part int, bytes int64) {
		_ = job.Publisher.Event(ctx, messages.PartDone{Ref: m.Ref(), Stage: messages.StageVerify, Part: part, Bytes: bytes,
			Attempt: int(job.Delivered), Destination: m.Destination}.Event())
	}
	check := func() (verify.Result, error) {
		return verify.StoredParts(ctx, backup.Repository{Store: store, Layout: s.layout, Keys: s.keys}, m.ManifestKey, partRead)
	}
	res, err := check()
	delay, deadline := 100*time.Millisecond, time.Now().Add(missingWait)
	for errors.Is(err, objstore.ErrNotFound) && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(2*delay, 2*time.Second)
		res, err = check()
	}
	if errors.Is(err, keyring.ErrStale) {
		return jobs.RetryAfter(staleRetry, err)
	}
	if verify.LacksKey(err) {
		// This verifier's keyring does not hold a key the backup names,
		// which says nothing of the backup: recording it would overwrite
		// a passed verification with a failure (decision 37). A keyring
		// that has not heard of a rotation yet catches up within
		// seconds; one that still lacks the key is misconfigured, and
		// the job is dead-lettered, which pages dead-lettered.
		if job.Delivered < lacksKeyDeliveries {
			s.log().Warn("verifier lacks a key the backup was sealed under; trying again while its keyring catches up",
				"backup", m.BackupID, "manifest", m.ManifestKey, "delivery", job.Delivered, "err", err)
			return jobs.RetryAfter(staleRetry, err)
		}
		s.log().Error("verifier cannot judge the backup: its keyring lacks a key the backup was sealed under",
			"backup", m.BackupID, "manifest", m.ManifestKey, "err", err)
		return jobs.Permanent(fmt.Errorf("verify %s: this verifier cannot judge the backup (its keyring lacks the key): %w", m.BackupID, err))
	}
	if !verify.Judged(err) {
		return err // the bucket could not be read: try again later
	}
	if epochs != nil {
		release, ok := epochs.Pin(epoch)
		if !ok {
			return jobs.RetryAfter(staleRetry, fmt.Errorf("verify %s: the keyring changed during verification", m.BackupID))
		}
		defer release()
	}
	var unknown *seal.UnknownKeyError
	if errors.As(err, &unknown) && unknown.Destroyed {
		// Sealed under a destroyed key (crypto-erasure): say so plainly.
		err = fmt.Errorf("%w: %w", keyring.ErrTenantErased, err)
	}
	v := res.Record(err, m.Destination, s.now().UTC())
	v.BackupID = m.BackupID // a failure that read no manifest names none
	status := messages.StatusSucceeded
	if err != nil {
		status = messages.StatusFailed
	}
	ref, rerr := s.layout.Ref(m.ManifestKey)
	if rerr != nil {
		return jobs.Permanent(fmt.Errorf("verify %s: %w", m.BackupID, rerr))
	}
	if err := s.record(ctx, dest, ref, v); errors.Is(err, keyring.ErrTenantErased) {
		// Nothing can be sealed for an erased tenant, a verification
		// neither; the failed event below still says so.
		v.Reason, status = err.Error(), messages.StatusFailed
	} else if err != nil {
		return err
	}
	attrs := map[string]string{"manifest": m.ManifestKey, "tables": strconv.Itoa(v.Tables), "rows": strconv.FormatInt(v.Rows, 10), "plain_bytes": strconv.FormatInt(v.PlainBytes, 10)}
	if m.Destination != "" {
		attrs[messages.DestinationAttr] = m.Destination
	}
	return job.Publisher.Event(ctx, messages.Event{
		Tenant: m.Tenant, Kind: m.Kind, BackupID: m.BackupID, Stage: messages.StageVerify, Status: status,
		Bytes: res.ObjectBytes, Duration: messages.Duration(res.Duration), Error: v.Reason, Attrs: attrs,
	})
}

// log is the worker's logger, or the default one.
func (s *Service) log() *slog.Logger {
	if s.cfg.Logger != nil {
		return s.cfg.Logger
	}
	return slog.Default()
}

// record writes the sealed verified.json beside the manifest, in the
// destination verified.
func (s *Service) record(ctx context.Context, store objstore.Store, ref backup.Ref, v backup.Verification) error {
	key, doc, err := s.layout.SealVerification(ctx, ref, v, s.keys)
	if err != nil {
		return fmt.Errorf("record verification %s: %w", v.BackupID, err)
	}
	if _, err := store.Put(ctx, key, bytes.NewReader(doc), int64(len(doc))); err != nil {
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
