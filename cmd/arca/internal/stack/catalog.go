package stack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcabackup/arca/cmd/arca/internal/config"
	"github.com/arcabackup/arca/pkg/backup"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// CatalogURL is the configured catalog, or, when none is configured, a
// database arca_catalog on the source's cluster (arca dev).
func CatalogURL(cfg config.Config) (string, bool) {
	if cfg.Catalog.URL != "" {
		return cfg.Catalog.URL, false
	}
	u, err := url.Parse(cfg.Source.URL)
	if err != nil {
		return "", false
	}
	u.Path = "/arca_catalog"
	return u.String(), true
}

// Catalog opens the catalog database, creating it first when it is the
// derived default and missing, and checks that it answers.
func Catalog(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	pool, err := CatalogPool(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return pool, nil
}

// CatalogPool is Catalog without the check: the coordinator connects when
// it starts, under supervision with the other services.
func CatalogPool(ctx context.Context, cfg config.Config) (*pgxpool.Pool, error) {
	u, derived := CatalogURL(cfg)
	if u == "" {
		return nil, errors.New("catalog: no catalog.url and the source url does not parse")
	}
	if derived {
		if err := createDatabase(ctx, cfg.Source.URL, "arca_catalog"); err != nil {
			return nil, err
		}
	}
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	return pool, nil
}

// createDatabase creates a database on the cluster of adminURL unless it
// exists.
func createDatabase(ctx context.Context, adminURL, name string) error {
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P04" { // duplicate_database
		return nil
	}
	if err != nil && strings.Contains(err.Error(), "already exists") {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create database %s: %w", name, err)
	}
	return nil
}

// CatalogStatus is what `arca status` reads: the recent runs, or, with
// run set, that run and its jobs.
type CatalogStatus struct {
	Runs []coordinator.Run
	Run  coordinator.Run
	Jobs []coordinator.Job
	one  bool // a run was named: Run and Jobs, not Runs
}

// ReadStatus opens the catalog (migrating it) and NATS, and reads the
// newest limit runs, or the run named and its jobs.
func ReadStatus(ctx context.Context, cfg config.Config, run string, limit int) (CatalogStatus, error) {
	cat, err := Catalog(ctx, cfg)
	if err != nil {
		return CatalogStatus{}, err
	}
	defer cat.Close()
	if err := coordinator.MigrateCatalog(ctx, cat); err != nil {
		return CatalogStatus{}, err
	}
	conn, err := Connect(ctx, cfg, "status")
	if err != nil {
		return CatalogStatus{}, err
	}
	defer conn.Close()
	c, err := coordinator.New(coordinator.Deps{JS: conn.JS, Catalog: cat}, coordinator.Config{})
	if err != nil {
		return CatalogStatus{}, err
	}
	st := CatalogStatus{one: run != ""}
	if st.one {
		st.Run, st.Jobs, err = c.RunStatus(ctx, run)
	} else {
		st.Runs, err = c.Runs(ctx, limit)
	}
	return st, err
}

// RebuildCatalog rebuilds the catalog's backups from the bucket read
// through repo, dropping the catalog first when drop is set.
func RebuildCatalog(ctx context.Context, cfg config.Config, repo backup.Repository, drop bool) (coordinator.Rebuilt, error) {
	cat, err := Catalog(ctx, cfg)
	if err != nil {
		return coordinator.Rebuilt{}, err
	}
	defer cat.Close()
	if drop {
		if err := coordinator.DropCatalog(ctx, cat); err != nil {
			return coordinator.Rebuilt{}, err
		}
	}
	return coordinator.RebuildCatalog(ctx, repo, cat)
}

// RebuildCatalogFromBucket is RebuildCatalog from the configuration's
// bucket (OpenRepo).
func RebuildCatalogFromBucket(ctx context.Context, cfg config.Config, drop bool) (coordinator.Rebuilt, error) {
	repo, _, err := OpenRepo(ctx, cfg)
	if err != nil {
		return coordinator.Rebuilt{}, err
	}
	return RebuildCatalog(ctx, cfg, repo, drop)
}
