package tenancy

import (
	"errors"
	"fmt"
	"strings"
)

// Defaults used when a Config field is empty.
var (
	DefaultTenantsQuery  = "SELECT id::text FROM public.tenants"
	DefaultTenantColumns = []string{"tenantId", "tenant_id"}
	DefaultSharedSchemas = []string{"public"}
)

// Config is the part of the tenancy model that the catalog cannot tell.
type Config struct {
	// TenantsQuery returns one row per tenant: the id as text and,
	// optionally, a second column with the tenant's own schema (NULL or
	// empty for column-model tenants).
	TenantsQuery string `yaml:"tenants_query" json:"tenants_query"`
	// TenantColumns are the column names that mark a shared table's rows as
	// a tenant's, in order of preference.
	TenantColumns []string `yaml:"tenant_columns" json:"tenant_columns"`
	// SharedSchemas hold the shared tables.
	SharedSchemas []string `yaml:"shared_schemas" json:"shared_schemas"`
	// Exclude lists tables never exported, as "schema.table" (split at the
	// first dot, unquoted).
	Exclude []string `yaml:"exclude" json:"exclude"`
}

// WithDefaults returns c with empty fields set to the defaults.
func (c Config) WithDefaults() Config {
	if strings.TrimSpace(c.TenantsQuery) == "" {
		c.TenantsQuery = DefaultTenantsQuery
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
