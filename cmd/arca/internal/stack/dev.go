package stack

import (
	"context"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/embednats"
)

// DevSet is everything arca dev runs: every stage, the coordinator, and
// the alerter when it can page.
func DevSet(paging bool) Set {
	return Set{Stages: StageServices, Coordinator: true, Alerter: paging, CreateKeys: true}
}

// StartDev prepares arca dev and starts its embedded NATS: it fails before
// claiming to be ready when the keyring (created on first use) or the
// bucket does not open.
func StartDev(ctx context.Context, cfg config.Config) (*embednats.Server, error) {
	if _, err := Keyring(ctx, cfg, true); err != nil {
		return nil, err
	}
	if _, err := Store(ctx, cfg); err != nil {
		return nil, err
	}
	return Embedded(cfg)
}
