package stack

import (
	"context"
	"errors"
	"fmt"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/retention/prune"
	"github.com/arcabackup/arca/pkg/seal/keyring"
	"github.com/arcabackup/arca/pkg/wal"
	"github.com/arcabackup/arca/pkg/wal/basebackup"
)

// ErrNoSuchDestination is a destination name store.destinations does not
// hold.
var ErrNoSuchDestination = errors.New("no such destination (store.destinations)")

// PruneDestinations are the destinations to prune (prune.RunEach), each
// with its own retention policy: every one, or only the one named. Each
// WAL archive is pruned with its own destination's base backups, as the
// coordinator's retention runs do: the primary's, and the copy of it in
// each further destination that takes base backups (a copy's base backups
// may be kept longer or shorter than the primary's).
func PruneDestinations(ctx context.Context, cfg config.Config, keys *keyring.Keyring, only string) ([]prune.Destination, error) {
	var out []prune.Destination
	for i, d := range cfg.Destinations() {
		if only != "" && d.Name != only {
			continue
		}
		store, err := OpenDestination(ctx, d, nil)
		if err != nil {
			return nil, err
		}
		pd := prune.Destination{Name: d.Name, Store: store, Policy: PolicyFor(*d.Retention)}
		if i == 0 || d.Takes("base") {
			pd.WAL = basebackup.WALPruner{Config: wal.Config{Store: store, Layout: Layout(cfg), Keys: keys}}
		}
		out = append(out, pd)
	}
	if len(out) == 0 && only != "" {
		return nil, fmt.Errorf("--destination %q: %w", only, ErrNoSuchDestination)
	}
	return out, nil
}
