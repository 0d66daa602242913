package config

import (
	"fmt"
	"strings"
)

// validate checks the tenancy fields a typo would silently turn into an
// empty backup; pkg/tenancy checks the rest when it runs.
func (t Tenancy) validate() []error {
	var errs []error
	tt := t.TenantTable
	if tt.Table != "" || tt.Key != "" || tt.SchemaColumn != "" {
		if s, n, ok := strings.Cut(tt.Table, "."); !ok || s == "" || n == "" {
			errs = append(errs, fmt.Errorf("tenancy.tenant_table.table %q: want schema.table", tt.Table))
		}
		if tt.Key == "" {
			errs = append(errs, fmt.Errorf("tenancy.tenant_table.key is required with tenancy.tenant_table.table"))
		}
	}
	for k, v := range t.Ownership {
		if parts := strings.SplitN(k, ".", 3); len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
			errs = append(errs, fmt.Errorf("tenancy.ownership %q: want schema.table.constraint", k))
		}
		if v != "owned" && v != "reference" {
			errs = append(errs, fmt.Errorf("tenancy.ownership %q: %q is not owned or reference", k, v))
		}
	}
	return errs
}
