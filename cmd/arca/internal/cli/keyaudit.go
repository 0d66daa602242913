package cli

import (
	"context"
	"os"
	"os/user"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/arcabackup/arca/cmd/arca/internal/stack"
	coordinator "github.com/arcabackup/arca/services/coordinator/service"
)

// auditKey records a key action in the catalog's audit log, next to the
// console's restores. The key change has happened by then: a catalog that
// cannot be reached is a warning, not a failure. It never creates the
// catalog database, and names the operator by their login, never a secret.
func (a *app) auditKey(ctx context.Context, action, tenant, detail string) {
	u, _ := stack.CatalogURL(a.cfg)
	if u == "" {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, u)
	if err == nil {
		defer pool.Close()
		if err = coordinator.MigrateCatalog(ctx, pool); err == nil {
			err = coordinator.RecordAudit(ctx, pool, coordinator.AuditEntry{Actor: "cli:" + login(), Action: action,
				Tenant: tenant, Detail: detail})
		}
	}
	if err != nil {
		a.log.Warn("key action not recorded in the catalog's audit log", "action", action, "err", err)
	}
}

func login() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if s := os.Getenv("USER"); s != "" {
		return s
	}
	return "unknown"
}
