// Package export produces one tenant's archive: it opens the snapshot,
// discovers the tenant's tables (pkg/tenancy), dumps the tenant schema's DDL
// with pg_dump under the same snapshot, streams every table through
// copyout, and closes the archive with its manifest (pkg/archive). The
// output is the plain tar; the encryptor compresses it.
package export
