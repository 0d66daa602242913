package tenancy

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Setting is the custom setting every selection reads the tenant id from.
const Setting = "arca.tenant_id"

// settingExpr is the SQL that reads the tenant id inside a selection.
const settingExpr = "current_setting('" + Setting + "')"

// BindSQL is Bind's statement, its arguments Setting and the tenant id,
// for a caller that sends it with others in one round trip.
const BindSQL = "SELECT set_config($1, $2, true)"

// Execer is a connection or transaction that can run a statement.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

var _ Execer = (pgx.Tx)(nil)

// Bind sets the tenant id for the selections of the current transaction,
// passing it as a bind parameter. Call it inside every transaction that
// runs a Table's SQL; it lapses at commit or rollback.
func Bind(ctx context.Context, ex Execer, tenantID string) error {
	if tenantID == "" {
		return fmt.Errorf("bind tenant: empty id")
	}
	if _, err := ex.Exec(ctx, BindSQL, Setting, tenantID); err != nil {
		return fmt.Errorf("bind tenant %q: %w", tenantID, err)
	}
	return nil
}
