// Package tenantexport is the exporter's tenant export for callers outside
// the exporter module: a tenant point-in-time restore
// (pkg/restore/tenantpitr) exports the tenant from the scratch cluster it
// recovered, with the same tenancy plan and the same code as a scheduled
// export. It writes the plain archive (pkg/archive); sealing it is the
// caller's business.
package tenantexport
