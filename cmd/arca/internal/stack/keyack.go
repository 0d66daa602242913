package stack

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
)

// KeyringAck is what announcing a keyring epoch found: the announcement,
// the live instances, and those that did not load it in time.
type KeyringAck struct {
	Announcement KeyringAnnouncement
	Live, Behind []KeyringInstance
}

// Err names the instances still behind, or is nil.
func (a KeyringAck) Err(wait time.Duration) error {
	if len(a.Behind) == 0 {
		return nil
	}
	names := make([]string, len(a.Behind))
	for i, b := range a.Behind {
		names[i] = b.String()
	}
	return fmt.Errorf("keyring epoch %d (%s) announced, but %d of %d running instances did not load it within %s: %s",
		a.Announcement.N, a.Announcement.Change, len(a.Behind), len(a.Live), wait, strings.Join(names, "; "))
}

// AnnounceAndAwait makes the saved keyring with fingerprint fp the next
// epoch and waits up to wait (<= 0: not at all) until every live instance
// holding keys has loaded it. Its errors say the keyring was saved.
func AnnounceAndAwait(ctx context.Context, js jetstream.KeyValueManager, replicas int, fp, change string, wait time.Duration) (KeyringAck, error) {
	epochKV, instKV, err := KeyringKV(ctx, js, replicas)
	if err != nil {
		return KeyringAck{}, fmt.Errorf("keyring saved, but running services were not told: %w", err)
	}
	ann, err := AnnounceKeyring(ctx, epochKV, fp, change)
	if err != nil {
		return KeyringAck{}, fmt.Errorf("keyring saved, but running services were not told: %w", err)
	}
	ack := KeyringAck{Announcement: ann}
	if wait <= 0 {
		return ack, nil
	}
	if ack.Live, ack.Behind, err = AwaitKeyring(ctx, instKV, ann.N, wait); err != nil {
		return ack, fmt.Errorf("keyring epoch %d announced: %w", ann.N, err)
	}
	return ack, nil
}

// KeyringStatus is the announced epoch and the epoch every live instance
// holds (`arca keys status`).
type KeyringStatus struct {
	Epoch     KeyringAnnouncement `json:"epoch"`
	Instances []KeyringInstance   `json:"instances"`
	Behind    int                 `json:"behind"`
}

// ReadKeyringStatus reads the announced epoch and the live instances.
func ReadKeyringStatus(ctx context.Context, js jetstream.KeyValueManager, replicas int) (KeyringStatus, error) {
	epochKV, instKV, err := KeyringKV(ctx, js, replicas)
	if err != nil {
		return KeyringStatus{}, err
	}
	ann, _, err := ReadKeyringEpoch(ctx, epochKV)
	if err != nil {
		return KeyringStatus{}, err
	}
	insts, err := KeyringInstances(ctx, instKV)
	if err != nil {
		return KeyringStatus{}, err
	}
	st := KeyringStatus{Epoch: ann, Instances: insts}
	for _, i := range insts {
		if i.Epoch < ann.N {
			st.Behind++
		}
	}
	return st, nil
}

// KeyringStatusOf connects to the configuration's NATS and reads the
// keyring status (ReadKeyringStatus).
func KeyringStatusOf(ctx context.Context, cfg config.Config) (KeyringStatus, error) {
	conn, err := Connect(ctx, cfg, "keys")
	if err != nil {
		return KeyringStatus{}, err
	}
	defer conn.Close()
	return ReadKeyringStatus(ctx, conn.JS, cfg.NATS.Replicas)
}
