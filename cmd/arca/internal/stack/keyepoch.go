package stack

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/pkg/seal/keyring"
)

// The keyring epoch (docs/keys.md). `arca keys init|rotate|erase-tenant|sync`
// save the keyring and then announce it: the key "epoch" of the KV bucket
// KeyringEpochBucket holds the epoch number, incremented by compare-and-set,
// and the fingerprint of the keyring saved. Every service that holds keys
// watches that key (and polls it every KeyringPoll), reloads its keyring when
// it changes, and writes a heartbeat with the epoch it holds to
// KeyringInstancesBucket, whose entries expire after KeyringLease: the CLI
// waits until every live instance holds the new epoch.
const (
	KeyringEpochBucket     = "arca_keyring_epoch"
	KeyringInstancesBucket = "arca_keyring_instances"
	keyringEpochKey        = "epoch"
)

// KeyringPoll and KeyringLease bound how a change propagates: a watch update
// arrives within milliseconds; without it a service polls every KeyringPoll;
// a service that has not confirmed the epoch for KeyringLease stops sealing
// and opening, and its heartbeat expires from the instances bucket at the
// same time, so an instance the CLI no longer sees uses no keys.
const (
	KeyringPoll  = 2 * time.Second
	KeyringLease = 15 * time.Second
)

// KeyringAnnouncement is the value of the epoch key.
type KeyringAnnouncement struct {
	keyring.Epoch
	Change string    `json:"change,omitempty"` // what changed: "rotate tenant acme", "erase-tenant acme"
	At     time.Time `json:"at"`
}

// KeyringInstance is the heartbeat of one running process that holds keys.
type KeyringInstance struct {
	ID          string    `json:"id"`
	Services    []string  `json:"services"`
	Host        string    `json:"host"`
	PID         int       `json:"pid"`
	Epoch       uint64    `json:"epoch"`       // the epoch whose keyring it holds
	Fingerprint string    `json:"fingerprint"` // of that keyring
	Behind      string    `json:"behind,omitempty"`
	At          time.Time `json:"at"`
}

// String names the instance for an operator.
func (i KeyringInstance) String() string {
	s := fmt.Sprintf("%s (%v on %s pid %d) holds epoch %d", i.ID, i.Services, i.Host, i.PID, i.Epoch)
	if i.Behind != "" {
		s += ": " + i.Behind
	}
	return s
}

// State is "current" when the instance holds the announced epoch, else
// "BEHIND" and why.
func (i KeyringInstance) State(announced uint64) string {
	switch {
	case i.Epoch >= announced:
		return "current"
	case i.Behind != "":
		return "BEHIND: " + i.Behind
	}
	return "BEHIND"
}

// KeyringKV opens (creating if needed) the two buckets of the keyring epoch.
func KeyringKV(ctx context.Context, js jetstream.KeyValueManager, replicas int) (epoch, instances jetstream.KeyValue, err error) {
	if replicas == 0 {
		replicas = 1
	}
	epoch, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: KeyringEpochBucket, Description: "Arca keyring epoch: the announced keyring every service must hold",
		History: 16, Replicas: replicas, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("keyring epoch bucket: %w", err)
	}
	instances, err = js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: KeyringInstancesBucket, Description: "Arca services holding keys, and their keyring epoch",
		TTL: KeyringLease, Replicas: replicas, Storage: jetstream.FileStorage,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("keyring instances bucket: %w", err)
	}
	return epoch, instances, nil
}

// ReadKeyringEpoch returns the current announcement and its revision; both
// zero when nothing was ever announced.
func ReadKeyringEpoch(ctx context.Context, kv jetstream.KeyValue) (KeyringAnnouncement, uint64, error) {
	e, err := kv.Get(ctx, keyringEpochKey)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return KeyringAnnouncement{}, 0, nil
	}
	if err != nil {
		return KeyringAnnouncement{}, 0, fmt.Errorf("read keyring epoch: %w", err)
	}
	a, err := decodeAnnouncement(e.Value())
	return a, e.Revision(), err
}

func decodeAnnouncement(b []byte) (KeyringAnnouncement, error) {
	var a KeyringAnnouncement
	if err := json.Unmarshal(b, &a); err != nil {
		return a, fmt.Errorf("decode keyring epoch: %w", err)
	}
	return a, nil
}

// AnnounceKeyring makes the keyring with fingerprint fp, already saved, the
// next epoch.
func AnnounceKeyring(ctx context.Context, kv jetstream.KeyValue, fp, change string) (KeyringAnnouncement, error) {
	for {
		cur, rev, err := ReadKeyringEpoch(ctx, kv)
		if err != nil {
			return cur, err
		}
		next := KeyringAnnouncement{Epoch: keyring.Epoch{N: cur.N + 1, Fingerprint: fp}, Change: change, At: time.Now().UTC()}
		doc, err := json.Marshal(next)
		if err != nil {
			return next, err
		}
		if rev == 0 {
			_, err = kv.Create(ctx, keyringEpochKey, doc)
		} else {
			_, err = kv.Update(ctx, keyringEpochKey, doc, rev)
		}
		if errors.Is(err, jetstream.ErrKeyExists) || isWrongLastSequence(err) {
			continue // another change was announced at the same time
		}
		if err != nil {
			return next, fmt.Errorf("announce keyring epoch %d: %w", next.N, err)
		}
		return next, nil
	}
}

func isWrongLastSequence(err error) bool {
	var api *jetstream.APIError
	return errors.As(err, &api) && api.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// KeyringInstances lists the live instances (those whose heartbeat has not
// expired), ordered by id.
func KeyringInstances(ctx context.Context, kv jetstream.KeyValue) ([]KeyringInstance, error) {
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list keyring instances: %w", err)
	}
	var out []KeyringInstance
	for k := range lister.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // expired or stopped meanwhile
		}
		if err != nil {
			return nil, fmt.Errorf("read keyring instance %s: %w", k, err)
		}
		var i KeyringInstance
		if err := json.Unmarshal(e.Value(), &i); err != nil {
			return nil, fmt.Errorf("decode keyring instance %s: %w", k, err)
		}
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b KeyringInstance) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// AwaitKeyring waits until every live instance holds epoch n or later, or
// until timeout; it returns the live instances and those still behind.
func AwaitKeyring(ctx context.Context, kv jetstream.KeyValue, n uint64, timeout time.Duration) (live, behind []KeyringInstance, err error) {
	deadline := time.Now().Add(timeout)
	for {
		live, err = KeyringInstances(ctx, kv)
		if err != nil {
			return nil, nil, err
		}
		behind = behind[:0]
		for _, i := range live {
			if i.Epoch < n {
				behind = append(behind, i)
			}
		}
		if len(behind) == 0 || !time.Now().Before(deadline) {
			return live, behind, nil
		}
		select {
		case <-ctx.Done():
			return live, behind, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// LiveKeyring loads the keyring of the current epoch and keeps it current
// until stop: it watches and polls the epoch, reloads the keyring from its
// file when a new epoch is announced, and heartbeats the epoch it holds. The
// first heartbeat is written before it returns, so an instance that can take
// jobs is always one the CLI waits for. A keyring file that does not hold
// the announced epoch is not fatal: the instance runs, refuses to seal or
// open (keyring.ErrStale), and its heartbeat says why. opts open the
// keyring's KMS-backed versions (KeySource.Opts).
func LiveKeyring(ctx context.Context, st keyring.Store, js jetstream.KeyValueManager, replicas int, services []string, log *slog.Logger, opts ...keyring.Option) (*keyring.Live, func(), error) {
	epochKV, instKV, err := KeyringKV(ctx, js, replicas)
	if err != nil {
		return nil, nil, err
	}
	live := keyring.NewLive(func(ctx context.Context) (*keyring.Keyring, error) { return loadKeyring(ctx, st, opts...) },
		keyring.WithLease(KeyringLease))
	ann, _, err := ReadKeyringEpoch(ctx, epochKV)
	if err != nil {
		return nil, nil, err
	}
	live.Observe(ann.Epoch)
	if err := live.Advance(ctx, ann.Epoch); err != nil {
		if _, lerr := loadKeyring(ctx, st, opts...); lerr != nil {
			return nil, nil, lerr // the keyring does not open at all: as before, fail at start
		}
		log.Warn("keyring behind the announced epoch; not sealing or opening until it catches up", "err", err)
	}
	w := &keyringWatcher{live: live, epoch: epochKV, inst: instKV, log: log, self: KeyringInstance{
		ID: instanceID(), Services: services, Host: hostname(), PID: os.Getpid(),
	}}
	if err := w.beat(ctx); err != nil {
		return nil, nil, err
	}
	// A change announced between the first read and the heartbeat may have
	// been waited for without this instance: read the epoch again now that
	// the instance is listed.
	if a, _, err := ReadKeyringEpoch(ctx, epochKV); err == nil {
		w.step(ctx, a)
	}
	wctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { w.run(wctx) })
	stop := func() {
		cancel()
		wg.Wait()
		dctx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = instKV.Delete(dctx, w.self.ID) // gone now, rather than after the lease
	}
	return live, stop, nil
}

type keyringWatcher struct {
	live        *keyring.Live
	epoch, inst jetstream.KeyValue
	log         *slog.Logger
	self        KeyringInstance
	lastBehind  string
}

func (w *keyringWatcher) run(ctx context.Context) {
	var updates <-chan jetstream.KeyValueEntry
	if watch, err := w.epoch.Watch(ctx, keyringEpochKey, jetstream.UpdatesOnly()); err != nil {
		w.log.Warn("keyring epoch watch failed; polling only", "every", KeyringPoll, "err", err)
	} else {
		defer func() { _ = watch.Stop() }() // the watch is done with either way
		updates = watch.Updates()
	}
	tick := time.NewTicker(KeyringPoll)
	defer tick.Stop()
	unreadable := false
	for {
		select {
		case <-ctx.Done():
			return
		case e, ok := <-updates:
			if !ok {
				updates = nil
				continue
			}
			if e == nil || e.Operation() != jetstream.KeyValuePut {
				continue
			}
			if a, err := decodeAnnouncement(e.Value()); err == nil {
				w.step(ctx, a)
			}
		case <-tick.C:
			a, _, err := ReadKeyringEpoch(ctx, w.epoch)
			if err != nil {
				if !unreadable && ctx.Err() == nil {
					w.log.Warn("keyring epoch unreadable; sealing and opening stop when the lease ends", "lease", KeyringLease, "err", err)
				}
				unreadable = true
				continue
			}
			unreadable = false
			w.step(ctx, a)
		}
	}
}

// step observes the announcement, reloads the keyring if it is behind, and
// heartbeats what it holds (the acknowledgement the CLI waits for).
func (w *keyringWatcher) step(ctx context.Context, a KeyringAnnouncement) {
	w.live.Observe(a.Epoch)
	if held := w.live.Held(); a.N > 0 && (held.N < a.N || held.N == a.N && held.Fingerprint != a.Fingerprint) {
		if err := w.live.Advance(ctx, a.Epoch); err == nil {
			w.log.Info("keyring reloaded", "epoch", a.N, "change", a.Change)
		}
	}
	if b := w.live.Behind(); b != w.lastBehind {
		if b != "" {
			w.log.Warn("keyring behind the announced epoch; not sealing or opening until it catches up", "err", b)
		}
		w.lastBehind = b
	}
	if err := w.beat(ctx); err != nil && ctx.Err() == nil {
		w.log.Warn("keyring heartbeat failed", "err", err)
	}
}

func (w *keyringWatcher) beat(ctx context.Context) error {
	i := w.self
	held := w.live.Held()
	i.Epoch, i.Fingerprint, i.Behind, i.At = held.N, held.Fingerprint, w.live.Behind(), time.Now().UTC()
	doc, err := json.Marshal(i)
	if err != nil {
		return err
	}
	if _, err := w.inst.Put(ctx, i.ID, doc); err != nil {
		return fmt.Errorf("keyring heartbeat: %w", err)
	}
	return nil
}

var notKeyChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "unknown"
	}
	return h
}

// instanceID is unique per process start: host, pid and a random suffix.
func instanceID() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", notKeyChars.ReplaceAllString(hostname(), "_"), os.Getpid(), hex.EncodeToString(b))
}
