package receive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Health is the stream as the primary sees it: its slot (pg_replication_slots)
// and its walsender (pg_stat_replication).
type Health struct {
	Slot      string `json:"slot"`
	Exists    bool   `json:"exists"`
	Active    bool   `json:"active"`     // a receiver is connected to the slot
	WALStatus string `json:"wal_status"` // reserved, extended, unreserved, lost
	// Retained is the WAL the slot holds on the primary's disk:
	// pg_current_wal_lsn() - restart_lsn, in bytes.
	Retained int64 `json:"retained_bytes"`
	// LagBytes is the WAL flushed on the primary and not yet reported in the
	// bucket; FlushLag is pg_stat_replication.flush_lag (0 when caught up
	// and idle). Both zero when no receiver is connected.
	LagBytes int64         `json:"lag_bytes"`
	FlushLag time.Duration `json:"flush_lag"`

	// SlotProblem and StreamProblem say what is wrong ("" when nothing).
	SlotProblem   string `json:"slot_problem,omitempty"`
	StreamProblem string `json:"stream_problem,omitempty"`
}

// Thresholds are what Check holds the stream to. Zero disables one.
type Thresholds struct {
	MaxRetained int64         // the slot holds more WAL than this: the primary's disk fills
	MaxLag      time.Duration // flush_lag above this: the RPO is at risk
	MaxLagBytes int64         // more WAL than this not yet in the bucket
}

// Check reads the slot and its walsender on the primary (a normal
// connection, any database; pg_monitor suffices) and applies t. A missing
// slot, a lost one, or no receiver connected are problems too. The error
// is only for a failed query.
func Check(ctx context.Context, conn *pgx.Conn, slot string, t Thresholds) (Health, error) {
	h := Health{Slot: slot}
	var walStatus *string
	var retained, lagBytes *int64
	var lagSeconds *float64
	err := conn.QueryRow(ctx, `
SELECT s.active, s.wal_status,
       pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint,
       pg_wal_lsn_diff(pg_current_wal_flush_lsn(), r.flush_lsn)::bigint,
       extract(epoch FROM r.flush_lag)::float8
FROM pg_replication_slots s
LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid
WHERE s.slot_name = $1`, slot).Scan(&h.Active, &walStatus, &retained, &lagBytes, &lagSeconds)
	switch {
	case err == pgx.ErrNoRows:
		h.SlotProblem = fmt.Sprintf("replication slot %s does not exist", slot)
		h.StreamProblem = "no WAL is streamed: " + h.SlotProblem
		return h, nil
	case err != nil:
		return h, fmt.Errorf("check replication slot %s: %w", slot, err)
	}
	h.Exists = true
	if walStatus != nil {
		h.WALStatus = *walStatus
	}
	if retained != nil {
		h.Retained = *retained
	}
	if lagBytes != nil {
		h.LagBytes = *lagBytes
	}
	if lagSeconds != nil {
		h.FlushLag = time.Duration(*lagSeconds * float64(time.Second))
	}

	var slotP, streamP []string
	if h.WALStatus == "lost" {
		slotP = append(slotP, fmt.Sprintf("replication slot %s lost WAL the archive needs", slot))
	}
	if t.MaxRetained > 0 && h.Retained > t.MaxRetained {
		slotP = append(slotP, fmt.Sprintf("replication slot %s retains %s of WAL on the primary (limit %s)", slot, bytesText(h.Retained), bytesText(t.MaxRetained)))
	}
	if !h.Active {
		streamP = append(streamP, fmt.Sprintf("no wal-receive connected to replication slot %s", slot))
	}
	if t.MaxLag > 0 && h.FlushLag > t.MaxLag {
		streamP = append(streamP, fmt.Sprintf("WAL reaches the bucket %s after its commit (limit %s)", h.FlushLag.Round(time.Millisecond), t.MaxLag))
	}
	if t.MaxLagBytes > 0 && h.LagBytes > t.MaxLagBytes {
		streamP = append(streamP, fmt.Sprintf("%s of WAL not yet in the bucket (limit %s)", bytesText(h.LagBytes), bytesText(t.MaxLagBytes)))
	}
	h.SlotProblem, h.StreamProblem = strings.Join(slotP, "; "), strings.Join(streamP, "; ")
	return h, nil
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// Err is nil when the slot and the stream are healthy, otherwise one
// error per problem found.
func (h Health) Err() error {
	var errs []error
	for _, p := range []string{h.SlotProblem, h.StreamProblem} {
		if p != "" {
			errs = append(errs, errors.New("WAL stream check: "+p))
		}
	}
	return errors.Join(errs...)
}

// WriteText is the slot and the stream in one line, as arca wal-check
// --slot prints them.
func (h Health) WriteText(w io.Writer) {
	fmt.Fprintf(w, "WAL stream: slot %s active %t, retains %d bytes, %d bytes not in the bucket, flush lag %s\n",
		h.Slot, h.Active, h.Retained, h.LagBytes, h.FlushLag.Round(time.Millisecond))
}
