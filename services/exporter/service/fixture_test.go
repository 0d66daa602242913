package service_test

import "github.com/arcabackup/arca/pkg/tenancy"

// fixtureTenancy is how the fixture database's tenants are found: a
// tenant table with a schema column, responses owned through their keys.
var fixtureTenancy = tenancy.Config{
	TenantTable: tenancy.TenantTable{Table: "public.tenants", Key: "id", SchemaColumn: "schemaName"},
	Exclude:     []string{"public._prisma_migrations"},
	Ownership: map[string]tenancy.Edge{
		"public.responses.responses_display_id_fkey": tenancy.EdgeOwned,
		"public.responses.responses_parent_id_fkey":  tenancy.EdgeOwned,
	},
}
