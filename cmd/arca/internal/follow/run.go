package follow

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	"github.com/arcabackup/arca/pkg/jobs"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/progress"
)

// Options of Run: whether to wait, and what to show while it does.
type Options struct {
	Wait    bool
	Timeout time.Duration
	Log     *slog.Logger
	// Line is the progress line while waiting (progress.Backups); nil:
	// none.
	Line *progress.Line
	// Started is told of each backup queued, or skipped for one in flight
	// (SkippedFor), as it is; Decided of each backup's final state as it
	// comes, the progress line cleared. Either may be nil.
	Started func(stack.Queued)
	Decided func(*Outcome)
	// Out, when set, gets a line for each backup queued or skipped and
	// each decided (WriteStarted, Outcome.WriteDecided).
	Out io.Writer
}

// RunTenants is Run of the tenant backups `arca backup tenant ID|all`
// names (stack.Tenants): an id the tenants query does not list is
// refused before anything is queued.
func RunTenants(ctx context.Context, cfg config.Config, id string, o Options) (*Set, error) {
	tenants, err := stack.Tenants(ctx, cfg, id)
	if err != nil {
		return nil, err
	}
	return Run(ctx, cfg, messages.KindTenant, tenants, o)
}

// Run starts one backup of kind per tenant ("" for the whole database)
// through stack.StartBackups and, with Wait, follows each until it is
// verified, fails or Timeout passes (Set.Await): a backup skipped for one
// in flight is followed through that one. The set is in start order; the
// error is the start's or the context's.
func Run(ctx context.Context, cfg config.Config, kind messages.Kind, tenants []string, o Options) (*Set, error) {
	conn, err := stack.Connect(ctx, cfg, "cli")
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	now := time.Now().UTC()
	var events <-chan messages.Event
	if o.Wait {
		// Subscribe before publishing, so no event is missed.
		ch, stop, err := jobs.WatchEvents(ctx, conn.JS)
		if err != nil {
			return nil, err
		}
		defer stop()
		events = ch
	}
	queued, err := stack.StartBackups(ctx, cfg, conn, kind, tenants, now, o.Log)
	set := &Set{queuedOnly: !o.Wait}
	for _, q := range queued {
		if q.SkippedFor != "" {
			set.Add(q.Tenant, q.SkippedFor)
		} else {
			set.Add(q.Tenant, q.BackupID)
		}
		if o.Started != nil {
			o.Started(q)
		}
		if o.Out != nil {
			WriteStarted(o.Out, kind, q)
		}
	}
	if err != nil || !o.Wait {
		return set, err
	}
	refs := make([]progress.Ref, len(set.Order))
	for i, b := range set.Order {
		refs[i] = progress.Ref{Tenant: b.Tenant, BackupID: b.BackupID}
	}
	decided := func(b *Outcome) {
		if o.Decided != nil {
			o.Decided(b)
		}
		if o.Out != nil {
			b.WriteDecided(o.Out)
		}
	}
	h := Hooks{Decided: decided}
	if o.Line != nil {
		bp := progress.NewBackups(o.Line, time.Now, len(set.Order), progress.EarlierParts(ctx, conn.JS, kind, refs))
		defer bp.Done()
		h = Hooks{Tick: bp.Render, Event: bp.Observe, Decided: func(b *Outcome) {
			bp.Finished(b.BackupID, b.Status == Verified)
			bp.Done()
			decided(b)
		}}
	}
	return set, set.Await(ctx, events, now, o.Timeout, h)
}
