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

// SignOut records a console session as ended until it would have expired,
// forgetting the sessions whose time is past.
func (c *Catalog) SignOut(ctx context.Context, nonce string, expires time.Time) error {
	if _, err := c.db.Exec(ctx, `WITH gone AS (DELETE FROM `+Schema+`.console_signouts WHERE expires_at < now())
		INSERT INTO `+Schema+`.console_signouts (nonce, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, nonce, expires); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// SignedOut reports whether a console session was signed out.
func (c *Catalog) SignedOut(ctx context.Context, nonce string) (bool, error) {
	var out bool
	if err := c.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+Schema+`.console_signouts WHERE nonce = $1)`, nonce).Scan(&out); err != nil {
		return false, fmt.Errorf("signed out: %w", err)
	}
	return out, nil
}

// Audit lists the newest entries first, of one tenant or ("") of all.
func (c *Catalog) Audit(ctx context.Context, tenant string, limit int) ([]AuditEntry, error) {
	return queryAll(ctx, c.db, func(row pgx.CollectableRow) (AuditEntry, error) {
		var e AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.Actor, &e.Action, &e.Tenant, &e.Subject, &e.Detail)
		return e, err
	}, "audit log", `SELECT id, at, actor, action, tenant, subject, detail FROM `+Schema+`.audit
		WHERE $1 = '' OR tenant = $1 ORDER BY at DESC, id DESC LIMIT $2`, tenant, limit)
}
