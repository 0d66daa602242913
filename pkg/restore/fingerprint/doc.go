// Package fingerprint summarises a table's rows as a row count and an MD5
// over the rows' text forms, so that a table can be compared across
// databases: at backup time, after a restore, in a drill.
//
// Rows are ordered by their own text form (collation "C"), not by a primary
// key: the order is then the same on a table created without constraints
// (a --target restore creates missing shared tables from the manifest's
// columns) as on the original, and identical rows need no tie-break. Only
// the given columns take part, so a stored generated column, which a restore
// recomputes, can be left out. The rows stream through the client and are
// hashed there: memory stays flat and the server builds no giant string.
package fingerprint
