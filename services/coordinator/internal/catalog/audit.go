package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// AuditEntry is one line of the audit log: who did what to which tenant.
// It never holds a credential or a tenant's data.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	Tenant  string    `json:"tenant,omitempty"`
	Subject string    `json:"subject,omitempty"`
	Detail  string    `json:"detail,omitempty"`
}

// AddAudit appends an entry; At defaults to now.
func (c *Catalog) AddAudit(ctx context.Context, e AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if _, err := c.db.Exec(ctx, `INSERT INTO `+Schema+`.audit (at, actor, action, tenant, subject, detail)
		VALUES ($1, $2, $3, $4, $5, $6)`, e.At, e.Actor, e.Action, e.Tenant, e.Subject, e.Detail); err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// Audit lists the newest entries first, of one tenant or ("") of all.
func (c *Catalog) Audit(ctx context.Context, tenant string, limit int) ([]AuditEntry, error) {
	rows, err := c.db.Query(ctx, `SELECT id, at, actor, action, tenant, subject, detail FROM `+Schema+`.audit
		WHERE $1 = '' OR tenant = $1 ORDER BY at DESC, id DESC LIMIT $2`, tenant, limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Tenant, &e.Subject, &e.Detail)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	return out, nil
}
