package prune

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/pkg/retention"
)

// Destination is one copy of the backups (store.destinations) with its
// own retention policy.
type Destination struct {
	Name   string
	Store  Store
	Policy retention.Policy
	// WAL prunes the WAL archive kept with this copy, with this copy's
	// own base backups: the primary's, and a further destination's that
	// takes base backups (it holds a copy of the archive); nil leaves the
	// WAL alone.
	WAL WALPruner
}

// DestinationReport is one destination's run.
type DestinationReport struct {
	Destination string `json:"destination"`
	Report      Report `json:"report"`
}

// ConfigError is a destination whose configuration New refuses.
type ConfigError struct {
	Destination string
	Err         error
}

func (e *ConfigError) Error() string { return fmt.Sprintf("destination %s: %v", e.Destination, e.Err) }
func (e *ConfigError) Unwrap() error { return e.Err }

// RunEach applies each destination's policy to it in turn, with the rest
// of base (layout, keys, ages, clock). A destination whose configuration
// is refused stops there (*ConfigError, with the reports so far); one whose
// run fails is reported and the next one runs, and every failure comes
// back joined, each naming its destination.
func RunEach(ctx context.Context, base Config, dests []Destination, dryRun bool) ([]DestinationReport, error) {
	var out []DestinationReport
	var errs []error
	for _, d := range dests {
		cfg := base
		cfg.Policy, cfg.WAL = d.Policy, d.WAL
		p, err := New(d.Store, cfg)
		if err != nil {
			return out, &ConfigError{Destination: d.Name, Err: err}
		}
		rep, err := p.Run(ctx, dryRun)
		out = append(out, DestinationReport{Destination: d.Name, Report: rep})
		if err != nil {
			errs = append(errs, fmt.Errorf("destination %s: %w", d.Name, err))
		}
	}
	return out, errors.Join(errs...)
}
