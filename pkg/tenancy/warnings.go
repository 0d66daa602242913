package tenancy

import (
	"fmt"
	"slices"
	"strings"
)

// tenantKeyLike are column names, lower-cased without underscores, that
// usually hold a tenant id. A shared table carrying one that is not a
// configured tenant column is most likely a misconfiguration.
var tenantKeyLike = []string{"tenantid", "organizationid", "organisationid", "orgid", "workspaceid", "accountid", "companyid", "customerid"}

// warnings names what looks misconfigured: tenant-key-like columns not
// configured, and tenant columns without an index (every selection scans
// them).
func (d *discovery) warnings() []string {
	var out []string
	for _, oid := range d.cat.order {
		r := d.cat.rels[oid]
		e := d.owned[oid]
		if e != nil && e.role == RoleSchemaTable {
			continue
		}
		if e != nil && (e.role == RoleTenantOwned || e.role == RoleTenantRow) && !d.cat.indexed[oid][e.col.Name] {
			out = append(out, fmt.Sprintf("%s.%s: tenant column %q has no index: each tenant's export scans the whole table (a batch of tenants scans it once)", r.schema, r.name, e.col.Name))
		}
		followed := map[string]bool{} // columns of foreign keys to owned tables: configured through the catalog
		for _, fk := range d.cat.fks {
			if fk.child == oid && d.owned[fk.parent] != nil {
				for _, c := range fk.childCols {
					followed[c] = true
				}
			}
		}
		for _, c := range r.columns {
			if followed[c.Name] {
				continue
			}
			norm := strings.ReplaceAll(strings.ToLower(c.Name), "_", "")
			if !slices.Contains(tenantKeyLike, norm) || slices.Contains(d.cfg.TenantColumns, c.Name) {
				continue
			}
			if e != nil && e.col != nil && e.col.Name == c.Name {
				continue
			}
			out = append(out, fmt.Sprintf("%s.%s: column %q looks like a tenant key but is not in tenant_columns %v", r.schema, r.name, c.Name, d.cfg.TenantColumns))
		}
	}
	return out
}
