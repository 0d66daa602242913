package walcheck

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/objstore"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
	"github.com/arcabackup/arca/pkg/wal/receive"
)

// Record records a check's event where a running system sees it; a check
// with no system to tell still reports to its caller.
type Record func(ctx context.Context, e messages.Event)

// Archive checks the archive after every base backup, no segment older
// than maxAge, and records the outcome; the error is the gap or staleness
// found.
func Archive(ctx context.Context, cfg wal.Config, maxAge time.Duration, record Record) (wal.Continuity, error) {
	res, err := basebackup.CheckWAL(ctx, cfg, wal.CheckOptions{MaxAge: maxAge})
	if err != nil {
		return res, err
	}
	msg := ""
	if p := res.Err(); p != nil {
		msg = p.Error()
	}
	record(ctx, wal.CheckEvent(messages.StageWALArchive, msg))
	return res, res.Err()
}

// Stream reads wal-receive's slot and stream on the primary and records
// them; the Health's Err is what exceeds t.
func Stream(ctx context.Context, primaryURL, slot string, t receive.Thresholds, record Record) (receive.Health, error) {
	conn, err := pgx.Connect(ctx, primaryURL)
	if err != nil {
		return receive.Health{}, fmt.Errorf("wal-check: connect to the primary: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	h, err := receive.Check(ctx, conn, slot, t)
	if err != nil {
		return h, err
	}
	record(ctx, wal.CheckEvent(messages.StageWALSlot, h.SlotProblem))
	record(ctx, wal.CheckEvent(messages.StageWALStream, h.StreamProblem))
	return h, nil
}

// KeySource opens the keyring as it is now; each scheduled check reads it
// anew, so base backups sealed after a rotation authenticate.
type KeySource interface {
	Keyring(ctx context.Context) (*keyring.Keyring, error)
}

// Scheduled is the coordinator's WAL check (alerting.wal_max_age,
// alerting.wal_slot).
type Scheduled struct {
	Store  objstore.Store
	Layout backup.Layout
	Keys   KeySource
	MaxAge time.Duration
	// Slot is wal-receive's slot on the primary at PrimaryURL; "" checks
	// no stream.
	PrimaryURL, Slot string
	// Thresholds of the slot check (zero fields: 4 GiB retained, a minute
	// of lag).
	Thresholds receive.Thresholds
	Record     Record
}

// CheckWAL checks the archive and, with a Slot, the stream; the error
// joins every problem found.
func (s Scheduled) CheckWAL(ctx context.Context) error {
	keys, err := s.Keys.Keyring(ctx)
	if err == nil {
		_, err = Archive(ctx, wal.Config{Store: s.Store, Layout: s.Layout, Keys: keys}, s.MaxAge, s.Record)
	}
	if s.Slot == "" {
		return err
	}
	t := s.Thresholds
	if t.MaxRetained == 0 {
		t.MaxRetained = 4 << 30
	}
	if t.MaxLag == 0 {
		t.MaxLag = time.Minute
	}
	h, serr := Stream(ctx, s.PrimaryURL, s.Slot, t, s.Record)
	if serr == nil {
		serr = h.Err()
	}
	return errors.Join(err, serr)
}
