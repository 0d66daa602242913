package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/services/alerter/internal/alert"
)

// KVCreator is what Open needs of a JetStream context.
type KVCreator interface {
	CreateOrUpdateKeyValue(ctx context.Context, cfg jetstream.KeyValueConfig) (jetstream.KeyValue, error)
}

// Options configure the bucket.
type Options struct {
	Bucket   string // default "ALERTS"
	Replicas int    // default 1; 3 in production clusters
}

// Outbox is the durable set of desired alert states. Safe for concurrent use.
type Outbox struct {
	kv      jetstream.KeyValue
	changed chan struct{}
}

// Open creates the bucket if needed and returns its outbox.
func Open(ctx context.Context, js KVCreator, o Options) (*Outbox, error) {
	if o.Bucket == "" {
		o.Bucket = "ALERTS"
	}
	if o.Replicas == 0 {
		o.Replicas = 1
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      o.Bucket,
		Description: "Arca alerts not yet delivered to PagerDuty, and open incidents",
		History:     1,
		Storage:     jetstream.FileStorage,
		Replicas:    o.Replicas,
	})
	if err != nil {
		return nil, fmt.Errorf("open outbox %s: %w", o.Bucket, err)
	}
	return &Outbox{kv: kv, changed: make(chan struct{}, 1)}, nil
}

// Changed receives a value after a Record changed something, so the
// dispatcher can deliver without polling.
func (o *Outbox) Changed() <-chan struct{} { return o.changed }

// Record stores a as its key's desired state, unless that state is already
// desired, a is older than the recorded state, or a resolves a key that has
// no entry. It reports whether the entry changed. Once Record returns nil
// the state survives a restart.
func (o *Outbox) Record(ctx context.Context, a alert.Alert) (bool, error) {
	key := a.DedupKey()
	for {
		cur, err := o.get(ctx, key)
		if err != nil {
			return false, err
		}
		next, changed := merge(cur, a)
		if !changed {
			return false, nil
		}
		err = o.put(ctx, key, cur, next)
		if errors.Is(err, errConflict) {
			continue
		}
		if err != nil {
			return false, err
		}
		select {
		case o.changed <- struct{}{}:
		default:
		}
		return true, nil
	}
}

// Entries returns every entry. Order is unspecified.
func (o *Outbox) Entries(ctx context.Context) ([]Entry, error) {
	lister, err := o.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	defer func() { _ = lister.Stop() }()
	var out []Entry
	for key := range lister.Keys() {
		e, err := o.get(ctx, key)
		if err != nil {
			return nil, err
		}
		if e != nil {
			out = append(out, *e)
		}
	}
	return out, nil
}

// Get returns one key's entry, or nil if it has none.
func (o *Outbox) Get(ctx context.Context, key string) (*Entry, error) { return o.get(ctx, key) }

// Settle records that PagerDuty now knows d of the key, after the state of
// the given version was delivered (or absorbed, or found unnecessary). A
// newer state recorded meanwhile stays pending. A settled entry with no
// open incident is deleted.
func (o *Outbox) Settle(ctx context.Context, key string, version uint64, d Delivery) error {
	return o.update(ctx, key, func(e *Entry) {
		e.Delivered = d
		if e.Version == version {
			e.Pending = false
		}
	})
}

// Reject records that PagerDuty refused the state of the given version; it
// is not retried.
func (o *Outbox) Reject(ctx context.Context, key string, version uint64, reason string) error {
	return o.update(ctx, key, func(e *Entry) {
		if e.Version == version {
			e.Pending, e.Rejected = false, reason
		}
	})
}

func (o *Outbox) update(ctx context.Context, key string, change func(*Entry)) error {
	for {
		cur, err := o.get(ctx, key)
		if err != nil || cur == nil {
			return err
		}
		next := *cur
		change(&next)
		err = o.put(ctx, key, cur, next)
		if errors.Is(err, errConflict) {
			continue
		}
		return err
	}
}

var errConflict = errors.New("outbox entry changed concurrently")

func (o *Outbox) get(ctx context.Context, key string) (*Entry, error) {
	kve, err := o.kv.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read outbox %s: %w", key, err)
	}
	var e Entry
	if err := json.Unmarshal(kve.Value(), &e); err != nil {
		return nil, fmt.Errorf("read outbox %s: %w", key, err)
	}
	e.Key, e.Revision = key, kve.Revision()
	return &e, nil
}

// put writes next over cur (nil: no entry) by compare-and-set, deleting the
// key when next is settled.
func (o *Outbox) put(ctx context.Context, key string, cur *Entry, next Entry) error {
	var err error
	switch {
	case cur != nil && next.settled():
		err = o.kv.Delete(ctx, key, jetstream.LastRevision(cur.Revision))
	case cur != nil:
		err = encode(next, func(b []byte) error { _, err := o.kv.Update(ctx, key, b, cur.Revision); return err })
	default:
		err = encode(next, func(b []byte) error { _, err := o.kv.Create(ctx, key, b); return err })
	}
	if errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch) || isWrongSequence(err) {
		return errConflict
	}
	if err != nil {
		return fmt.Errorf("write outbox %s: %w", key, err)
	}
	return nil
}

func encode(e Entry, do func([]byte) error) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	return do(b)
}

// isWrongSequence matches the server's "wrong last sequence" answer to a
// compare-and-set whose revision is stale.
func isWrongSequence(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence ||
		apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequenceConstant)
}
