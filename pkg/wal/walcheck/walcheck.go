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
	"github.com/arcabackup/arca/pkg/objstore/destinations"
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
	// Copies are the further destinations that hold a copy of the base
	// backups and WAL archive (those that take base backups): each is
	// compared with the primary at every check (CopyArchive).
	Copies destinations.Set
	// Grace is how long an object may be in the primary and not yet in a
	// copy (its writer copies it right after): 10 minutes when zero.
	Grace time.Duration
}

// CheckWAL checks the archive and, with a Slot, the stream; the error
// joins every problem found.
func (s Scheduled) CheckWAL(ctx context.Context) error {
	keys, err := s.Keys.Keyring(ctx)
	if err == nil {
		_, err = Archive(ctx, wal.Config{Store: s.Store, Layout: s.Layout, Keys: keys}, s.MaxAge, s.Record)
	}
	if _, cerr := CopyArchives(ctx, s.Store, s.Layout, s.Copies, s.Grace, time.Now(), s.Record); cerr != nil {
		err = errors.Join(err, cerr)
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

// CopyResult is one destination's copy of the archive compared with the
// primary's: how many objects it lacks, and why when it lacks any or
// could not be listed.
type CopyResult struct {
	Destination string
	Missing     int
	Error       string `json:",omitempty"`
}

// CopyArchives compares each copy's archive with the primary's
// (CopyArchive), every one even when one fails: what the coordinator's
// scheduled check and `arca wal-check` run. The error joins each
// destination's.
func CopyArchives(ctx context.Context, primary objstore.Store, layout backup.Layout, copies destinations.Set, grace time.Duration,
	now time.Time, record Record) ([]CopyResult, error) {
	out := make([]CopyResult, 0, len(copies))
	var errs []error
	for _, d := range copies {
		n, err := CopyArchive(ctx, primary, layout, d, grace, now, record)
		r := CopyResult{Destination: d.Name, Missing: n}
		if err != nil {
			r.Error = err.Error()
			errs = append(errs, err)
		}
		out = append(out, r)
	}
	return out, errors.Join(errs...)
}

// CopyArchive compares destination d's copy of the base backups and the
// WAL archive with the primary's: each object the primary has held for
// longer than grace (10 minutes when zero) and d lacks is missing there,
// unless it sorts before d's first key (base backup ids and WAL names sort
// by time; d's own retention may have pruned what is older).
// It records d's outcome (stage archive-copy, d in its destination
// attribute): failed, naming how many objects are missing and the first
// (copy-missing pages for d), or succeeded, which resolves it. The returned error is a listing that
// failed, or the missing objects.
func CopyArchive(ctx context.Context, primary objstore.Store, layout backup.Layout, d destinations.Destination, grace time.Duration,
	now time.Time, record Record) (missing int, err error) {
	if grace == 0 {
		grace = 10 * time.Minute
	}
	var first string
	for _, folder := range []string{"base", "wal"} {
		prefix := layout.KindPrefix(folder)
		have := map[string]bool{}
		oldest := "" // the copy's first key: what sorts before it, its own retention may have pruned
		for o, err := range d.Store.List(ctx, prefix) {
			if err != nil {
				return 0, fmt.Errorf("destination %s: list %s: %w", d.Name, prefix, err)
			}
			if oldest == "" {
				oldest = o.Key
			}
			have[o.Key] = true
		}
		for o, err := range primary.List(ctx, prefix) {
			if err != nil {
				return 0, fmt.Errorf("list %s: %w", prefix, err)
			}
			if !have[o.Key] && o.Key > oldest && now.Sub(o.LastModified) > grace {
				if first == "" {
					first = o.Key
				}
				missing++
			}
		}
	}
	e := messages.Event{Kind: messages.KindWAL, Stage: messages.StageArchiveCopy, Status: messages.StatusSucceeded,
		Attrs: map[string]string{messages.DestinationAttr: d.Name, "archive": "base and WAL"}}
	if missing > 0 {
		err = fmt.Errorf("destination %s lacks %d objects of the base backups and WAL archive (first %s): arca copy --archive --to %s completes it",
			d.Name, missing, first, d.Name)
		e.Status, e.Error = messages.StatusFailed, err.Error()
	}
	record(ctx, e)
	return missing, err
}
