package stack

import (
	"context"
	"errors"
	"time"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/cmd/arca/internal/cost"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// CostClasses are the storage classes the configuration gives the backups
// (arca cost): the uploader's class of each kind, and the retention
// policy's days after which the lifecycle rules archive them.
func CostClasses(cfg config.Config) cost.Classes {
	c := cost.Classes{Uploader: map[string]string{}, KeepDays: map[string]int{}}
	for kind, p := range Policies(cfg) {
		c.Uploader[kind] = p.StorageClass
	}
	for kind, p := range Policy(cfg).Kinds {
		c.KeepDays[kind] = p.KeepDays
	}
	return c
}

// CostOptions are the configuration's part of cost.Options: the layout,
// the retention policy, the storage classes, the bucket, and the catalog
// when one is configured, with the default prices.
func CostOptions(cfg config.Config, now time.Time) cost.Options {
	o := cost.Options{Prices: cost.DefaultPrices(), Layout: Layout(cfg), Policy: Policy(cfg), Classes: CostClasses(cfg), Now: now,
		Bucket: func(ctx context.Context) (cost.Lister, error) { return Store(ctx, cfg) }}
	if u, _ := CatalogURL(cfg); u != "" {
		o.Catalog = func(ctx context.Context) ([]coordinator.Backup, error) { return CatalogBackups(ctx, cfg) }
	}
	return o
}

// Cost is arca cost's report (cost.Run) of the configuration's options
// (CostOptions) at now: stored bytes from from ("": the default source),
// priced by the table at pricesPath over the defaults ("": none). A table
// that does not load, or a source cost does not know, is a ConfigError.
func Cost(ctx context.Context, cfg config.Config, now time.Time, from, pricesPath string) (cost.Report, error) {
	o := CostOptions(cfg, now)
	o.From = from
	if pricesPath != "" {
		var err error
		if o.Prices, err = cost.LoadPrices(pricesPath); err != nil {
			return cost.Report{}, ConfigError{err}
		}
	}
	rep, err := cost.Run(ctx, o)
	if errors.Is(err, cost.ErrUnknownSource) {
		return rep, ConfigError{err}
	}
	return rep, err
}

// CatalogBackups reads every backup the catalog recorded (cost.Options'
// Catalog), migrating its schema first.
func CatalogBackups(ctx context.Context, cfg config.Config) ([]coordinator.Backup, error) {
	cat, err := Catalog(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer cat.Close()
	if err := coordinator.MigrateCatalog(ctx, cat); err != nil {
		return nil, err
	}
	return coordinator.CatalogBackups(ctx, cat)
}
