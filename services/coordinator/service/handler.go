package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/arcabackup/arca/pkg/messages"
	"github.com/arcabackup/arca/pkg/tenancy"
	"github.com/arcabackup/arca/services/coordinator/internal/api"
	"github.com/arcabackup/arca/services/coordinator/internal/catalog"
	"github.com/arcabackup/arca/services/coordinator/internal/console"
)

// Handler is the HTTP API (docs/openapi.yaml) and the web console under
// /console/, for mounting in another server; Run serves it on API.Addr.
func (c *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", api.Handler(apiService{c}, c.cfg.API.Token, c.log))
	con, err := c.Console()
	if err != nil {
		// The configuration was validated in New; a template that does
		// not parse is a bug caught by the console's tests.
		panic(err)
	}
	mux.Handle(console.Prefix, con)
	mux.Handle("GET /console", http.RedirectHandler(console.Prefix, http.StatusMovedPermanently))
	return mux
}

// apiService adapts the coordinator to what the API needs.
type apiService struct{ c *Service }

func (s apiService) Backups(ctx context.Context, tenant string, limit int) ([]catalog.Backup, error) {
	return s.c.Backups(ctx, tenant, limit)
}

func (s apiService) Backup(ctx context.Context, id string) (catalog.Backup, error) {
	return s.c.Backup(ctx, id)
}

func (s apiService) Copies(ctx context.Context, backupID string) ([]catalog.Copy, error) {
	return s.c.Copies(ctx, backupID)
}

func (s apiService) Run(ctx context.Context, id string) (catalog.Run, []catalog.Job, error) {
	return s.c.RunStatus(ctx, id)
}

func (s apiService) StartTenantBackup(ctx context.Context, tenant string) (catalog.Job, error) {
	if s.c.deps.Source != nil {
		if _, err := tenancy.LookupTenant(ctx, s.c.deps.Source, s.c.cfg.Tenancy, tenant); err != nil {
			if errors.Is(err, tenancy.ErrUnknownTenant) {
				return catalog.Job{}, fmt.Errorf("tenant %q: %w", tenant, api.ErrUnknownTenant)
			}
			return catalog.Job{}, err
		}
	}
	st, err := s.c.BackupTenants(ctx, []string{tenant}, messages.KindTenant, "api")
	if err != nil {
		return catalog.Job{}, err
	}
	if len(st.Jobs) != 1 {
		return catalog.Job{}, fmt.Errorf("backup of tenant %q: run %s has %d jobs", tenant, st.Run.ID, len(st.Jobs))
	}
	return st.Jobs[0], nil
}

func (s apiService) StartRestore(ctx context.Context, r api.RestoreRequest) (catalog.Restore, error) {
	return s.c.StartRestore(ctx, r.BackupID, r.Target)
}

func (s apiService) Restore(ctx context.Context, id string) (catalog.Restore, error) {
	return s.c.RestoreStatus(ctx, id)
}

func (s apiService) StartTenantRestore(ctx context.Context, tenant string, r api.TenantRestoreRequest) (catalog.Restore, error) {
	m, err := s.c.ScheduleTenantRestore(ctx, TenantRestore{Tenant: tenant, At: r.At, Mode: r.Mode, Target: r.Target, Schema: r.Schema})
	if err != nil {
		return catalog.Restore{}, err
	}
	return s.c.RestoreStatus(ctx, m.ID)
}
