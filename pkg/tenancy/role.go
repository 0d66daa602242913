package tenancy

// Role says how a table's exported rows belong to the tenant.
type Role string

// The roles of exported tables; see the package documentation.
const (
	RoleTenantRow   Role = "tenant-row"
	RoleSchemaTable Role = "schema-table"
	RoleTenantOwned Role = "tenant-owned"
	RoleFKOwned     Role = "fk-owned"
	RoleReference   Role = "reference"
)

// Owned reports whether the tenant owns the selected rows, so that a
// --replace restore deletes them first. Reference rows are never deleted;
// schema tables go with their schema.
func (r Role) Owned() bool { return r == RoleTenantOwned || r == RoleFKOwned || r == RoleTenantRow }
