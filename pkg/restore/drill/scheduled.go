package drill

import (
	"context"

	"github.com/arcabackup/arca/pkg/backup"
	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/tenancy"
)

// KeySource opens the keyring as it is now; a scheduled drill reads it at
// each run, so keys rotated since start are seen.
type KeySource interface {
	Keyring(ctx context.Context) (*keyring.Keyring, error)
}

// EventPublisher records one event on EVENTS (jobs.Publisher).
type EventPublisher interface {
	Event(ctx context.Context, e messages.Event) error
}

// Scheduled is the drill the coordinator runs on its schedule and from the
// console: a sample of the source's tenants restored, the newest full dump
// restored, every outcome published on EVENTS tagged with the run.
type Scheduled struct {
	Store  backup.Bucket
	Layout backup.Layout
	Keys   KeySource
	// SourceURL lists the tenants and hosts the scratch databases.
	SourceURL string
	Tenancy   tenancy.Config
	// Sample is how many tenants at most (0: 5).
	Sample int
	// PGRestore is the pg_restore binary (a bare name is looked up on the
	// PATH at each run).
	PGRestore string
	Events    EventPublisher
}

// Drill runs one drill as run; an error (a failed restore included) fails
// the run.
func (s Scheduled) Drill(ctx context.Context, run string) error {
	keys, err := s.Keys.Keyring(ctx)
	if err != nil {
		return err
	}
	tenants, err := tenancy.TenantIDs(ctx, s.SourceURL, s.Tenancy)
	if err != nil {
		return err
	}
	sample := s.Sample
	if sample == 0 {
		sample = 5
	}
	out, err := RunAll(ctx, Options{
		Config: Config{AdminURL: s.SourceURL, Tenants: tenants, Sample: min(len(tenants), sample), Keys: keys, Tenancy: s.Tenancy},
		Repo:   backup.Repository{Store: s.Store, Layout: s.Layout, Keys: keys}, FullAdminURL: s.SourceURL, PGRestore: s.PGRestore,
	})
	if err != nil {
		return err
	}
	rep, full := out.Tenants, out.Full
	if full != nil {
		if !full.Passed {
			rep.Passed = false
		}
		if err := s.Events.Event(ctx, full.Event(run)); err != nil {
			return err
		}
	}
	return Publish(ctx, s.Events, run, rep)
}

// Publish records a drill's outcome on EVENTS (Report.Events).
func Publish(ctx context.Context, pub EventPublisher, run string, rep Report) error {
	for _, e := range rep.Events(run) {
		if err := pub.Event(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
