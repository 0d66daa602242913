package tenancy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Defaults used when a Config field is empty.
var (
	DefaultTenantsQuery  = "SELECT id::text FROM public.tenants"
	DefaultTenantColumns = []string{"tenantId", "tenant_id"}
	DefaultSharedSchemas = []string{"public"}
)

// Config is the part of the tenancy model that the catalog cannot tell.
type Config struct {
	// TenantTable is the registry of tenants: each tenant's own row there
	// is owned, exported and restored like any other row of the tenant.
	TenantTable TenantTable `yaml:"tenant_table" json:"tenant_table"`
	// TenantsQuery returns one row per tenant: the id as text and,
	// optionally, a second column with the tenant's own schema (NULL or
	// empty for column-model tenants). It defaults from TenantTable.
	TenantsQuery string `yaml:"tenants_query" json:"tenants_query"`
	// TenantColumns are the column names that mark a shared table's rows as
	// a tenant's, in order of preference.
	TenantColumns []string `yaml:"tenant_columns" json:"tenant_columns"`
	// SharedSchemas hold the shared tables.
	SharedSchemas []string `yaml:"shared_schemas" json:"shared_schemas"`
	// Exclude lists tables never exported, as "schema.table" (split at the
	// first dot, unquoted).
	Exclude []string `yaml:"exclude" json:"exclude"`
	// Ownership overrides the default role of a foreign key, keyed
	// "schema.table.constraint": EdgeOwned makes the child rows owned by
	// whoever owns the parent row, EdgeReference makes it a plain
	// reference. By default NOT NULL and ON DELETE CASCADE foreign keys own.
	Ownership map[string]Edge `yaml:"ownership" json:"ownership"`
}

// TenantTable names the tenants' registry table.
type TenantTable struct {
	// Table is "schema.table", unquoted.
	Table string `yaml:"table" json:"table"`
	// Key is the column holding the tenant id.
	Key string `yaml:"key" json:"key"`
	// SchemaColumn, if set, holds the tenant's own schema name.
	SchemaColumn string `yaml:"schema_column" json:"schema_column,omitempty"`
}

// Set reports whether a tenant table is configured.
func (t TenantTable) Set() bool { return t.Table != "" || t.Key != "" }

func (t TenantTable) split() (schema, table string) {
	schema, table, _ = strings.Cut(t.Table, ".")
	return schema, table
}

// Edge is the configured role of one foreign key.
type Edge string

// The roles a foreign key can be given.
const (
	EdgeOwned     Edge = "owned"
	EdgeReference Edge = "reference"
)

// WithDefaults returns c with empty fields set to the defaults.
func (c Config) WithDefaults() Config {
	if strings.TrimSpace(c.TenantsQuery) == "" {
		c.TenantsQuery = DefaultTenantsQuery
		if s, t := c.TenantTable.split(); c.TenantTable.Key != "" && s != "" && t != "" {
			q := "SELECT t." + pgx.Identifier{c.TenantTable.Key}.Sanitize() + "::text"
			if c.TenantTable.SchemaColumn != "" {
				q += ", t." + pgx.Identifier{c.TenantTable.SchemaColumn}.Sanitize() + "::text"
			}
			c.TenantsQuery = q + " FROM " + pgx.Identifier{s, t}.Sanitize() + " AS t ORDER BY 1"
		}
	}
	if len(c.TenantColumns) == 0 {
		c.TenantColumns = DefaultTenantColumns
	}
	if len(c.SharedSchemas) == 0 {
		c.SharedSchemas = DefaultSharedSchemas
	}
	return c
}

// Validate reports every problem of a defaulted configuration at once.
func (c Config) Validate() error {
	c = c.WithDefaults()
	var errs []error
	for _, col := range c.TenantColumns {
		if col == "" {
			errs = append(errs, errors.New("tenancy: empty tenant column name"))
		}
	}
	for _, s := range c.SharedSchemas {
		if s == "" {
			errs = append(errs, errors.New("tenancy: empty shared schema name"))
		}
	}
	for _, e := range c.Exclude {
		if s, t, ok := strings.Cut(e, "."); !ok || s == "" || t == "" {
			errs = append(errs, fmt.Errorf("tenancy: exclude %q: want schema.table", e))
		}
	}
	if c.TenantTable.Set() {
		if s, t := c.TenantTable.split(); s == "" || t == "" {
			errs = append(errs, fmt.Errorf("tenancy: tenant_table.table %q: want schema.table", c.TenantTable.Table))
		}
		if c.TenantTable.Key == "" {
			errs = append(errs, errors.New("tenancy: tenant_table.key is empty"))
		}
	}
	for k, v := range c.Ownership {
		if parts := strings.SplitN(k, ".", 3); len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			errs = append(errs, fmt.Errorf("tenancy: ownership %q: want schema.table.constraint", k))
		}
		if v != EdgeOwned && v != EdgeReference {
			errs = append(errs, fmt.Errorf("tenancy: ownership %q: %q is not %s or %s", k, v, EdgeOwned, EdgeReference))
		}
	}
	return errors.Join(errs...)
}

func (c Config) excluded(schema, table string) bool {
	for _, e := range c.Exclude {
		if e == schema+"."+table {
			return true
		}
	}
	return false
}

func (c Config) isTenantTable(schema, table string) bool {
	s, t := c.TenantTable.split()
	return c.TenantTable.Set() && s == schema && t == table
}
